"""Hit counting (docs/CONTRACT.md "Reads"): who counts, dedupe, privacy, concurrency."""

import datetime
import logging
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives import hits, read_counts
from initiatives.models import (
    AddressReaders,
    DailyHit,
    DailySalt,
    HitDedupe,
    Initiative,
    ReadCount,
)
from tests.factories import InitiativeFactory, UserFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


@pytest.fixture(autouse=True)
def _forget_cached_salts():
    # The module caches today's salt; tests roll their rows back.
    hits._salts.clear()
    yield
    hits._salts.clear()


@pytest.fixture
def initiative(db):
    return InitiativeFactory(title="Okunan küme")


def page(initiative, language=""):
    # Not get_absolute_url(): a request under /en/ leaves English active in
    # the test's thread, and reverse() would add the prefix.
    return f"{language}/initiatives/{initiative.slug}/"


def view(client, initiative, *, ip="203.0.113.7", agent=BROWSER, **headers):
    return client.get(
        page(initiative),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=agent,
        **headers,
    )


def hit_count(initiative):
    return Initiative.objects.get(pk=initiative.pk).hit_count


def test_a_visitor_view_counts_one_hit_and_shows_it(client, initiative):
    response = view(client, initiative)
    assert response.status_code == 200
    assert hit_count(initiative) == 1
    assertContains(response, "1 kez okundu")
    day = DailyHit.objects.get(initiative=initiative)
    assert (day.day, day.count) == (timezone.localdate(), 1)


def test_the_page_shows_the_count_including_this_read(client, initiative):
    Initiative.objects.filter(pk=initiative.pk).update(hit_count=11130)
    response = client.get(page(initiative, "/en"), HTTP_USER_AGENT=BROWSER)
    assertContains(response, "Read 11,131 times")
    assertContains(view(client, initiative, ip="198.51.100.1"), "11.132 kez okundu")


def test_a_repeat_by_the_same_visitor_within_the_window_does_not_count(
    client, initiative
):
    view(client, initiative)
    response = view(client, initiative)
    assert hit_count(initiative) == 1
    assertContains(response, "1 kez okundu")
    assert DailyHit.objects.get(initiative=initiative).count == 1


def test_a_repeat_after_the_window_counts_again(client, initiative):
    view(client, initiative)
    HitDedupe.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    view(client, initiative)
    assert hit_count(initiative) == 2
    assert DailyHit.objects.get(initiative=initiative).count == 2


def test_the_window_is_a_setting(client, initiative, settings):
    settings.HIT_DEDUPE_SECONDS = 0
    view(client, initiative)
    view(client, initiative)
    assert hit_count(initiative) == 2


def test_another_visitor_counts(client, initiative):
    view(client, initiative, ip="203.0.113.7")
    view(client, initiative, ip="203.0.113.8")
    view(client, initiative, ip="203.0.113.8", agent=BROWSER + " Edg/140")
    assert hit_count(initiative) == 3


def test_one_address_counts_a_few_readers_whatever_its_user_agents(
    client, initiative, settings
):
    assert settings.HIT_MAX_READERS_PER_ADDRESS == 5
    factory = RequestFactory()
    for n in range(1600):
        request = factory.get(
            "/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=f"{BROWSER} rotating-{n}"
        )
        request.user = None
        hits.count_read(request, initiative.pk)
    assert hit_count(initiative) == 5
    assert DailyHit.objects.get(initiative=initiative).count == 5
    # Through the pages too, and the page still shows the count.
    response = view(client, initiative, agent=f"{BROWSER} one more")
    assertContains(response, "5 kez okundu")
    assert hit_count(initiative) == 5


def test_an_office_behind_one_address_counts_several_readers(client, initiative):
    other = InitiativeFactory(title="Başka küme")
    for agent in ("Firefox/140.0", "Chrome/150.0", "Safari/18.0", "Edg/140.0"):
        view(client, initiative, agent=f"{BROWSER} {agent}")
        view(client, other, agent=f"{BROWSER} {agent}")
    # Another address is another office.
    view(client, initiative, ip="198.51.100.1")
    assert hit_count(initiative) == 5
    assert hit_count(other) == 4


def test_an_address_counts_again_in_the_next_window(client, initiative, settings):
    settings.HIT_MAX_READERS_PER_ADDRESS = 1
    view(client, initiative, agent=f"{BROWSER} a")
    view(client, initiative, agent=f"{BROWSER} b")
    assert hit_count(initiative) == 1
    past = timezone.now() - datetime.timedelta(seconds=1)
    HitDedupe.objects.update(expires_at=past)
    AddressReaders.objects.update(expires_at=past)
    view(client, initiative, agent=f"{BROWSER} b")
    assert hit_count(initiative) == 2


def test_the_same_visitor_counts_once_per_initiative(client, initiative):
    other = InitiativeFactory(title="Başka küme")
    view(client, initiative)
    view(client, other)
    assert hit_count(initiative) == hit_count(other) == 1


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
        "ClaudeBot/1.0; +claudebot@anthropic.com)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
        "Twitterbot/1.0",
        "curl/8.5.0",
        "Wget/1.21",
        "python-requests/2.32",
        "Python-urllib/3.11",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0",
        "",
        "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; "
        "Google-Read-Aloud; +https://support.google.com/webmasters/answer/1061943)",
        "axios/1.6",
        "node-fetch/1.0",
        "PostmanRuntime/7.36",
        "WhatsApp/2.23",
        "Mozilla/5.0 (compatible; Barkrowler/0.9; +https://babbar.tech/crawler)",
        "   ",
    ],
)
def test_bots_and_scripts_do_not_count(client, initiative, agent):
    response = view(client, initiative, agent=agent)
    assert response.status_code == 200
    assert hit_count(initiative) == 0


def test_head_does_not_count(client, initiative):
    response = client.head(
        page(initiative),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 200
    assert hit_count(initiative) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_prefetches_do_not_count(client, initiative, headers):
    assert view(client, initiative, **headers).status_code == 200
    assert hit_count(initiative) == 0


def test_logged_in_staff_do_not_count(editor_client, initiative):
    response = view(editor_client, initiative)
    assert response.status_code == 200
    assert hit_count(initiative) == 0


def test_a_logged_in_visitor_who_is_not_staff_counts(client, initiative):
    client.force_login(UserFactory(username="reader", is_staff=False))
    view(client, initiative)
    assert hit_count(initiative) == 1


def test_other_pages_do_not_count(client, initiative):
    client.get("/initiatives/", HTTP_USER_AGENT=BROWSER)
    client.get("/", HTTP_USER_AGENT=BROWSER)
    assert hit_count(initiative) == 0


def test_no_address_or_user_agent_is_stored_and_no_cookie_is_set(client, initiative):
    response = view(client, initiative, ip="203.0.113.99", agent="UniqueAgent/9.9 x")
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    (row,) = HitDedupe.objects.all()
    assert len(row.key) == 64 and int(row.key, 16) >= 0
    (address,) = AddressReaders.objects.all()
    assert len(address.key) == 64 and address.key != row.key
    stored = " ".join(
        [row.key, address.key, *DailySalt.objects.values_list("salt", flat=True)]
        + [str(d) for d in DailyHit.objects.values_list("initiative_id", "day")]
    )
    assert "203.0.113.99" not in stored and "UniqueAgent" not in stored


def test_the_key_is_a_salted_hash_that_changes_each_day(initiative):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=BROWSER
    )
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    key_today = hits.visitor_key(request, initiative, day=today)
    assert key_today == hits.visitor_key(request, initiative, day=today)
    assert key_today != hits.visitor_key(request, initiative, day=tomorrow)


def test_old_salts_and_expired_dedupe_rows_are_deleted_when_a_day_starts(initiative):
    today = timezone.localdate()
    DailySalt.objects.create(day=today - datetime.timedelta(days=5), salt="old")
    DailySalt.objects.create(day=today - datetime.timedelta(days=1), salt="recent")
    HitDedupe.objects.create(
        key="a" * 64, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    HitDedupe.objects.create(
        key="b" * 64, expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    tomorrow = today + datetime.timedelta(days=1)
    hits.daily_salt(tomorrow)
    # "recent" is two days before tomorrow: more than 48 hours old by then.
    assert set(DailySalt.objects.values_list("day", flat=True)) == {tomorrow}
    assert list(HitDedupe.objects.values_list("key", flat=True)) == ["b" * 64]


def test_every_process_uses_the_salt_in_the_database(initiative):
    day = timezone.localdate() + datetime.timedelta(days=10)
    DailySalt.objects.create(day=day, salt="shared-by-every-process")
    assert hits.daily_salt(day) == "shared-by-every-process"


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.0.0.2"]
    factory = RequestFactory()
    behind_proxies = factory.get(
        "/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.5, 203.0.113.9, 10.0.0.2",
    )
    assert hits.client_ip(behind_proxies) == "203.0.113.9"
    spoofed = factory.get(
        "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert hits.client_ip(spoofed) == "192.0.2.1"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<x>")
    assert hits.client_ip(garbage) == "10.0.0.1"


def test_visitors_behind_a_trusted_proxy_are_told_apart(client, initiative, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    view(client, initiative, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    view(client, initiative, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    view(client, initiative, ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert hit_count(initiative) == 2


def test_counting_a_read_costs_four_statements_and_on_sqlite_a_copy(
    client, initiative, assert_queries, settings
):
    # Every view renders the page (its body kept per content version costs
    # less: test_initiative_body_cache.py).
    settings.INITIATIVE_BODY_CACHE_SECONDS = 0
    hits.daily_salt()  # the first read of a day also creates the day's salt
    # The page's own six queries (version, initiative, sectors, provinces,
    # partners, links) and its reads over time; on SQLite the count a bot
    # sees is the larger of hit_count and the hits database's count, and the
    # reads over time come from the hits database.
    with assert_queries(sqlite=(6, 2), postgresql=6 + 1):
        view(client, initiative, agent="Googlebot/2.1")
    # A counted read: dedupe, readers behind the address, count, day; on
    # SQLite in the hits database, then the count copied into hit_count
    # (busy timeout down, the copy, busy timeout back).
    with assert_queries(sqlite=(6 + 3, 4 + 1), postgresql=6 + 4 + 1):
        view(client, initiative)
    assert hit_count(initiative) == 1
    # A repeat: the dedupe statement (and on SQLite the count it shows).
    with assert_queries(sqlite=(6, 2 + 1), postgresql=6 + 1 + 1):
        view(client, initiative)


def test_a_locked_database_loses_the_hit_not_the_page(
    client, initiative, monkeypatch, caplog
):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(hits, "_first_view_in_window", locked)
    with caplog.at_level(logging.WARNING, logger="initiatives.hits"):
        response = view(client, initiative)
    assertContains(response, "Okunan küme")
    assert "not counted" in caplog.text


def test_an_initiative_deleted_takes_its_hit_rows_with_it(client, initiative):
    view(client, initiative)
    kept = InitiativeFactory(title="Kalan küme")
    view(client, kept)
    initiative.delete()
    assert list(DailyHit.objects.values_list("initiative_id", flat=True)) == [kept.pk]
    # On SQLite the exact counts too (PostgreSQL keeps none there).
    assert set(ReadCount.objects.values_list("initiative_id", flat=True)) <= {kept.pk}


def test_record_hit_never_counts_an_unpublished_initiative(initiative):
    initiative.is_published = False
    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER)
    request.user = None
    assert hits.record_hit(request, initiative) is False
    assert hit_count(initiative) == 0


# Exact under concurrency: many threads, each request on its own connection,
# against a real server. SQLite is a file here (settings: TEST NAME), so this
# exercises real locking; on PostgreSQL, real row locks.

THREADS = 16
VISITORS_PER_THREAD = 25


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_visitors_are_counted_exactly(live_server, settings):
    settings.HIT_MAX_READERS_PER_ADDRESS = 10_000  # every visitor is 127.0.0.1
    initiative = InitiativeFactory(title="Kalabalık küme")
    url = live_server.url + page(initiative)

    def visit(thread):
        statuses = []
        for n in range(VISITORS_PER_THREAD):
            request = urllib.request.Request(
                url,
                headers={"User-Agent": f"{BROWSER} visitor-{thread}-{n}"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
                response.read()
        return statuses

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = [s for result in pool.map(visit, range(THREADS)) for s in result]

    assert statuses == [200] * (THREADS * VISITORS_PER_THREAD)
    assert shown_count(live_server, initiative) == THREADS * VISITORS_PER_THREAD == 400
    # hit_count, on SQLite a copy that may have waited for a lock, once the
    # owed copies are made (read_counts.py).
    read_counts.flush()
    assert hit_count(initiative) == 400
    assert DailyHit.objects.get(initiative=initiative).count == 400
    assert HitDedupe.objects.count() == 400

    # The same 400 visitors again, at once: all repeats, nothing more.
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(visit, range(THREADS)))
    assert shown_count(live_server, initiative) == 400
    read_counts.flush()
    assert hit_count(initiative) == 400


def shown_count(live_server, initiative):
    """The count the initiative's page shows a bot (which is never counted)."""
    request = urllib.request.Request(
        live_server.url + page(initiative), headers={"User-Agent": "Googlebot/2.1"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    return int(re.search(r"([\d.]+) kez okundu", text).group(1).replace(".", ""))
