"""Field types and validators of the registry's models."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 1990
YEARS_AHEAD = 5

HTTP_URL_MESSAGE = _("Enter a web address that starts with http:// or https://.")
http_url_validator = URLValidator(schemes=["http", "https"], message=HTTP_URL_MESSAGE)


class HttpURLFormField(forms.URLField):
    default_validators = [http_url_validator]
    default_error_messages = {"invalid": HTTP_URL_MESSAGE}


class HttpURLField(models.URLField):
    """A web address that must use http or https (no javascript:, data:, ftp:)."""

    default_validators = [http_url_validator]

    def deconstruct(self):
        # Migrations know the field by its public path (initiatives.models
        # re-exports it); the module it is defined in may move.
        name, path, args, kwargs = super().deconstruct()
        return name, "initiatives.models.HttpURLField", args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": HttpURLFormField, "assume_scheme": "https", **kwargs}
        )


def validate_year(value):
    """Years of cluster initiatives: 1990 up to five years from now."""
    last = timezone.now().year + YEARS_AHEAD
    if value is not None and not FIRST_YEAR <= value <= last:
        raise ValidationError(
            _("Enter a year between %(first)s and %(last)s."),
            code="year_range",
            params={"first": FIRST_YEAR, "last": last},
        )
