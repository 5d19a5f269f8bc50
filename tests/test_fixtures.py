"""The shipped seed: the 18 initiatives of the 2013 ministry page, faithfully."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from initiatives.models import Initiative, Institution, Link, Partnership
from tests.conftest import _all_rows

pytestmark = pytest.mark.django_db


def by_number(number):
    return Initiative.objects.get(number=number)


def test_the_seed_has_the_eighteen_initiatives_of_the_page(seed):
    assert Initiative.objects.count() == 18
    assert sorted(Initiative.objects.values_list("number", flat=True)) == list(
        range(1, 19)
    )
    assert Initiative.objects.published().count() == 18


def test_every_seed_initiative_was_added_on_26_may_2013(seed):
    assert set(Initiative.objects.values_list("date_added", flat=True)) == {
        datetime.date(2013, 5, 26)
    }


def test_bartin_project_started_2003_supervised_by_the_ministry_of_development(seed):
    bartin = by_number(1)
    assert bartin.title.startswith("Bartın")
    assert bartin.start_year == 2003
    assert [p.slug for p in bartin.provinces.all()] == ["bartin"]
    roles = {(p.institution.name_en, p.role) for p in bartin.partnerships.all()}
    assert roles == {
        ("Ministry of Development", Partnership.Role.SUPERVISOR),
        (
            "Small and Medium Enterprises Development Organization",
            Partnership.Role.PARTNER,
        ),
        ("Undersecretariat of Treasury", Partnership.Role.PARTNER),
        ("Ministry of Science, Industry and Technology", Partnership.Role.PARTNER),
        ("International Competitiveness Research Institute", Partnership.Role.PARTNER),
    }
    acronyms = {p.institution.acronym for p in bartin.partnerships.all()}
    assert {"KOSGEB", "URAK"} <= acronyms


def test_istanbul_competitiveness_analysis_is_2006_by_imp(seed):
    istanbul = by_number(5)
    assert istanbul.start_year == 2006
    assert [p.slug for p in istanbul.provinces.all()] == ["istanbul"]
    assert [i.acronym for i in istanbul.lead_institutions()] == ["IMP"]


def test_merzifon_cluster_was_established_2011(seed):
    merzifon = by_number(11)
    assert merzifon.title.startswith("Merzifon")
    assert merzifon.start_year == 2011


def test_mersin_project_budget_and_duration(seed):
    mersin = by_number(9)
    assert mersin.budget_amount == Decimal("1080630")
    assert mersin.budget_currency == "EUR"
    assert mersin.duration_months == 36
    assert mersin.other_regions_en == "Emilia-Romagna, Italy; Murcia, Spain"
    assert mersin.other_regions_tr == "Emilia-Romagna, İtalya; Murcia, İspanya"
    assert (
        mersin.partnerships.get(role=Partnership.Role.FUNDER).institution.acronym
        == "EU"
    )


def test_medikum_has_fifty_members(seed):
    medikum = by_number(10)
    assert "MEDİKÜM" in medikum.title
    assert medikum.member_firms == 50
    assert [p.slug for p in medikum.provinces.all()] == ["samsun"]


def test_ostim_medical_cluster_has_54_companies_and_16_solution_partners(seed):
    medical = by_number(12)
    assert (medical.member_firms, medical.solution_partners) == (54, 16)
    assert medical.start_year == 2007
    assert "OSTİM" in {p.institution.acronym for p in medical.partnerships.all()}


def test_the_seed_states_no_links_and_no_invented_numbers(seed):
    assert not Link.objects.exists()
    with_budget = Initiative.objects.exclude(budget_amount=None)
    assert list(with_budget.values_list("number", flat=True)) == [9]
    with_members = Initiative.objects.exclude(member_firms=None)
    assert sorted(with_members.values_list("number", flat=True)) == [10, 12]
    assert not Initiative.objects.exclude(end_year=None).exists()
    assert not Institution.objects.exclude(website="").exists()


def test_the_seed_passes_model_validation(seed):
    for model in (Institution, Initiative, Partnership):
        for obj in model.objects.all():
            obj.full_clean()


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata",
        "initiatives.sector",
        "initiatives.institution",
        "initiatives.initiative",
        "initiatives.partnership",
        stdout=out,
    )
    return out.getvalue()


def test_loading_the_seed_twice_leaves_the_same_data(seed):
    before = dump()
    call_command("loaddata", "seed", verbosity=0)
    assert Initiative.objects.count() == 18
    assert dump() == before


def test_reloading_the_seed_keeps_hit_counts(seed):
    Initiative.objects.filter(number=1).update(hit_count=42)
    call_command("loaddata", "seed", verbosity=0)
    assert by_number(1).hit_count == 42


def test_load_seed_command_leaves_a_seeded_registry_alone(seed):
    Initiative.objects.filter(number=1).update(title="Edited by an editor")
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "already" in out.getvalue()
    assert by_number(1).title == "Edited by an editor"


def test_load_seed_command_fills_an_empty_registry(db):
    call_command("load_seed", stdout=io.StringIO())
    call_command("load_seed", stdout=io.StringIO())
    assert Initiative.objects.count() == 18


def comparable_rows():
    """Every row of every table; through rows without their surrogate id,
    which PostgreSQL draws from a sequence that rollbacks do not rewind."""
    return {
        model._meta.label: sorted(
            (
                (
                    [(k, v) for k, v in row.items() if k != "id"]
                    if model._meta.auto_created
                    else list(row.items())
                )
                for row in rows.values()
            ),
            key=repr,
        )
        for model, rows in _all_rows().items()
    }


def test_the_seed_fixture_writes_exactly_what_loading_the_file_writes(request):
    with transaction.atomic():
        call_command("loaddata", "seed", verbosity=0)
        loaded = comparable_rows()
        transaction.set_rollback(True)
    assert Initiative.objects.count() == 0
    request.getfixturevalue("seed")
    assert comparable_rows() == loaded
    assert Initiative.objects.get(number=1).search_text
