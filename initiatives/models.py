import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import text

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
        self.sort_key = text.sort_key(self.name)


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
        require_one_language(self, "name", _("Give a name in Turkish or in English."))
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

    class Meta(TranslatedNameModel.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        permissions = [
            ("import_sector", _("Can import sectors")),
            ("export_sector", _("Can export sectors")),
        ]

    def get_absolute_url(self):
        return reverse("initiatives:initiative_list") + f"?sector={self.slug}"

    def fill_derived_fields(self):
        super().fill_derived_fields()
        self.search_text = text.search_fold(
            " ".join([*in_every_language(self, "name"), self.keywords, self.slug])
        )


class Province(NameSlugModel):
    plate_code = models.PositiveSmallIntegerField(
        _("plate code"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(81)],
    )

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
    search_text = models.TextField(editable=False, default="")

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

    def fill_derived_fields(self):
        super().fill_derived_fields()
        self.search_text = text.search_fold(
            " ".join([*in_every_language(self, "name"), self.acronym])
        )


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published initiatives only."""
        return self.filter(is_published=True)

    def search(self, query):
        """Initiatives whose folded text contains every word of ``query``.

        Folding is Turkish-aware (text.fold), so "izmir", "IZMIR", "İzmir" and
        "izmır" all match "İzmir", the same on every database.
        """
        qs = self
        for term in text.search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs

    def refresh_search_text(self):
        """Recompute the denormalised search column of these initiatives."""
        initiatives = self.prefetch_related(
            "sectors", "provinces", "partnerships__institution"
        )
        changed = []
        for initiative in initiatives:
            value = initiative.build_search_text()
            if value != initiative.search_text:
                initiative.search_text = value
                changed.append(initiative)
        Initiative.objects.bulk_update(changed, ["search_text"], batch_size=500)
        return len(changed)


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
    is_published = models.BooleanField(_("published"), default=True, db_index=True)
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
    search_text = models.TextField(editable=False, default="")

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["number", "title_sort_key", "id"]
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
                fields=["is_published", "-hit_count"], name="initiative_pub_hits"
            ),
            models.Index(
                fields=["is_published", "-date_added"], name="initiative_pub_added"
            ),
            # The list's default order (official number, then title).
            models.Index(
                fields=["number", "title_sort_key", "id"], name="initiative_list_order"
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
        self.title_sort_key = text.sort_key(self.title)
        self.search_text = self.build_search_text()

    def build_search_text(self):
        """Folded text of everything a visitor may search the initiative by,
        in both languages, so that either finds it on every page."""
        parts = [
            *in_every_language(self, "title"),
            *in_every_language(self, "summary"),
            *in_every_language(self, "description"),
            *in_every_language(self, "other_regions"),
            self.support_programme,
            self.slug,
        ]
        if self.pk:
            for sector in self.sectors.all():
                parts += [*in_every_language(sector, "name"), sector.keywords]
            parts += [p.name for p in self.provinces.all()]
            for partnership in self.partnerships.all():
                institution = partnership.institution
                parts += [*in_every_language(institution, "name"), institution.acronym]
        return " " + text.search_fold(" ".join(p for p in parts if p)) + " "

    @property
    def years_display(self):
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")

    def partners_by_role(self):
        """[(role label, [partnerships])] in the order of Partnership.Role."""
        groups = {}
        for partnership in self.partnerships.all():
            groups.setdefault(partnership.role, []).append(partnership)
        return [
            (label, groups[value])
            for value, label in Partnership.Role.choices
            if value in groups
        ]

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


class DailyHit(models.Model):
    """Hits of one initiative on one day, for charts."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="daily_hits"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "day"], name="dailyhit_unique_day"
            ),
        ]

    def __str__(self):
        return f"{self.initiative_id} {self.day}: {self.count}"


class HitDedupe(models.Model):
    """A visitor's recent view: a salted hash, never an address or user agent."""

    key = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key


class DailySalt(models.Model):
    """The random salt of one day's visitor hashes; deleted after two days."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return str(self.day)


def _pending_import_key():
    return uuid.uuid4().hex


class PendingImport(models.Model):
    """An uploaded file between the import preview and its confirmation.

    Kept in the database, which every app server shares (resources.py
    ``DatabaseStorage``), not on one server's disk.
    """

    key = models.CharField(
        max_length=32, primary_key=True, default=_pending_import_key, editable=False
    )
    data = models.BinaryField()
    file_name = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.file_name or self.key


class LoginThrottle(models.Model):
    """Failed admin logins of one (hashed) address or address + username.

    The key is an HMAC of the address, never the address itself.
    """

    key = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.key


class ContentVersion(models.Model):
    """One row whose number changes with every change of public content.

    Database triggers (migration 0008) bump it on every insert, update and
    delete of initiatives (except their hit counts), their sectors, provinces,
    partnerships and links, and of sectors, provinces and institutions —
    whatever wrote them: admin, import, fixtures, raw SQL. Cached pages are
    keyed by it (page_cache.py), so a change shows on the next request.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.number)
