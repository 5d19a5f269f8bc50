import html
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, linebreaks
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
    (an option per institution) on every render after a change. Each value is
    escaped as format_html() would, by the standard library's html.escape
    (which Django's escape() calls) without the lazy-string checks around
    each call: a quarter of the cost."""
    selected_note = _selected_note()
    items = []
    for option in options:
        title = option.get("title")
        selected = option["selected"]
        items.append(
            f'<li><a href="{_escape(option["url"])}"'
            f"{SELECTED if selected else ''}"
            f"{_title(title) if title and title != option['label'] else ''}>"
            f'<span class="facet__label">{_escape(option["label"])}</span> '
            f'<span class="count"><span aria-hidden="true">'
            f"{_escape(option['shown'])}</span>"
            f'<span class="visually-hidden">{_escape(option["spoken"])}</span>'
            f"</span>{selected_note if selected else ''}</a></li>"
        )
    return mark_safe("\n".join(items))


SELECTED = ' class="is-selected" aria-current="true"'


def _escape(value):
    # As conditional_escape(): a value that knows its own markup (a label in
    # the other language, translation.Translated) gives it.
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _title(title):
    return f' title="{_escape(title)}"'


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
