"""One cell at a time: the values Turkish Excel users write, and the formula escape.

Numbers the Turkish way ("1.080", "1.250.000,50 TL"), dates as
2013-05-26 or 26.05.2013, yes/no in English or Turkish, a choice by its value
or its label in any of the site's languages. Parsers raise ``ValidationError``
with the editor's message; the planner turns it into a row error.

``escape_cell()``/``unescape_cell()``: a text cell that a spreadsheet would run
as a formula gets a leading ``'`` on export, which import removes again, so the
round trip is exact.
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from .. import text

# Multi-value cells (sectors, provinces, partners, links) join items with this.
SEPARATOR = " | "
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_UNESCAPE_AFTER = (*FORMULA_TRIGGERS, "'")
TRUE_WORDS = {"1", "yes", "true", "evet", "dogru", "x", "y", "e"}
FALSE_WORDS = {"0", "no", "false", "hayir", "yanlis", "n", "h"}


def escape_cell(value):
    """Prefix ``'`` to a text cell a spreadsheet would run as a formula.

    A cell that already starts with ``'`` followed by such a character (or by
    another ``'``) is prefixed too, so ``unescape_cell`` gives back exactly
    what was exported.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_TRIGGERS or (
        value[0] == "'" and value[1:2] in _UNESCAPE_AFTER
    ):
        return "'" + value
    return value


def unescape_cell(value):
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _UNESCAPE_AFTER:
        return value[1:]
    return value


def split_cell(value, *, semicolons=False):
    """The items of a multi-value cell: " | " (or "|"); names also take ";"."""
    separators = r"[|;]" if semicolons else r"\|"
    return [item.strip() for item in re.split(separators, value) if item.strip()]


def _shown(raw):
    """A cell's value as an error message quotes it: at most 60 characters."""
    value = str(raw)
    return value if len(value) <= 60 else value[:60] + "…"


def parse_text(raw):
    """Text as typed; a number as its digits (Excel turns "2013" into one)."""
    if isinstance(raw, bool):
        raise ValidationError(
            _(
                "The cell holds a yes/no value (%(value)s) where text is "
                "expected. Format the cell as Text and type the text again."
            ),
            params={"value": raw},
        )
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        raise ValidationError(
            _(
                "The cell holds a date or a time where text is expected. Format "
                "the cell as Text and type the text again."
            )
        )
    return str(raw).replace("\r\n", "\n").replace("\r", "\n")


# Larger whole numbers than any column holds (and int() refuses past 4,300
# digits): "too large" before anything converts them.
_MAX_INT_DIGITS = 18


def _too_large(raw):
    return ValidationError(
        _("“%(value)s” is too large a number."), params={"value": _shown(raw)}
    )


def parse_int(raw):
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a whole number."))
    if isinstance(raw, float | Decimal):
        finite = raw.is_finite() if isinstance(raw, Decimal) else math.isfinite(raw)
        if not finite:
            raise ValidationError(_("Enter a whole number."))
        if abs(raw) >= 10**_MAX_INT_DIGITS:
            raise _too_large(raw)
        if raw != int(raw):
            raise ValidationError(_("Enter a whole number."))
        return int(raw)
    if isinstance(raw, int):
        if abs(raw) >= 10**_MAX_INT_DIGITS:
            raise _too_large(raw)
        return raw
    if not isinstance(raw, str):
        raise ValidationError(
            _("“%(value)s” is not a whole number."), params={"value": _shown(raw)}
        )
    value = raw.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", value):  # "1.080" written the Turkish way
        value = value.replace(".", "")
    if re.fullmatch(r"\d+[.,]0+", value):  # "2010.0" from a spreadsheet
        value = re.split(r"[.,]", value)[0]
    if not re.fullmatch(r"\d+", value):
        raise ValidationError(
            _("“%(value)s” is not a whole number."), params={"value": _shown(raw)}
        )
    if len(value.lstrip("0")) > _MAX_INT_DIGITS:
        raise _too_large(raw)
    return int(value)


def parse_decimal(raw, *, max_digits=None, decimal_places=None):
    """A number, the Turkish or the international way; with ``max_digits``
    and ``decimal_places`` (the model field's), one that fits them."""
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a number."))
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    elif not isinstance(raw, str):
        raise ValidationError(
            _("“%(value)s” is not a number."), params={"value": _shown(raw)}
        )
    else:
        number = _decimal_text(raw)
    if not number.is_finite():
        raise ValidationError(
            _("“%(value)s” is not a number."), params={"value": _shown(raw)}
        )
    if max_digits is not None:
        whole = max_digits - decimal_places
        if number and number.adjusted() >= whole:
            raise ValidationError(
                _(
                    "“%(value)s” is too large: at most %(digits)s digits before "
                    "the decimal mark."
                ),
                params={"value": _shown(raw), "digits": whole},
            )
        _sign, digits, exponent = number.as_tuple()
        zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
        if number and exponent + zeros < -decimal_places:
            raise ValidationError(
                _(
                    "“%(value)s” has too many decimals: at most %(places)s digits "
                    "after the decimal mark."
                ),
                params={"value": _shown(raw), "places": decimal_places},
            )
    return number


def _decimal_text(raw):
    value = raw.replace(" ", "").replace("\u00a0", "")
    for symbol in ("€", "$", "₺", "TL", "TRY", "EUR", "USD"):
        value = value.replace(symbol, "")
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
    elif value.count(",") == 1 and not re.fullmatch(r"\d{1,3},\d{3}", value):
        decimal_mark = ","
    elif value.count(".") == 1:
        decimal_mark = "."
    else:
        decimal_mark = None
    thousands = {",": ".", ".": ","}.get(decimal_mark, ".,")
    for mark in thousands:
        value = value.replace(mark, "")
    if decimal_mark:
        value = value.replace(decimal_mark, ".")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number."), params={"value": _shown(raw)}
        ) from None


def format_decimal(value):
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


# Excel keeps a date as the number of days since 30.12.1899 and shows it as a
# date only when the cell is formatted as one; a plain number in a date
# column is taken as such a date when it falls between these years.
_EXCEL_DAY_ZERO = datetime.date(1899, 12, 30)
_PLAUSIBLE_YEARS = (1950, 2100)


def _not_a_date(raw):
    return ValidationError(
        _("“%(value)s” is not a date; write 2013-05-26 or 26.05.2013."),
        params={"value": _shown(raw)},
    )


def parse_date(raw):
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise _not_a_date(raw)
    if not isinstance(raw, str):
        finite = raw.is_finite() if isinstance(raw, Decimal) else math.isfinite(raw)
        if not finite:
            raise _not_a_date(raw)
        low, high = (
            (datetime.date(year, 1, 1) - _EXCEL_DAY_ZERO).days
            for year in _PLAUSIBLE_YEARS
        )
        if not low <= raw < high:
            raise _not_a_date(raw)
        return _EXCEL_DAY_ZERO + datetime.timedelta(days=int(raw))
    value = raw.strip()
    for pattern in (
        "%Y-%m-%d",
        "%d.%m.%Y",
        "%d/%m/%Y",
        "%d-%m-%Y",
        "%Y-%m-%d %H:%M:%S",
    ):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise _not_a_date(raw)


def parse_bool(raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal):
        return bool(raw)
    if not isinstance(raw, str):
        raise ValidationError(
            _("“%(value)s” is not yes or no."), params={"value": _shown(raw)}
        )
    value = text.fold(raw)
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValidationError(
        _("“%(value)s” is not yes or no."), params={"value": _shown(raw)}
    )


def choice_parser(choices):
    """Accept a choice's value or its label in any of the site's languages."""
    keys = {}

    def load():
        from django.utils import translation

        for value, label in choices.choices:
            keys[text.fold(value)] = value
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    keys.setdefault(text.fold(str(label)), value)

    def parse(raw):
        if not keys:
            load()
        key = text.fold(str(raw))
        if key in keys:
            return keys[key]
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s."),
            params={"value": _shown(raw), "choices": ", ".join(choices.values)},
        )

    return parse


def error_messages(error):
    if hasattr(error, "error_dict"):
        return {
            key: [str(m) for m in value] for key, value in error.message_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}
