"""The sidebar's option items, made in Python for speed, are the markup the
template engine's escaping would make."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, override

from initiatives.templatetags.registry import facet_options
from initiatives.translation import Translated


def as_format_html_makes_it(options):
    note = format_html(
        ' <span class="visually-hidden">{}</span>',
        gettext("(selected; remove this filter)"),
    )
    return format_html_join(
        "\n",
        '<li><a href="{}"{}{}><span class="facet__label">{}</span> '
        '<span class="count"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>{}</a></li>',
        (
            (
                o["url"],
                mark_safe(' class="is-selected" aria-current="true"')
                if o["selected"]
                else "",
                format_html(' title="{}"', o["title"])
                if o.get("title") and o["title"] != o["label"]
                else "",
                o["label"],
                o["shown"],
                o["spoken"],
                note if o["selected"] else "",
            )
            for o in options
        ),
    )


def test_option_items_escape_as_format_html_does():
    options = [
        {
            "value": "a-b",
            "url": '/initiatives/?q=a+%26+b&sector=a"b&province=<x>',
            "label": "Ar-Ge & <İnovasyon> \"Kümesi\" 'İzmir'",
            "shown": "1.234",
            "spoken": "1.234 girişim",
            "selected": False,
        },
        {
            "value": "ostim",
            "url": "/initiatives/?institution=ostim",
            "label": "OSTİM",
            "title": "OSTİM Organize Sanayi Bölgesi & <Co>",
            "shown": "3",
            "spoken": "3 girişim",
            "selected": True,
        },
        {
            # A label only in the other language: marked up with its lang.
            "value": "medikal",
            "url": "/en/initiatives/?sector=medikal",
            "label": Translated("Medikal <sağlık>", "tr", fallback=True),
            "title": "Medikal <sağlık>",
            "shown": "12",
            "spoken": "12 initiatives",
            "selected": False,
        },
        {
            "value": "same",
            "url": "/initiatives/?institution=same",
            "label": Translated("Aynı", "tr"),
            "title": "Aynı",
            "shown": "0",
            "spoken": "0",
            "selected": True,
        },
    ]
    for language in ("tr", "en"):
        with override(language):
            made = facet_options(options)
            assert str(made) == str(as_format_html_makes_it(options))
            assert "&lt;İnovasyon&gt;" in made
            assert '<span lang="tr">Medikal &lt;sağlık&gt;</span>' in made
