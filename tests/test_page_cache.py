"""Public pages come from the cache, and never show content older than the
last change: any write bumps the content version in the same transaction."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import ContentVersion, Initiative, Sector
from initiatives.page_cache import cached_page
from tests.factories import InitiativeFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0"
LIST = "/initiatives/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def version():
    return ContentVersion.objects.get(pk=1).number


def test_a_second_view_of_the_list_costs_one_query(client, django_assert_num_queries):
    InitiativeFactory(title="Kayseri Mobilya Kümesi")
    client.get(LIST)
    with django_assert_num_queries(1):
        response = client.get(LIST)
    assertContains(response, "Kayseri Mobilya Kümesi")


def test_a_title_change_shows_on_the_next_request(client):
    initiative = InitiativeFactory(title="Eski başlık")
    assertContains(client.get(LIST), "Eski başlık")
    assertContains(client.get(initiative.get_absolute_url()), "Eski başlık")
    initiative.title = "Yeni başlık"
    initiative.save()
    assertContains(client.get(LIST), "Yeni başlık")
    assertContains(client.get(initiative.get_absolute_url()), "Yeni başlık")


def test_unpublishing_with_a_bulk_update_hides_it_on_the_next_request(client):
    initiative = InitiativeFactory(title="Gizlenecek")
    assertContains(client.get(LIST), "Gizlenecek")
    client.get(initiative.get_absolute_url())
    Initiative.objects.filter(pk=initiative.pk).update(is_published=False)
    assertNotContains(client.get(LIST), "Gizlenecek")
    assert client.get(initiative.get_absolute_url()).status_code == 404


def test_renaming_a_partner_institution_shows_everywhere(client):
    partnership = PartnershipFactory(institution__name="Eski Oda")
    url = partnership.initiative.get_absolute_url()
    assertContains(client.get(url), "Eski Oda")
    institution = partnership.institution
    institution.name = "Yeni Oda"
    institution.save()
    assertContains(client.get(url), "Yeni Oda")


def test_a_new_sector_link_shows_on_the_list(client):
    initiative = InitiativeFactory()
    client.get(LIST)
    initiative.sectors.add(Sector.objects.create(name="Yazılım"))
    assertContains(client.get(LIST), "Yazılım")


def test_hits_do_not_change_the_content_version(client):
    initiative = InitiativeFactory()
    before = version()
    client.get(initiative.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=F("hit_count") + 5)
    assert version() == before


def test_the_cached_initiative_page_shows_the_exact_count_every_time(
    client, assert_queries
):
    initiative = InitiativeFactory()
    url = initiative.get_absolute_url()
    assertContains(client.get(url, HTTP_USER_AGENT=f"{BROWSER} 0"), "1 kez okundu")
    for n in range(1, 4):
        # From the cache: the version, then the hit's four statements, then
        # the reads over time (this one included); on SQLite the hit and the
        # reads in the hits database, after hit_count is read and before it
        # is copied (busy timeout down, the copy, busy timeout back).
        with assert_queries(sqlite=(5, 5), postgresql=6):
            response = client.get(url, HTTP_USER_AGENT=f"{BROWSER} {n}")
        assertContains(response, f"{n + 1} kez okundu")
    # A repeat by the same visitor: not counted, the count and the reads
    # over time read fresh (on SQLite hit_count, and the hits database's
    # count and reads).
    with assert_queries(sqlite=(2, 3), postgresql=4):
        response = client.get(url, HTTP_USER_AGENT=f"{BROWSER} 3")
    assertContains(response, "4 kez okundu")
    initiative.refresh_from_db()
    assert initiative.hit_count == 4


def test_staff_get_a_fresh_page_with_the_edit_link(client):
    initiative = InitiativeFactory()
    client.get(initiative.get_absolute_url())
    client.force_login(UserFactory(is_staff=True))
    assertContains(client.get(initiative.get_absolute_url()), "/admin/initiatives/")


def test_a_cached_page_sets_no_cookie(client):
    client.get(LIST)
    response = client.get(LIST)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_the_cached_initiative_page_keeps_no_count_and_shows_a_changed_one(
    client, assert_queries
):
    initiative = InitiativeFactory()
    url = initiative.get_absolute_url()
    assertContains(client.get(url, HTTP_USER_AGENT=BROWSER), "1 kez okundu")
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=41)
    # A bot's view, from the cache: the version, then the count and the
    # reads over time read fresh (on SQLite also the hits database's count,
    # and the reads from there).
    with assert_queries(sqlite=(2, 2), postgresql=3):
        response = client.get(url, HTTP_USER_AGENT="Googlebot/2.1")
    assertContains(response, "41 kez okundu")
    assertNotContains(response, "<!--read-count-->")
    assertNotContains(response, "<!--reads-over-time-->")


def test_one_decorator_caches_the_body_and_fills_in_the_fresh_parts(rf, settings):
    # What a view sets on its response, and what fill is called with.
    rendered, calls = [], []

    def view(request):
        rendered.append(request)
        response = HttpResponse("<p>[now]</p>")
        response.fill_args = {"page": "p1"}
        response.fill_args_now = {"seen": len(rendered)}
        return response

    def fill(request, content, *, page, seen=None):
        calls.append((page, seen))
        return content.replace(b"[now]", f"{page} {seen}".encode())

    cached = cached_page(view, fill=fill)
    assert cached(rf.get("/x/")).content == b"<p>p1 1</p>"
    assert cached(rf.get("/x/")).content == b"<p>p1 None</p>"
    assert len(rendered) == 1
    # A visitor with a session gets a fresh render, filled in just the same.
    request = rf.get("/x/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    assert cached(request).content == b"<p>p1 2</p>"
    assert calls == [("p1", 1), ("p1", None), ("p1", 2)]


def test_an_answer_that_is_not_complete_is_neither_cached_nor_filled(rf):
    def view(request):
        response = HttpResponse("[now]", status=404)
        response.fill_args = {}
        return response

    def fill(request, content):
        raise AssertionError("a 404 is not filled in")

    cached = cached_page(view, fill=fill)
    assert cached(rf.get("/y/")).status_code == 404
    assert cached(rf.get("/y/")).content == b"[now]"


def test_junk_parameters_neither_add_entries_nor_bypass_the_cache(
    client, django_assert_num_queries
):
    InitiativeFactory(title="Kayseri Mobilya Kümesi", provinces=["kayseri"])
    client.get(LIST + "?province=kayseri&ordering=title")
    for junk in ("utm_source=1", "x=2", "fbclid=abc&y=", "page=1"):
        with django_assert_num_queries(1):  # the version only: a cached answer
            response = client.get(f"{LIST}?{junk}&ordering=title&province=kayseri")
        assertContains(response, "Kayseri Mobilya Kümesi")


def test_a_province_by_name_is_the_same_cached_page_as_by_slug(
    client, django_assert_num_queries
):
    InitiativeFactory(title="Kayseri Mobilya Kümesi", provinces=["kayseri"])
    client.get(LIST + "?province=kayseri")
    for name in ("Kayseri", "KAYSERİ", "kayseri "):
        with django_assert_num_queries(1):  # the version only: a cached answer
            response = client.get(LIST, {"province": name})
        assertContains(response, "Kayseri Mobilya Kümesi")


def test_a_swapped_year_range_notice_is_not_shown_to_who_asked_in_order(client):
    InitiativeFactory(title="Kayseri Mobilya Kümesi", start_year=2010)
    notice = "the years were swapped"
    assertContains(client.get("/en" + LIST + "?year_from=2012&year_to=2008"), notice)
    in_order = client.get("/en" + LIST + "?year_from=2008&year_to=2012")
    assertNotContains(in_order, notice)
    assertContains(in_order, "Kayseri Mobilya Kümesi")
    assertContains(client.get("/en" + LIST + "?year_from=2012&year_to=2008"), notice)


def test_a_page_first_asked_with_junk_parameters_links_without_them(client):
    InitiativeFactory(title="Kayseri Mobilya Kümesi", provinces=["kayseri"])
    response = client.get(LIST + "?utm_source=mail&province=kayseri&zzz=1")
    assertNotContains(response, "utm_source")
    assertNotContains(response, "zzz")
    assertNotContains(client.get(LIST + "?province=kayseri"), "utm_source")


def test_a_search_shortened_for_one_visitor_is_not_shown_shortened_to_another(client):
    InitiativeFactory(title="Kayseri Mobilya Kümesi")
    long_query = "kayseri " + "x" * 300
    notice = "The search was too long"
    assertContains(client.get("/en" + LIST, {"q": long_query}), notice)
    shortened = ("kayseri " + "x" * 300)[:200]
    assertNotContains(client.get("/en" + LIST, {"q": shortened}), notice)


def test_another_host_cannot_poison_the_cached_links(client, settings):
    settings.ALLOWED_HOSTS = ["registry.example", "localhost"]
    settings.SITE_URL = "https://registry.example"
    InitiativeFactory(title="Kayseri Mobilya Kümesi")
    client.get(LIST, HTTP_HOST="localhost:1337")
    response = client.get(LIST, HTTP_HOST="registry.example")
    assertNotContains(response, "localhost:1337")
    assertContains(response, 'href="https://registry.example/en/initiatives/"')


def test_a_page_cached_for_another_database_is_never_served(client):
    InitiativeFactory(title="Eski veritabanının girişimi")
    assertContains(client.get(LIST), "Eski veritabanının girişimi")
    number = version()
    # A new database (migrate draws a new id) whose number has come round to
    # the same value, under the same cache directory.
    Initiative.objects.all().delete()
    InitiativeFactory(title="Yeni veritabanının girişimi")
    ContentVersion.objects.filter(pk=1).update(number=number, database_id="yeni")
    response = client.get(LIST)
    assertContains(response, "Yeni veritabanının girişimi")
    assertNotContains(response, "Eski veritabanının girişimi")


def test_the_default_cache_is_shared_by_processes_and_outlives_them():
    # What one gunicorn worker caches, another (or its restarted self) reads.
    cache.set("shared-probe", "from the test process", 60)
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.cache import cache; "
            "print(cache.get('shared-probe'))",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "clusters_site.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert read.stdout.strip() == "from the test process"


def test_with_the_page_cache_off_no_page_is_read_or_written(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    # The initiative page's body has a switch of its own
    # (test_initiative_body_cache.py).
    settings.INITIATIVE_BODY_CACHE_SECONDS = 0
    initiative = InitiativeFactory(title="Önbelleksiz")
    assertContains(client.get(initiative.get_absolute_url()), "Önbelleksiz")
    stored = Path(settings.CACHES["default"]["LOCATION"]).glob("*.djcache")
    assert list(stored) == []
