"""Drafts: a new initiative starts unpublished; editors preview it at its
public address, everyone else gets "page not found", and it is in no public
list, count or file (issue 13, point 1)."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives import views
from initiatives.models import DailyHit, HitDedupe, Initiative
from initiatives.page_cache import cache_key, cached_page, content_version
from tests.factories import (
    InstitutionFactory,
    PartnershipFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
TITLE = "Taslak Kayseri Mobilya Kümesi"


@pytest.fixture
def draft(seed):
    """An initiative created with the model's defaults, in the seed's sector
    and province and with a seed institution as partner, as an editor would
    start one."""
    initiative = Initiative.objects.create(
        title=TITLE, summary="Henüz yayımlanmadı.", start_year=2015
    )
    initiative.sectors.add(SectorFactory(name="Mobilya"))
    initiative.provinces.set(
        Initiative.objects.get(slug="medical-industry-clusters").provinces.all()
    )
    PartnershipFactory(
        initiative=initiative, institution=InstitutionFactory(name="Kayseri OSB")
    )
    return initiative


def test_a_new_initiative_is_a_draft(db):
    assert Initiative.objects.create(title="Yeni").is_published is False


def test_the_admin_add_form_starts_unpublished(editor_client):
    response = editor_client.get(reverse("admin:initiatives_initiative_add"))
    checkbox = response.context["adminform"].form["is_published"]
    assert checkbox.value() is False
    assertNotContains(response, 'name="is_published" checked')


def test_an_editor_sees_the_draft_with_a_banner_and_a_link_to_publish_it(
    editor_client, draft
):
    response = editor_client.get(draft.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assertContains(response, "Taslak — yayımlanmadı", count=1)
    assertContains(response, TITLE)
    change = reverse("admin:initiatives_initiative_change", args=[draft.pk])
    assertContains(response, f'href="{change}#id_is_published"')
    assertContains(response, '<meta name="robots" content="noindex">')
    english = editor_client.get(f"/en/initiatives/{draft.slug}/")
    assertContains(english, "Draft — not published", count=1)


def test_a_published_page_has_no_draft_banner(editor_client, seed):
    response = editor_client.get("/initiatives/medical-industry-clusters/")
    assertNotContains(response, "Taslak")
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_draft_preview_is_private_counts_no_read_and_sets_no_cookie(
    editor_client, draft
):
    response = editor_client.get(draft.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert not response.cookies
    assert Initiative.objects.get(pk=draft.pk).hit_count == 0
    assert not DailyHit.objects.exists() and not HitDedupe.objects.exists()


def test_the_draft_preview_costs_a_fixed_number_of_queries(
    editor_client, draft, django_assert_num_queries
):
    # session, user, content version, the user's group permissions,
    # initiative, sectors, provinces, partners, links, related
    with django_assert_num_queries(10):
        response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "member", "staff without the right"])
def test_everyone_else_gets_page_not_found(client, draft, who):
    if who == "member":
        client.force_login(UserFactory())
    elif who == "staff without the right":
        staff = UserFactory(is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_initiative"))
        client.force_login(staff)
    response = client.get(draft.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assertContains(response, "Sayfa bulunamadı", status_code=404)
    assertNotContains(response, TITLE, status_code=404)
    assert not DailyHit.objects.exists()


def test_the_preview_is_never_stored_in_the_page_cache(settings, editor, draft):
    """Even a request the cache would take (no session cookie: an editor
    authenticated some other way) leaves no entry for the public to read."""
    settings.PAGE_CACHE_SECONDS = 60
    request = RequestFactory().get(draft.get_absolute_url())
    request.user = editor
    view = cached_page(views.InitiativeDetailView.as_view(), fill=views.put_read_count)
    response = view(request, slug=draft.slug)
    assertContains(response, TITLE)
    from django.core.cache import cache

    assert cache.get(cache_key(request, content_version())) is None


def test_after_an_editor_preview_the_public_still_gets_404(
    settings, editor_client, draft
):
    settings.PAGE_CACHE_SECONDS = 60
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    visitor = Client()
    assert visitor.get(draft.get_absolute_url()).status_code == 404


def test_publishing_the_draft_shows_it_to_the_public(settings, client, draft):
    settings.PAGE_CACHE_SECONDS = 60
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.is_published = True
    draft.save()
    assertContains(client.get(draft.get_absolute_url()), TITLE)


PUBLIC_PLACES = [
    "/",
    "/en/",
    "/initiatives/",
    "/initiatives/?q=kayseri",
    "/initiatives/?sector=mobilya",
    "/initiatives/export.csv",
    "/initiatives/export.json",
    "/initiatives/feed.atom",
    "/en/initiatives/feed.atom",
    "/sitemap.xml",
    "/institutions/",
    "/institutions/kayseri-osb/",
    "/initiatives/medical-industry-clusters/",
]


@pytest.mark.parametrize("path", PUBLIC_PLACES)
def test_a_draft_is_in_no_public_list_file_feed_or_sitemap(client, draft, path):
    response = client.get(path)
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert draft.slug.encode() not in body
    assert TITLE.encode() not in body


def test_a_draft_is_in_no_count(client, draft):
    home = client.get("/")
    assert home.context["figures"]["initiatives"] == 18
    assert home.context["figures"]["institutions"] == 22
    assert "mobilya" not in {s["value"] for s in home.context["sectors"]}
    listed = client.get("/initiatives/")
    assert listed.context["paginator"].count == 18
    facets = {f["name"]: f["options"] for f in listed.context["facets"]}
    assert "mobilya" not in {o["value"] for o in facets["sector"]}
    institutions = client.get("/institutions/?q=kayseri osb").context["page_obj"]
    assert [i.initiative_count for i in institutions] == [0]
    rows = json.loads(
        b"".join(client.get("/initiatives/export.json").streaming_content)
    )["initiatives"]
    assert len(rows) == 18
