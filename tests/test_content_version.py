"""The content version changes with every change of public content, whatever
wrote it; a hit alone does not change it.

The cached pages are keyed by this number (page_cache.py), and database
triggers keep it (migration 0008 and later ones). These tests go field by
field through every content model, so that a column added without its trigger
fails here. Writes are plain SQL ``UPDATE``/``INSERT``/``DELETE`` statements
(the base manager's QuerySet), never the registry's own QuerySet methods, whose
derived writes would bump the version on their own.
"""

import datetime
import decimal

import pytest
from django.apps import apps
from django.db import models
from django.db.models import F
from django.utils import timezone

from initiatives.models import (
    AddressReaders,
    ContentVersion,
    DailyHit,
    DailySalt,
    FormerInstitutionSlug,
    HitDedupe,
    Initiative,
    Institution,
    InstitutionMerge,
    Link,
    LinkCheck,
    LoginThrottle,
    Partnership,
    PendingImport,
    Province,
    ReadCount,
    RevisionOrigin,
    Sector,
)
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    LinkFactory,
    PartnershipFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

SectorLink = Initiative.sectors.through
ProvinceLink = Initiative.provinces.through
CONTENT_MODELS = [
    Sector,
    Province,
    Institution,
    Initiative,
    Partnership,
    Link,
    SectorLink,
    ProvinceLink,
]
INFRASTRUCTURE_MODELS = {
    AddressReaders,
    ContentVersion,
    DailyHit,
    DailySalt,
    HitDedupe,
    # A check is not content; the public mark it may lead to bumps the
    # version itself (tests/test_link_health.py).
    LinkCheck,
    LoginThrottle,
    PendingImport,
    ReadCount,
    RevisionOrigin,
    InstitutionMerge,
    # A former address answers a redirect, which is never cached; it is only
    # written with the institutions' own rows, whose triggers bump the version.
    FormerInstitutionSlug,
}


def version():
    return ContentVersion.objects.values_list("number", flat=True).get(pk=1)


def make(model):
    """A row of ``model`` with a value in every column that can have one."""
    if model is Sector:
        return SectorFactory()
    if model is Province:
        linked = set(ProvinceLink.objects.values_list("province_id", flat=True))
        return Province.objects.exclude(pk__in=linked).order_by("plate_code").first()
    if model is Institution:
        return InstitutionFactory(acronym="KSO", website="https://kso.example/")
    if model is Initiative:
        return InitiativeFactory(
            number=7,
            description="Uzun anlatım.",
            start_year=2010,
            end_year=2012,
            other_regions="Emilia-Romagna",
            budget_amount=decimal.Decimal("1000.00"),
            budget_currency="EUR",
            duration_months=24,
            member_firms=30,
            solution_partners=4,
            support_programme="UR-GE",
            source="2013",
            last_verified=datetime.date(2013, 5, 26),
        )
    if model is Partnership:
        return PartnershipFactory()
    if model is Link:
        return LinkFactory()
    if model is SectorLink:
        initiative = InitiativeFactory(sectors=[SectorFactory()])
        return SectorLink.objects.get(initiative=initiative)
    if model is ProvinceLink:
        initiative = InitiativeFactory(provinces=["elazig"])
        return ProvinceLink.objects.get(initiative=initiative)
    raise AssertionError(f"no row maker for {model}")


def another_value(obj, field):
    """A valid value of ``field`` that differs from the row's."""
    current = getattr(obj, field.attname)
    if field.is_relation:
        return make(field.related_model).pk
    if field.choices:
        return next(value for value, _label in field.choices if value != current)
    if isinstance(field, models.BooleanField):
        return not current
    if isinstance(field, models.DateTimeField):
        return (current or timezone.now()) + datetime.timedelta(days=1)
    if isinstance(field, models.DateField):
        return (current or datetime.date(2013, 5, 26)) + datetime.timedelta(days=1)
    if isinstance(field, models.DecimalField):
        return (current or 0) + 1
    if isinstance(field, models.IntegerField):
        return (current or 0) + (1000 if field.unique else 1)
    if isinstance(field, models.URLField):
        return "https://changed.example/"
    if isinstance(field, models.CharField | models.TextField):
        value = f"changed-{obj.pk}"[: field.max_length]
        return value if value != current else value[::-1]
    raise AssertionError(f"no other value for {field!r}")


def content_fields():
    for model in CONTENT_MODELS:
        for field in model._meta.concrete_fields:
            if field.primary_key or (model is Initiative and field.name == "hit_count"):
                continue
            yield pytest.param(
                model, field, id=f"{model._meta.model_name}.{field.name}"
            )


def test_every_model_of_the_app_is_content_or_infrastructure():
    app = apps.get_app_config("initiatives")
    assert set(app.get_models(include_auto_created=True)) == (
        set(CONTENT_MODELS) | INFRASTRUCTURE_MODELS
    )


@pytest.mark.parametrize(("model", "field"), content_fields())
def test_changing_any_content_column_bumps_the_version(model, field):
    obj = make(model)
    value = another_value(obj, field)
    before = version()
    changed = model._base_manager.filter(pk=obj.pk).update(**{field.attname: value})
    assert changed == 1
    assert version() > before


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_deleting_and_inserting_a_content_row_bumps_the_version(model):
    obj = make(model)
    rows = model._base_manager.filter(pk=obj.pk)
    before = version()
    assert rows._raw_delete(rows.db) == 1
    assert version() > before
    before = version()
    model._base_manager.bulk_create([obj])
    assert version() > before


def test_a_hit_alone_does_not_bump_the_version():
    initiative = make(Initiative)
    before = version()
    Initiative._base_manager.filter(pk=initiative.pk).update(
        hit_count=F("hit_count") + 1
    )
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=F("hit_count") + 1)
    assert version() == before
    assert Initiative.objects.get(pk=initiative.pk).hit_count == 2
