# Day before month, so the English pages read "26 May 2013", not "05/26/2013".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
