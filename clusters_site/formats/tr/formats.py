# Dates as Turkish readers write them: 26.05.2013 (Django's own is "26 Mayıs 2013").
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
