"""The registry's initiatives (their QuerySet is in querysets.py; the named
things they refer to in names.py, their partnerships and links in
relations.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import search, text
from .fields import validate_year
from .languages import in_default_language, require_one_language
from .names import Institution, Province, Sector
from .querysets import (
    LIST_ORDER,
    InitiativeQuerySet,
    fill_title_sort_keys,
)
from .relations import Partnership


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
