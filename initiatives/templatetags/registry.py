from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "TRY": "₺"}


@register.filter
def money(amount, currency):
    """A budget in the active language's format: "1.080.630 €" in Turkish,
    "€1,080,630" in English; cents only when there are any."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    number = number_format(amount, decimals, use_l10n=True, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if not symbol:
        return number
    if get_language() == "en":
        return f"{symbol}{number}"
    return f"{number} {symbol}"


@register.filter
def display_name(sector, language_code=None):
    """A sector's name in the page's language (its English name under /en/)."""
    return sector.display_name(language_code or get_language())
