"""Link health: ``manage.py check_links`` asks every link and website, real
servers on 127.0.0.1 answer every way a link can, and editors and visitors
see the result (issue 13, point 4)."""

import datetime
import io
import itertools
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.link_health import records
from initiatives.models import ContentVersion, LinkCheck
from tests.factories import InitiativeFactory, InstitutionFactory, LinkFactory
from tests.link_servers import link_server, refused_url

pytestmark = pytest.mark.django_db

WARNING = "bağlantı çalışmıyor olabilir"


@pytest.fixture(autouse=True)
def quick_limits(settings):
    settings.LINK_CHECK_HOST_PAUSE = 0
    settings.LINK_CHECK_CONNECT_TIMEOUT = 1
    settings.LINK_CHECK_READ_TIMEOUT = 0.5
    settings.LINK_CHECK_URL_SECONDS = 1.5
    settings.LINK_CHECK_RUN_SECONDS = 20
    settings.LINK_CHECK_WORKERS = 4


@pytest.fixture
def server():
    with link_server() as running:
        yield running


def version():
    return ContentVersion.objects.get(pk=1).number


def check(url):
    return LinkCheck.objects.get(url=url)


def test_every_kind_of_answer_is_kept(server):
    urls = {
        name: server.url(path)
        for name, path in {
            "ok": "/ok",
            "moved": "/moved",
            "missing": "/missing",
            "error": "/error",
            "slow": "/slow",
            "no_head": "/no-head",
            "loop": "/loop-a",
        }.items()
    }
    urls["refused"] = refused_url()
    started = time.monotonic()
    records.check_links(urls=urls.values())
    assert time.monotonic() - started < 10
    got = {
        name: (check(url).status, check(url).error, check(url).broken_since is None)
        for name, url in urls.items()
    }
    assert got == {
        "ok": (200, "", True),
        "moved": (200, "", True),
        "missing": (404, "", False),
        "error": (500, "", False),
        "slow": (None, "timeout", False),
        "no_head": (200, "", True),
        "loop": (None, "redirect loop", False),
        "refused": (None, "connection refused", False),
    }
    assert check(urls["moved"]).final_url == server.url("/ok")
    assert check(urls["ok"]).final_url == urls["ok"]
    asked = [(method, path) for method, path, _ua, _t in server.requests]
    # HEAD first; GET only where HEAD was refused.
    assert ("GET", "/ok") not in asked
    assert asked.count(("HEAD", "/no-head")) == 1
    assert asked.count(("GET", "/no-head")) == 1


def test_more_than_five_redirects_are_an_error(server):
    records.check_links(urls=[server.url("/chain")])
    assert check(server.url("/chain")).error == "too many redirects"
    assert check(server.url("/chain")).final_url == server.url("/chain?6")
    assert len(server.requests) == 6


def test_the_checker_names_itself(server):
    records.check_links(urls=[server.url("/ok")])
    (_method, _path, user_agent, _t) = server.requests[0]
    assert user_agent.startswith("ClusteringInTurkiye-LinkCheck/1.0")
    assert "/about/" in user_agent


def test_a_large_body_is_not_read(server):
    started = time.monotonic()
    records.check_links(urls=[server.url("/large")])
    assert time.monotonic() - started < 5
    assert check(server.url("/large")).status == 200
    # The server stops when the checker hangs up, far short of 50 MB (the
    # socket buffers hold a few megabytes at most).
    time.sleep(0.2)
    assert server.body_bytes_sent < 10 * 1024 * 1024


def test_a_server_that_sends_a_byte_at_a_time_is_cut_off(server):
    started = time.monotonic()
    records.check_links(urls=[server.url("/drip")])
    assert time.monotonic() - started < 4
    assert check(server.url("/drip")).error == "timeout"


def test_the_whole_run_is_bounded_and_leaves_the_rest_for_the_next(server, settings):
    settings.LINK_CHECK_WORKERS = 1
    settings.LINK_CHECK_URL_SECONDS = 1
    settings.LINK_CHECK_RUN_SECONDS = 1.5
    slow = [server.url(f"/slow?{n}") for n in range(6)]
    started = time.monotonic()
    summary = records.check_links(urls=slow)
    assert time.monotonic() - started < 4
    assert summary["not_reached"] >= 4
    assert LinkCheck.objects.count() == summary["checked"] <= 2


def test_requests_to_one_host_keep_a_pause(server, settings):
    settings.LINK_CHECK_HOST_PAUSE = 0.3
    records.check_links(urls=[server.url(f"/ok?{n}") for n in range(3)])
    starts = sorted(t for _m, _p, _ua, t in server.requests)
    assert len(starts) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.28


def test_broken_since_stays_until_the_link_works_again(server):
    url = server.url("/missing")
    first = timezone.now() - datetime.timedelta(days=3)
    records.check_links(urls=[url], now=first)
    records.check_links(urls=[url])
    assert check(url).broken_since == first
    records.record(
        [records.fetch.Result(url=url, status=200, final_url=url)], now=timezone.now()
    )
    assert check(url).broken_since is None


def link_on_page(server, path):
    link = LinkFactory(url=server.url(path), title="Kümenin sitesi")
    return link.initiative


def test_a_link_broken_for_more_than_14_days_is_marked_on_the_public_page(
    server, settings
):
    settings.PAGE_CACHE_SECONDS = 60
    initiative = link_on_page(server, "/missing")
    visitor = Client()
    assertNotContains(visitor.get(initiative.get_absolute_url()), WARNING)
    before = version()
    records.check_links(now=timezone.now() - datetime.timedelta(days=15))
    # Broken for a day, as far as the checker knows: no mark, no new version.
    assert version() == before
    assertNotContains(visitor.get(initiative.get_absolute_url()), WARNING)
    records.check_links()
    assert version() == before + 1
    response = visitor.get(initiative.get_absolute_url())
    assertContains(response, "Kümenin sitesi")  # still shown
    assertContains(response, WARNING, count=1)
    english = visitor.get(f"/en/initiatives/{initiative.slug}/")
    assertContains(english, "the link may not work", count=1)
    # Another run that changes no mark leaves the cached pages alone.
    records.check_links()
    assert version() == before + 1


def test_the_mark_goes_when_the_link_works_again(server, settings):
    settings.PAGE_CACHE_SECONDS = 60
    initiative = link_on_page(server, "/missing")
    records.check_links(now=timezone.now() - datetime.timedelta(days=20))
    records.check_links()
    assertContains(Client().get(initiative.get_absolute_url()), WARNING)
    initiative.links.update(url=server.url("/ok"))
    records.check_links()
    assertNotContains(Client().get(initiative.get_absolute_url()), WARNING)
    # The old address's check goes with the last record that used it.
    assert list(LinkCheck.objects.values_list("url", flat=True)) == [server.url("/ok")]


def test_an_institution_website_is_checked_and_marked(server):
    institution = InstitutionFactory(name="Kayseri OSB", website=server.url("/error"))
    records.check_links(now=timezone.now() - datetime.timedelta(days=15))
    records.check_links()
    assert check(server.url("/error")).status == 500
    assertContains(Client().get(institution.get_absolute_url()), WARNING, count=1)


def test_the_command_checks_everything_and_says_what_it_found(server):
    LinkFactory(url=server.url("/ok"))
    LinkFactory(url=server.url("/missing"))
    InstitutionFactory(website=server.url("/ok"))
    out = io.StringIO()
    call_command("check_links", stdout=out)
    assert "Checked 2 of 2 addresses" in out.getvalue()
    assert "1 broken" in out.getvalue()
    assert LinkCheck.objects.count() == 2


def test_editors_see_broken_links_on_the_index_in_a_list_and_in_the_form(
    server, editor_client
):
    initiative = InitiativeFactory(title="Bağlantılı girişim")
    LinkFactory(initiative=initiative, url=server.url("/missing"), position=0)
    LinkFactory(initiative=initiative, url=server.url("/ok"), position=1)
    LinkFactory(url=server.url("/ok"))
    records.check_links()

    index = editor_client.get(reverse("admin:index"))
    assertContains(index, "1 bozuk bağlantı")
    changelist = reverse("admin:initiatives_linkcheck_changelist")
    broken = editor_client.get(changelist, {"state": "broken"})
    assert [c.url for c in broken.context["cl"].result_list] == [server.url("/missing")]
    initiatives = editor_client.get(
        reverse("admin:initiatives_initiative_changelist"), {"links": "broken"}
    )
    assert [i.title for i in initiatives.context["cl"].result_list] == [
        "Bağlantılı girişim"
    ]
    form = editor_client.get(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    )
    assertContains(form, "tarihinden beri bozuk (HTTP 404)")
    assertContains(form, "çalışıyor (HTTP 200)")


def test_link_checks_are_read_only_in_the_admin(server, editor_client):
    records.check_links(urls=[server.url("/ok")])
    pk = check(server.url("/ok")).pk
    change = reverse("admin:initiatives_linkcheck_change", args=[pk])
    assert editor_client.get(change).status_code == 200
    assert editor_client.post(change, {"url": "https://x.example/"}).status_code == 403
    assert (
        editor_client.get(reverse("admin:initiatives_linkcheck_add")).status_code == 403
    )


def test_the_initiative_form_shows_link_states_in_one_query(
    server, editor_client, django_assert_num_queries
):
    initiative = InitiativeFactory()
    LinkFactory(initiative=initiative, url=server.url("/ok"))
    records.check_links()
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    editor_client.get(url)  # fills the content-type cache
    # session, user, initiative, sectors, provinces, permissions (2),
    # partnerships, links with their checks
    with django_assert_num_queries(9):
        editor_client.get(url)
    for n in range(4):
        LinkFactory(initiative=initiative, url=server.url(f"/missing?{n}"))
    records.check_links()
    with django_assert_num_queries(9):
        response = editor_client.get(url)
    assertContains(response, "tarihinden beri bozuk (HTTP 404)", count=4)


def test_an_institution_form_shows_its_website_state(server, editor_client):
    institution = InstitutionFactory(website=server.url("/error"))
    url = reverse("admin:initiatives_institution_change", args=[institution.pk])
    assertContains(editor_client.get(url), "henüz denetlenmedi")
    records.check_links()
    assertContains(editor_client.get(url), "tarihinden beri bozuk (HTTP 500)")


def test_an_address_with_turkish_letters_is_asked_percent_encoded(server):
    url = server.url("/öğrenci-işleri?şehir=İzmir")
    records.check_links(urls=[url])
    assert check(url).status == 404  # answered, not a crash
    (_method, path, _ua, _t) = server.requests[0]
    assert path == "/%C3%B6%C4%9Frenci-i%C5%9Fleri?%C5%9Fehir=%C4%B0zmir"
