"""Translated content: writing under the default language, and the texts of
a field in every language (translation.py says which fields)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation


def in_default_language():
    """Write translated records under the default language (Turkish).

    The original column of a translated field (``title`` beside ``title_tr``
    and ``title_en``) then holds the Turkish text, or the English where there
    is no Turkish, whatever language the writer's request was in
    (translation.py).
    """
    return translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


def in_every_language(obj, field):
    """The texts of a translated ``field`` in every language, empty ones left out."""
    values = (
        getattr(obj, f"{field}_{code}", None) for code, _name in settings.LANGUAGES
    )
    return [value for value in values if value]


def require_one_language(obj, field, message):
    if not in_every_language(obj, field):
        raise ValidationError(
            {f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}": message}
        )
