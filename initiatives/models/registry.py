"""The registry: sectors, provinces, institutions, initiatives, their
partnerships and links (their QuerySets are in querysets.py)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .. import search, text
from .fields import HttpURLField, validate_year
from .querysets import (
    LIST_ORDER,
    InitiativeQuerySet,
    InstitutionQuerySet,
    NameSlugQuerySet,
    PartnershipQuerySet,
    SectorQuerySet,
    fill_title_sort_keys,
)


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


class Initiative(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        UNKNOWN = "unknown", _("unknown")

    class Currency(models.TextChoices):
        TRY = "TRY", _("Turkish lira (TRY)")
        EUR = "EUR", _("euro (EUR)")
        USD = "USD", _("US dollar (USD)")

    number = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Number in the official list, if it has one."),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Used in the web address. Left blank, it is made from the title."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for lists.")
    )
    description = models.TextField(_("description"), blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[validate_year],
        db_index=True,
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=[validate_year]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.UNKNOWN,
        db_index=True,
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="initiatives"
    )
    provinces = models.ManyToManyField(
        Province, verbose_name=_("provinces"), blank=True, related_name="initiatives"
    )
    other_regions = models.CharField(
        _("other regions"),
        max_length=500,
        blank=True,
        help_text=_(
            'Places outside Türkiye\'s provinces, e.g. "Emilia-Romagna, Italy".'
        ),
    )
    institutions = models.ManyToManyField(
        Institution,
        through="Partnership",
        verbose_name=_("institutions"),
        related_name="initiatives",
        blank=True,
    )
    budget_amount = models.DecimalField(
        _("budget"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(
        _("budget currency"), max_length=3, choices=Currency, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration in months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    member_firms = models.PositiveIntegerField(
        _("member firms"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    solution_partners = models.PositiveIntegerField(
        _("solution partners"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Universities, NGOs and others that support the member firms."),
    )
    support_programme = models.CharField(
        _("support programme"),
        max_length=255,
        blank=True,
        help_text=_("e.g. the Cluster Support Programme, UR-GE, EU IPA."),
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Where the facts come from."),
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    # A new initiative is a draft: editors read it at its address (a
    # "draft" banner) before they publish it.
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    date_added = models.DateField(
        _("date added"), default=datetime.date.today, db_index=True
    )
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(
        _("updated"), default=timezone.now, editable=False
    )
    hit_count = models.PositiveBigIntegerField(
        _("hits"), default=0, editable=False, db_index=True
    )
    title_sort_key = models.CharField(
        max_length=text.SORT_KEY_LENGTH, editable=False, db_index=True, default=""
    )
    # The English title's (or, without one, the Turkish's): /en/'s order.
    title_sort_key_en = models.CharField(
        max_length=text.SORT_KEY_LENGTH, editable=False, default=""
    )
    search_text = models.TextField(editable=False, default="")

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = LIST_ORDER
        permissions = [
            ("import_initiative", _("Can import initiatives")),
            ("export_initiative", _("Can export initiatives")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="initiative_end_year_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="initiative_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["is_published", "title_sort_key"], name="initiative_pub_title"
            ),
            models.Index(
                fields=["is_published", "title_sort_key_en"],
                name="initiative_pub_title_en",
            ),
            models.Index(
                fields=["is_published", "-hit_count"], name="initiative_pub_hits"
            ),
            # With the id: the home page's "latest added" after an import
            # that added thousands on one day reads five rows, not them all.
            models.Index(
                fields=["is_published", "-date_added", "-id"],
                name="initiative_pub_added_id",
            ),
            # The list's default order (official number, then title).
            models.Index(
                fields=["number", "title_sort_key", "id"], name="initiative_list_order"
            ),
            # Counts by start year and by status (/statistics/, the status
            # facet), and "among the published" subqueries, read these small
            # indexes instead of every published row.
            models.Index(
                fields=["id"],
                condition=models.Q(is_published=True),
                name="initiative_published",
            ),
            models.Index(
                fields=["start_year"],
                condition=models.Q(is_published=True),
                name="initiative_pub_start_year",
            ),
            models.Index(
                fields=["status"],
                condition=models.Q(is_published=True),
                name="initiative_pub_status",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and self.pk and update_fields is None:
            # Never write hit_count from a form or import: hits.py is its only
            # writer, and a stale copy would lose concurrent hits.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "hit_count"
            ]
        with in_default_language():
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("initiatives:initiative_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        require_one_language(
            self, "title", _("Give the initiative a title in Turkish or in English.")
        )
        if (
            self.start_year is not None
            and self.end_year is not None
            and self.end_year < self.start_year
        ):
            raise ValidationError(
                {"end_year": _("The end year cannot be before the start year.")}
            )
        if self.budget_amount is not None and not self.budget_currency:
            raise ValidationError(
                {"budget_currency": _("Choose the budget's currency.")}
            )

    def fill_derived_fields(self):
        with in_default_language():
            self._fill_derived_fields()

    def _fill_derived_fields(self):
        if not self.slug:
            self.slug = text.unique_slug(
                self.title,
                lambda slug: (
                    Initiative.objects.filter(slug=slug).exclude(pk=self.pk).exists()
                ),
                max_length=self._meta.get_field("slug").max_length,
            )
        fill_title_sort_keys(self)
        self.search_text = self.build_search_text()

    def build_search_text(self):
        """Folded text of everything a visitor may search the initiative by,
        in both languages, so that either finds it on every page."""
        relations = {}
        if self.pk:
            partnerships = self.partnerships.select_related("institution")
            relations = {
                "sectors": [
                    (s.name_tr, s.name_en, s.keywords) for s in self.sectors.all()
                ],
                "provinces": [p.name for p in self.provinces.all()],
                "institutions": [
                    (
                        p.institution.name_tr,
                        p.institution.name_en,
                        p.institution.acronym,
                    )
                    for p in partnerships
                ],
            }
        return search.initiative_search_text(**self.search_values(), **relations)

    def search_values(self):
        """The initiative's own columns that its search text is made of."""
        return {
            name: getattr(self, name, None) or ""
            for name in search.INITIATIVE_TEXT_FIELDS
        }

    @property
    def years_display(self):
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")

    def partners_by_role(self):
        """[(role label, [partnerships])] in the order of Partnership.Role."""
        return Partnership.by_role(self.partnerships.all())

    def lead_institutions(self):
        return [
            p.institution
            for p in self.partnerships.all()
            if p.role == Partnership.Role.LEAD
        ]


class Partnership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        COORDINATOR = "coordinator", _("coordinator")
        SUPERVISOR = "supervisor", _("supervisor")
        PARTNER = "partner", _("partner")
        FUNDER = "funder", _("funder")

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("initiative"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("institution"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role, default=Role.PARTNER
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "institution", "role"],
                name="partnership_unique_role",
                violation_error_message=_(
                    "This institution already has this role here."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.institution} ({self.get_role_display()})"

    @classmethod
    def by_role(cls, partnerships, item=lambda partnership: partnership):
        """[(role label, [item(p), ...])] grouped by role, roles in the order of
        ``Role`` (lead first), each group in the order given."""
        groups = {}
        for partnership in partnerships:
            groups.setdefault(partnership.role, []).append(item(partnership))
        return [
            (label, groups[value])
            for value, label in cls.Role.choices
            if value in groups
        ]


class Link(models.Model):
    class Kind(models.TextChoices):
        WEBSITE = "website", _("website")
        MORE_INFORMATION = "more_information", _("more information")
        REPORT = "report", _("report")
        NEWS = "news", _("news")

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("initiative"),
    )
    url = HttpURLField(_("web address"), max_length=500)
    title = models.CharField(_("title"), max_length=255, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.WEBSITE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title or self.url
