"""Content kept in Turkish and English, and how pages read it.

django-modeltranslation gives each field registered here a column per language
(``title_tr``, ``title_en``). Reading ``initiative.title`` gives the active
language's text, or the other language's when that one is empty
(``MODELTRANSLATION_FALLBACK_LANGUAGES``). The original column (``title``) stays:
``save()`` writes it under the default language, so it holds the Turkish text,
or the English where there is no Turkish yet (models.py ``in_default_language``).

Pages do not read the original column: ``translated()`` says which language a
text is in, so a fallback is shown with its own ``lang`` and a visible note.
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register, translator

from .models import Initiative, Institution, Sector

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# What the page says beside a text shown in another language than its own.
LANGUAGE_NOTES = {"tr": _("in Turkish"), "en": _("in English")}


@register(Initiative)
class InitiativeTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "other_regions", "source")


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name",)
    # Names are unique in each language; an empty one is NULL, so that many
    # records may lack the same language.
    empty_values = None


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None


class Translated(str):
    """A text with the language it is in.

    ``fallback`` is true when the page's language had no text and this is the
    other language's. In a template, ``{{ value }}`` marks a fallback up with
    its ``lang`` and a short note; as a string it is the plain text.
    """

    def __new__(cls, text="", language="", fallback=False):
        value = super().__new__(cls, text or "")
        value.language = language
        value.fallback = fallback
        return value

    @property
    def text(self):
        return str(self)

    def __html__(self):
        if not self.fallback:
            return escape(self.text)
        return format_html(
            '<span lang="{}">{}</span> <span class="lang-note">{}</span>',
            self.language,
            self.text,
            LANGUAGE_NOTES.get(self.language, self.language),
        )


def choose(texts, language=None):
    """The text of ``language`` from ``{language: text}``, else another's."""
    language = language or get_language()
    if texts.get(language):
        return Translated(texts[language], language)
    for other in LANGUAGE_CODES:
        if texts.get(other):
            return Translated(texts[other], other, fallback=other != language)
    return Translated("", language)


def translated(obj, field, language=None):
    """``obj``'s ``field`` in ``language`` (the active one), or in the other."""
    return choose(
        {code: getattr(obj, f"{field}_{code}", None) for code in LANGUAGE_CODES},
        language,
    )


def institution_name(institution, language=None):
    """ "Name (ACRONYM)" in ``language``, the name marked if a fallback."""
    name = translated(institution, "name", language)
    if institution.acronym and institution.acronym != name:
        return Translated(
            f"{name} ({institution.acronym})", name.language, name.fallback
        )
    return name


def translated_fields(model):
    """The names of ``model``'s fields kept in each language."""
    return translator.get_options_for_model(model).get_field_names()


def _empty(column):
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


def missing_translation(model, language):
    """A filter: records with a text in another language but none in ``language``."""
    conditions = []
    for field in translated_fields(model):
        in_another = reduce(
            or_,
            (
                Q(**{f"{field}_{other}__gt": ""})
                for other in LANGUAGE_CODES
                if other != language
            ),
        )
        conditions.append(_empty(f"{field}_{language}") & in_another)
    return reduce(or_, conditions)
