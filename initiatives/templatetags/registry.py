from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from .. import translation

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


@register.simple_tag
def translated(obj, field, style="inline"):
    """``obj``'s ``field`` in the page's language, never a hole.

    When the page's language has no text, the other language's is shown,
    marked with its own ``lang`` and a short note ("İngilizce", "in Turkish").
    ``style``: "inline" (a phrase), "paragraphs" (line breaks kept, for
    descriptions) or "plain" (no markup, for ``<title>`` and meta tags).
    """
    value = translation.translated(obj, field)
    if style == "plain":
        return value.text
    if style == "paragraphs":
        if not value:
            return ""
        paragraphs = mark_safe(linebreaks(value.text, autoescape=True))
        if not value.fallback:
            return paragraphs
        return format_html(
            '<p class="lang-note">{}</p><div lang="{}">{}</div>',
            translation.LANGUAGE_NOTES.get(value.language, value.language),
            value.language,
            paragraphs,
        )
    return value


@register.simple_tag
def institution_name(institution, style="inline"):
    """An institution's name in the page's language, with its acronym."""
    if style == "plain":
        return str(translation.institution_name(institution))
    return translation.institution_name(institution)


@register.simple_tag
def facet_options(options):
    """The list items of a facet's options (facets.initiative_facets), made
    here rather than by the template engine: the list has hundreds of them
    (an option per institution) on every render."""
    return format_html_join(
        "\n",
        '<li><a href="{}"{}{}><span class="facet__label">{}</span> '
        '<span class="count"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>{}</a></li>',
        (
            (
                option["url"],
                mark_safe(' class="is-selected" aria-current="true"')
                if option["selected"]
                else "",
                format_html(' title="{}"', option["title"])
                if option.get("title") and option["title"] != option["label"]
                else "",
                option["label"],
                option["shown"],
                option["spoken"],
                _selected_note() if option["selected"] else "",
            )
            for option in options
        ),
    )


def _selected_note():
    return format_html(
        ' <span class="visually-hidden">{}</span>',
        gettext("(selected; remove this filter)"),
    )


# Page links shown on each side of the current page, and at each end.
PAGES_AROUND, PAGES_AT_ENDS = 2, 1


@register.simple_tag
def page_numbers(page_obj):
    """The page numbers near ``page_obj`` and at both ends, ``None`` for
    each gap ("1 … 4 5 6 7 8 … 20"); no query (the count is known)."""
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(
            page_obj.number, on_each_side=PAGES_AROUND, on_ends=PAGES_AT_ENDS
        )
    ]
