"""Which model field each file column is, and how the admin labels it.

The columns of translated texts without a suffix (``title``, ``name``) are the
Turkish, the default language's; the ``_en`` columns are the English fields of
the same names (docs/CONTRACT.md "Languages in files"). Columns of related
records (``sectors``, ``partners``...) are labelled as the admin form does.
"""

import functools

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import Link, Partnership


# Both are called for every cell of a file: the answers are fixed once the
# translated fields are registered (translation.py), so they are kept.
@functools.cache
def translated_attribute(model, column):
    """The field a file column reads and writes.

    The columns of translated texts (``title``, ``name``...) are the Turkish
    ones (the default language's), whatever the editor's language: written
    through ``title``, modeltranslation would pick the active language. The
    other languages' columns (``title_en``) are their fields' own names.
    """
    from ..translation import translated_fields

    if column in translated_fields(model):
        return f"{column}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
    return column


@functools.cache
def translation_of(model, column):
    """The translated field a column holds a language of (``title`` for
    ``title`` and ``title_en``), or None."""
    from ..translation import LANGUAGE_CODES, translated_fields

    for field in translated_fields(model):
        if column == field or column in {f"{field}_{c}" for c in LANGUAGE_CODES}:
            return field
    return None


def column_value(obj, column):
    """The value of ``obj``'s field for ``column``; an empty translation is ""."""
    value = getattr(obj, translated_attribute(type(obj), column))
    if value is None and translation_of(type(obj), column):
        return ""
    return value


def column_of(model, field):
    """The file column of a model field (``title`` for ``title_tr``)."""
    original = translation_of(model, field)
    if original is not None and translated_attribute(model, original) == field:
        return original
    return field


def write_fields(model, columns):
    """Fields to write for these columns: each column's field, and for a
    column of a translated text its original field too (the Turkish text, or
    the English when there is no Turkish)."""
    fields = [translated_attribute(model, c) for c in columns]
    originals = {translation_of(model, c) for c in columns} - {None}
    return fields + [f for f in sorted(originals) if f not in fields]


def column_label(model, column):
    """The column's name as the admin form labels it ("Title", "Sectors"),
    with its language for a translated text ("Title (English)")."""
    related = {"partners": Partnership, "links": Link}
    if column in related:
        return str(related[column]._meta.verbose_name_plural).capitalize()
    original = translation_of(model, column)
    label = str(model._meta.get_field(original or column).verbose_name).capitalize()
    if original is None:
        return label
    # "Title (in English)": the column of one language of a translated text.
    return _("%(field)s (%(language)s)") % {
        "field": label,
        "language": language_name(column.removeprefix(original)),
    }


def language_name(suffix):
    """The language of a column's suffix ("_en"; none is the default one)."""
    code = suffix.lstrip("_") or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return str(dict(settings.LANGUAGES)[code])
