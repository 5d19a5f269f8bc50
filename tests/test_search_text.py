"""The search text is right after every writer the code base has.

One test (or a few) per writer: model saves, the admin form and its inlines,
fixtures, QuerySet ``update()``, bulk writes, renames of sectors, provinces
and institutions, relation changes, and the import. Each checks what a
visitor's search finds, and that the stored text is the one the rule
(initiatives/search.py) builds from the database.
"""

import pytest
from django.core.management import call_command
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import translation

from initiatives.models import (
    Initiative,
    Institution,
    Partnership,
    Province,
    Sector,
)
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    PartnershipFactory,
    SectorFactory,
)
from tests.test_admin import initiative_form, with_partners

pytestmark = pytest.mark.django_db


def found(query):
    return set(Initiative.objects.search(query).values_list("slug", flat=True))


def assert_fresh():
    """Every stored search text is the one the rule builds from the database."""
    assert Initiative.objects.all().refresh_search_text() == 0


# -- the rule -----------------------------------------------------------------


def test_the_rule_folds_every_part_of_an_initiative_without_a_query(
    django_assert_num_queries,
):
    from initiatives.search import initiative_search_text

    with django_assert_num_queries(0):
        value = initiative_search_text(
            title_tr="İzmir Kümesi",
            title_en="Izmir Cluster",
            summary_tr="Özet",
            summary_en="Summary",
            description_tr="",
            description_en="Text",
            other_regions_tr="Emilia-Romagna",
            other_regions_en="Italy",
            support_programme="UR-GE",
            slug="izmir-kumesi",
            sectors=[("Sağlık", "Health", "medikal")],
            provinces=["Elazığ"],
            institutions=[
                (
                    "OSTİM Organize Sanayi Bölgesi",
                    "OSTİM Organized Industrial Zone",
                    "OSTİM",
                )
            ],
        )
    # Both languages of every text, each word once, and each word with a ğ
    # once more with ğ read as k (text.search_fold): "saglik" and "saklik",
    # "elazig" and "elazik".
    assert value == (
        " izmir kumesi cluster ozet summary text emilia romagna italy ur ge"
        " saglik health medikal elazig ostim organize sanayi bolgesi organized"
        " industrial zone saklik elazik "
    )


# -- initiatives: save, admin, fixtures ----------------------------------------


def test_saving_an_initiative_makes_its_new_title_findable():
    initiative = InitiativeFactory(title="Eski ad")
    initiative.title = "Yepyeni küme"
    initiative.save()
    assert found("yepyeni") == {initiative.slug}
    assert_fresh()


def test_the_admin_form_and_its_inlines_make_sectors_and_partners_findable(
    editor_client,
):
    kayso = InstitutionFactory(name="Kayseri Sanayi Odası", acronym="KAYSO")
    sector = SectorFactory(name="Mobilya", name_en="Furniture")
    data = with_partners(
        initiative_form(sectors=[sector.pk], provinces=["38"]), (kayso, "lead")
    )
    response = editor_client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 302
    for query in ("kayso", "kayseri sanayi odasi", "furniture", "mobilya"):
        assert found(query) == {"kayseri-mobilya-kumesi"}
    assert_fresh()


def test_a_partner_removed_in_the_admin_inline_is_no_longer_found(editor_client):
    partnership = PartnershipFactory(
        institution=InstitutionFactory(name="Kayseri Sanayi Odası", acronym="KAYSO")
    )
    initiative = partnership.initiative
    data = initiative_form(title_tr=initiative.title, slug=initiative.slug)
    data.update(
        {
            "partnerships-TOTAL_FORMS": "1",
            "partnerships-INITIAL_FORMS": "1",
            "partnerships-0-id": str(partnership.pk),
            "partnerships-0-initiative": str(initiative.pk),
            "partnerships-0-institution": str(partnership.institution.pk),
            "partnerships-0-role": "partner",
            "partnerships-0-position": "0",
            "partnerships-0-DELETE": "on",
        }
    )
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    assert editor_client.post(url, data).status_code == 302
    assert found("kayso") == set()
    assert_fresh()


def test_load_seed_stores_the_search_text_the_rule_builds():
    call_command("load_seed", verbosity=0)
    assert found("kosgeb") == {
        "bartin-clusters-based-regional-development-project",
        "clusters-based-strategic-economic-development-project-tekirdag",
    }
    assert_fresh()


# -- initiatives: QuerySet.update() and bulk writes ------------------------------


def test_queryset_update_of_title_is_found_by_search():
    initiative = InitiativeFactory(title="Eski ad", slug="kume")
    Initiative.objects.filter(pk=initiative.pk).update(title="Yepyeni küme")
    assert found("yepyeni") == {initiative.slug}
    assert found("eski") == set()
    assert_fresh()


def test_queryset_update_of_title_in_english_is_found_and_keeps_the_turkish_order():
    # modeltranslation writes update(title=...) to the active language's
    # column: under /en/ that is title_en, which the search text has too.
    InitiativeFactory(title="Bursa")
    changed = InitiativeFactory(title="Ankara")
    with translation.override("en"):
        Initiative.objects.filter(pk=changed.pk).update(title="Zebra cluster")
    changed.refresh_from_db()
    assert (changed.title_tr, changed.title_en) == ("Ankara", "Zebra cluster")
    assert found("zebra") == {changed.slug}
    assert found("ankara") == {changed.slug}
    by_title = Initiative.objects.order_by("title_sort_key")
    assert [i.title_tr for i in by_title] == ["Ankara", "Bursa"]
    assert_fresh()


def test_queryset_update_of_a_translated_column_is_found_by_search():
    initiative = InitiativeFactory()
    Initiative.objects.filter(pk=initiative.pk).update(summary_en="Valiliği")
    assert found("valilik") == {initiative.slug}
    assert_fresh()


@pytest.mark.parametrize(
    "field", ["summary", "description", "other_regions", "support_programme"]
)
def test_queryset_update_of_a_searched_field_is_found_by_search(field):
    initiative = InitiativeFactory()
    Initiative.objects.filter(pk=initiative.pk).update(**{field: "Şanlıurfa pamuğu"})
    assert found("sanliurfa pamugu") == {initiative.slug}
    assert_fresh()


def test_queryset_update_of_the_slug_is_found_by_search():
    initiative = InitiativeFactory()
    Initiative.objects.filter(pk=initiative.pk).update(slug="yepyeni-adres")
    assert found("yepyeni adres") == {"yepyeni-adres"}
    assert_fresh()


def test_queryset_update_of_title_keeps_the_turkish_title_order():
    InitiativeFactory(title="Bursa")
    changed = InitiativeFactory(title="Ankara")
    Initiative.objects.filter(pk=changed.pk).update(title="Çorum")
    by_title = Initiative.objects.order_by("title_sort_key")
    assert [i.title for i in by_title] == ["Bursa", "Çorum"]


def test_queryset_update_of_title_by_an_expression_is_found_and_ordered():
    InitiativeFactory(title="Bursa")
    changed = InitiativeFactory(title="küme")
    Initiative.objects.filter(pk=changed.pk).update(
        title=Concat(Value("Çorum "), F("title"))
    )
    assert found("corum kume") == {changed.slug}
    by_title = Initiative.objects.order_by("title_sort_key")
    assert [i.title for i in by_title] == ["Bursa", "Çorum küme"]
    assert_fresh()


def test_queryset_update_of_hit_count_alone_stays_one_statement(
    django_assert_num_queries,
):
    initiative = InitiativeFactory()
    with django_assert_num_queries(1):
        Initiative.objects.filter(pk=initiative.pk).update(hit_count=F("hit_count") + 1)
    assert_fresh()


def test_bulk_create_of_initiatives_makes_them_findable():
    Initiative.objects.bulk_create(
        [
            Initiative(title="Yepyeni küme", slug="yepyeni-kume"),
            Initiative(title="Çorlu Tekstil", slug="corlu-tekstil"),
        ]
    )
    assert found("yepyeni") == {"yepyeni-kume"}
    assert found("corlu") == {"corlu-tekstil"}
    assert [i.title for i in Initiative.objects.order_by("title_sort_key")] == [
        "Çorlu Tekstil",
        "Yepyeni küme",
    ]
    assert_fresh()


def test_bulk_update_of_titles_is_found_by_search():
    sector = SectorFactory(name="Döküm", name_en="Casting")
    initiatives = [InitiativeFactory(sectors=[sector]) for _ in range(3)]
    for n, initiative in enumerate(initiatives):
        initiative.title = f"Yepyeni küme {n}"
    Initiative.objects.bulk_update(initiatives, ["title"])
    assert found("yepyeni dokum") == {i.slug for i in initiatives}
    assert_fresh()


# -- names of sectors, provinces and institutions ------------------------------


def test_a_sector_renamed_by_save_is_found():
    sector = SectorFactory(name="Döküm", name_en="Casting")
    initiative = InitiativeFactory(sectors=[sector])
    sector.name, sector.name_en = "Metal işleme", "Metalworking"
    sector.save()
    assert found("metal isleme") == found("metalworking") == {initiative.slug}
    assert_fresh()


@pytest.mark.parametrize(
    ("values", "query"),
    [
        ({"name": "Metal işleme"}, "metal isleme"),
        ({"name_en": "Metalwork"}, "metalwork"),
    ],
)
def test_a_sector_renamed_by_queryset_update_is_found(values, query):
    sector = SectorFactory(name="Döküm", name_en="Casting")
    initiative = InitiativeFactory(sectors=[sector])
    Sector.objects.filter(pk=sector.pk).update(**values)
    assert found(query) == {initiative.slug}
    assert_fresh()


def test_a_sector_renamed_by_queryset_update_keeps_the_turkish_order():
    SectorFactory(name="Bakır")
    renamed = SectorFactory(name="Ağaç")
    Sector.objects.filter(pk=renamed.pk).update(name="Çelik")
    assert list(Sector.objects.values_list("name", flat=True)) == ["Bakır", "Çelik"]


def test_sectors_renamed_by_bulk_update_are_found():
    sector = SectorFactory(name="Döküm", name_en="Casting")
    initiative = InitiativeFactory(sectors=[sector])
    sector.name = "Metal işleme"
    Sector.objects.bulk_update([sector], ["name"])
    assert found("metal isleme") == {initiative.slug}
    assert_fresh()


def test_a_province_renamed_by_queryset_update_is_found():
    initiative = InitiativeFactory(provinces=["elazig"])
    Province.objects.filter(slug="elazig").update(name="Harput")
    assert found("harput") == {initiative.slug}
    assert_fresh()


def test_an_institution_renamed_by_save_is_found_with_its_initiatives():
    partnership = PartnershipFactory()
    institution = partnership.institution
    institution.name, institution.acronym = "Gaziantep Sanayi Odası", "GSO"
    institution.save()
    assert found("gso") == {partnership.initiative.slug}
    assert set(Institution.objects.search("gso")) == {institution}
    assert_fresh()


@pytest.mark.parametrize(
    ("values", "query"),
    [
        ({"name": "Gaziantep Sanayi Odası"}, "gaziantep odasi"),
        ({"acronym": "GSO"}, "gso"),
    ],
)
def test_an_institution_renamed_by_queryset_update_is_found_with_its_initiatives(
    values, query
):
    partnership = PartnershipFactory()
    institution = partnership.institution
    Institution.objects.filter(pk=institution.pk).update(**values)
    assert found(query) == {partnership.initiative.slug}
    assert set(Institution.objects.search(query)) == {institution}
    assert_fresh()


def test_institutions_renamed_by_bulk_update_are_found_with_their_initiatives():
    partnership = PartnershipFactory()
    institution = partnership.institution
    institution.acronym = "GSO"
    Institution.objects.bulk_update([institution], ["acronym"])
    assert found("gso") == {partnership.initiative.slug}
    assert set(Institution.objects.search("gso")) == {institution}
    assert_fresh()


def test_institutions_made_by_bulk_create_are_found():
    Institution.objects.bulk_create(
        [Institution(name="Çorlu Ticaret Odası", acronym="ÇTO", slug="corlu-to")]
    )
    assert [i.slug for i in Institution.objects.search("cto corlu")] == ["corlu-to"]


def test_a_deleted_sector_is_no_longer_found():
    sector = SectorFactory(name="Döküm", name_en="Casting")
    InitiativeFactory(sectors=[sector])
    sector.delete()
    assert found("dokum") == set()
    assert_fresh()


# -- relations: sectors, provinces, partnerships ---------------------------------


def test_sectors_and_provinces_added_are_found():
    initiative = InitiativeFactory()
    initiative.sectors.add(SectorFactory(name="Döküm", name_en="Casting"))
    initiative.provinces.add(Province.objects.get(slug="elazig"))
    assert found("dokum elazig") == {initiative.slug}
    assert_fresh()


def test_an_initiative_added_from_the_sector_side_is_found():
    initiative = InitiativeFactory()
    SectorFactory(name="Döküm", name_en="Casting").initiatives.add(initiative)
    assert found("casting") == {initiative.slug}
    assert_fresh()


def test_sectors_removed_cleared_or_set_are_no_longer_found():
    dokum = SectorFactory(name="Döküm", name_en="Casting")
    mobilya = SectorFactory(name="Mobilya", name_en="Furniture")
    initiative = InitiativeFactory(sectors=[dokum, mobilya], provinces=["elazig"])
    initiative.sectors.remove(dokum)
    assert found("dokum") == set()
    assert found("mobilya") == {initiative.slug}
    initiative.sectors.set([dokum])
    assert found("mobilya") == set()
    assert found("dokum") == {initiative.slug}
    initiative.provinces.clear()
    assert found("elazig") == set()
    dokum.initiatives.clear()
    assert found("dokum") == set()
    assert_fresh()


def test_partnerships_made_by_bulk_create_are_found():
    initiative = InitiativeFactory()
    institution = InstitutionFactory(name="Kayseri Sanayi Odası", acronym="KAYSO")
    Partnership.objects.bulk_create(
        [Partnership(initiative=initiative, institution=institution)]
    )
    assert found("kayso") == {initiative.slug}
    assert_fresh()


def test_partnerships_deleted_by_queryset_are_no_longer_found():
    partnership = PartnershipFactory(
        institution=InstitutionFactory(name="Kayseri Sanayi Odası", acronym="KAYSO")
    )
    Partnership.objects.filter(pk=partnership.pk).delete()
    assert found("kayso") == set()
    assert_fresh()


def test_partnerships_changed_by_queryset_update_are_found():
    partnership = PartnershipFactory(institution=InstitutionFactory(acronym="ESKI"))
    other = InitiativeFactory()
    kayso = InstitutionFactory(name="Kayseri Sanayi Odası", acronym="KAYSO")
    Partnership.objects.filter(pk=partnership.pk).update(
        institution=kayso, initiative=other
    )
    assert found("kayso") == {other.slug}
    assert found("eski") == set()
    assert_fresh()


def test_a_partnership_moved_to_another_initiative_by_save_leaves_the_old_one():
    partnership = PartnershipFactory(institution=InstitutionFactory(acronym="KAYSO"))
    other = InitiativeFactory()
    partnership.initiative = other
    partnership.save()
    assert found("kayso") == {other.slug}
    assert_fresh()


# -- the import ---------------------------------------------------------------


def test_an_import_makes_new_and_changed_initiatives_findable():
    from initiatives.transfer import INITIATIVE_COLUMNS, import_file

    SectorFactory(name="Makine", name_en="Machinery")
    InstitutionFactory(name="Kayseri Sanayi Odası", acronym="KAYSO")
    InitiativeFactory(title="Eski ad", slug="var-olan")  # the slug stays
    rows = [
        {"slug": "yeni-kume", "title": "Yeni küme", "sectors": "Makine"},
        {"slug": "var-olan", "title": "Yepyeni ad", "partners": "KAYSO (funder)"},
    ]
    lines = [",".join(INITIATIVE_COLUMNS)]
    for row in rows:
        values = {"start_year": "2015", "status": "active", **row}
        lines.append(",".join(values.get(c, "") for c in INITIATIVE_COLUMNS))
    result = import_file(data="\n".join(lines).encode(), file_name="rows.csv")
    assert not result.has_errors(), result.row_error_list
    assert found("machinery") == {"yeni-kume"}
    assert found("yepyeni kayso") == {"var-olan"}
    assert found("eski") == set()
    assert_fresh()
