"""The named things of the registry: sectors, provinces and institutions
(their QuerySets are in querysets.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import search, text
from .fields import HttpURLField
from .languages import in_default_language, in_every_language, require_one_language
from .querysets import (
    InstitutionQuerySet,
    NameSlugQuerySet,
    SectorQuerySet,
)


class NameSlugModel(models.Model):
    """A named thing with a Turkish-aware slug and sort key (sectors, provinces...)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Used in web addresses. Left blank, it is made from the name."),
    )
    sort_key = models.CharField(
        max_length=text.SORT_KEY_LENGTH, editable=False, db_index=True
    )

    objects = NameSlugQuerySet.as_manager()

    # The columns that initiatives' search text (and this model's derived
    # columns) are made of, and those derived columns.
    search_sources = ("name",)
    derived_fields = ("sort_key",)

    class Meta:
        abstract = True
        ordering = ["sort_key", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with in_default_language():
            self.fill_derived_fields()
            super().save(*args, **kwargs)

    def fill_derived_fields(self):
        with in_default_language():
            self._fill_slug_and_sort_key()

    def _fill_slug_and_sort_key(self):
        if not self.slug:
            self.slug = text.unique_slug(
                self.name,
                lambda slug: (
                    type(self)
                    ._default_manager.filter(slug=slug)
                    .exclude(pk=self.pk)
                    .exists()
                ),
                max_length=self._meta.get_field("slug").max_length,
            )
        self.fill_derived_text()

    def fill_derived_text(self):
        """Fill the columns derived from the name (no query)."""
        with in_default_language():
            self.sort_key = text.sort_key(self.name)

    @classmethod
    def refresh_initiatives(cls, pks):
        """Refresh the search text of the initiatives linked to these rows."""
        search.refresh_search_text(
            cls._base_manager.filter(pk__in=pks).values_list("initiatives", flat=True)
        )


class TranslatedNameModel(NameSlugModel):
    """A name kept in each language (translation.py), unique across both.

    ``name_tr`` and ``name_en`` are each unique, and no record's name in one
    language may be another's in the other, so a name found in a file or a
    search means one record. The original ``name`` column holds the Turkish
    name, or the English one where there is no Turkish.
    """

    class Meta(NameSlugModel.Meta):
        abstract = True

    def clean(self):
        super().clean()
        self.clean_names()
        self.check_names_are_free()

    def clean_names(self):
        """The rules of the names that need no query (the import checks that
        they are free for a whole file at once)."""
        require_one_language(self, "name", _("Give a name in Turkish or in English."))

    def check_names_are_free(self):
        names = in_every_language(self, "name")
        same = Q()
        for code, _name in settings.LANGUAGES:
            same |= Q(**{f"name_{code}__in": names})
        other = type(self)._default_manager.filter(same).exclude(pk=self.pk).first()
        if other is not None:
            raise ValidationError(
                _("“%(other)s” already has this name in one of its languages."),
                code="name_taken",
                params={"other": other},
            )

    def fill_derived_fields(self):
        # An empty name is NULL, never "": each language's column is unique.
        for code, _name in settings.LANGUAGES:
            if getattr(self, f"name_{code}", None) == "":
                setattr(self, f"name_{code}", None)
        super().fill_derived_fields()


class Sector(TranslatedNameModel):
    keywords = models.CharField(
        _("other names"),
        max_length=500,
        blank=True,
        help_text=_(
            "Other words the sector is known by, in either language, separated "
            "by commas (e.g. tekstil, konfeksiyon, textile). Search finds its "
            "initiatives by them."
        ),
    )
    search_text = models.TextField(editable=False, default="")

    objects = SectorQuerySet.as_manager()

    search_sources = (*search.SECTOR_TEXT_FIELDS, "slug")
    derived_fields = ("sort_key", "search_text")

    class Meta(TranslatedNameModel.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        permissions = [
            ("import_sector", _("Can import sectors")),
            ("export_sector", _("Can export sectors")),
        ]

    def get_absolute_url(self):
        return reverse("initiatives:initiative_list") + f"?sector={self.slug}"

    def fill_derived_text(self):
        super().fill_derived_text()
        self.search_text = search.sector_search_text(
            name_tr=self.name_tr or "",
            name_en=self.name_en or "",
            keywords=self.keywords,
            slug=self.slug,
        )


class Province(NameSlugModel):
    plate_code = models.PositiveSmallIntegerField(
        _("plate code"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(81)],
    )

    search_sources = search.PROVINCE_TEXT_FIELDS

    class Meta(NameSlugModel.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def get_absolute_url(self):
        return reverse("initiatives:initiative_list") + f"?province={self.slug}"


class Institution(TranslatedNameModel):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        PUBLIC_AGENCY = "public_agency", _("public agency")
        GOVERNORSHIP = "governorship", _("governorship")
        MUNICIPALITY = "municipality", _("municipality")
        CHAMBER = "chamber", _("chamber")
        ORGANIZED_INDUSTRIAL_ZONE = "oiz", _("organized industrial zone")
        DEVELOPMENT_AGENCY = "development_agency", _("development agency")
        UNIVERSITY = "university", _("university")
        ASSOCIATION = "association", _("association")
        INTERNATIONAL = "international", _("international organization")
        COMPANY = "company", _("company")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=255, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind, default=Kind.OTHER, db_index=True
    )
    country = models.CharField(
        _("country"),
        max_length=100,
        default="Türkiye",
        blank=True,
        help_text=_("Blank for international organizations."),
    )
    website = HttpURLField(_("website"), max_length=500, blank=True)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        default="",
        help_text=_(
            "Other names it is known by, one per line; merging keeps the "
            "names of the duplicates here. Search and imports find the "
            "institution by them."
        ),
    )
    search_text = models.TextField(editable=False, default="")

    objects = InstitutionQuerySet.as_manager()

    search_sources = search.INSTITUTION_TEXT_FIELDS
    derived_fields = ("sort_key", "search_text")

    class Meta(TranslatedNameModel.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        permissions = [
            ("import_institution", _("Can import institutions")),
            ("export_institution", _("Can export institutions")),
        ]

    def __str__(self):
        if self.acronym and self.acronym != self.name:
            return f"{self.name} ({self.acronym})"
        return self.name

    def get_absolute_url(self):
        return reverse("initiatives:institution_detail", kwargs={"slug": self.slug})

    def fill_derived_text(self):
        super().fill_derived_text()
        self.search_text = search.institution_search_text(
            name_tr=self.name_tr or "",
            name_en=self.name_en or "",
            acronym=self.acronym,
            other_names=self.other_names,
        )

    def other_name_list(self):
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]
