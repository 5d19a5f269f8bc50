"""Reads over time on each initiative page: the last twelve months of its
per-day counts, with the reads of the last 30 days, always current."""

import datetime
import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives import reads_chart
from initiatives.models import DailyHit
from tests.factories import InitiativeFactory
from tests.test_views import BROWSER

MONTH_ROW = re.compile(
    r'<tr><th scope="row">([^<]+)</th><td class="number">([\d.,]+)</td></tr>'
)


@pytest.fixture
def initiative(db):
    return InitiativeFactory(title="Okunan küme", slug="okunan-kume")


def reads_section(response):
    page = response.content.decode()
    found = re.findall(
        r'<section aria-labelledby="reads-title".*?</section>', page, re.S
    )
    assert len(found) == 1
    return found[0]


def add_reads(initiative, days_ago_and_counts, today):
    DailyHit.objects.bulk_create(
        DailyHit(
            initiative=initiative,
            day=today - datetime.timedelta(days=days_ago),
            count=count,
        )
        for days_ago, count in days_ago_and_counts
    )


def test_the_months_and_the_last_30_days_are_the_sums_of_the_daily_counts(
    client, initiative
):
    today = timezone.localdate()
    add_reads(
        initiative,
        [(0, 2), (10, 1000), (29, 5), (30, 7), (45, 3), (200, 11), (330, 4), (400, 9)],
        today,
    )
    other = InitiativeFactory(slug="baska")
    add_reads(other, [(0, 50)], today)
    # A bot: nothing is counted, so the page shows exactly the rows above.
    section = reads_section(
        client.get(initiative.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    )
    assert "Son 30 günde 1.007 kez okundu." in section
    rows = MONTH_ROW.findall(section)
    assert len(rows) == 12
    first = reads_chart.months_before(today, 11)
    expected = {}
    for hit in DailyHit.objects.filter(initiative=initiative, day__gte=first):
        month = hit.day.replace(day=1)
        expected[month] = expected.get(month, 0) + hit.count
    months = list(reads_chart.months(first, today))
    assert [int(count.replace(".", "")) for _, count in rows] == [
        expected.get(month, 0) for month in months
    ]
    assert (
        sum(int(c.replace(".", "")) for _, c in rows) == 1000 + 2 + 5 + 7 + 3 + 11 + 4
    )
    assert rows[-1][0].endswith(str(today.year))
    # The chart draws one column per month, the tallest the largest month.
    heights = [
        float(h)
        for h in re.findall(r'<rect class="chart__bar" [^>]*height="([\d.]+)"', section)
    ]
    assert len(heights) == 12
    assert heights.index(max(heights)) == [expected.get(m, 0) for m in months].index(
        max(expected.get(m, 0) for m in months)
    )


def test_a_counted_read_shows_at_once_on_a_cached_page(client, initiative, settings):
    settings.PAGE_CACHE_SECONDS = 60
    url = initiative.get_absolute_url()
    for n in range(3):
        response = client.get(url, HTTP_USER_AGENT=f"{BROWSER} {n}")
        assertContains(response, f"Son 30 günde {n + 1} kez okundu.", count=1)
    response = client.get("/en" + url, HTTP_USER_AGENT=f"{BROWSER} 3")
    assertContains(response, "Read 4 times in the last 30 days.", count=1)
    rows = MONTH_ROW.findall(reads_section(response))
    assert rows[-1][1] == "4"


def test_an_initiative_never_read_says_so_and_draws_empty_columns(client, initiative):
    section = reads_section(
        client.get("/en" + initiative.get_absolute_url(), HTTP_USER_AGENT="Googlebot")
    )
    assert "Read 0 times in the last 30 days." in section
    assert [count for _, count in MONTH_ROW.findall(section)] == ["0"] * 12
    assert 'aria-hidden="true"' in section.split("<svg", 1)[1][:120]


def test_months_before_and_months_cross_the_year():
    day = datetime.date(2026, 2, 14)
    assert reads_chart.months_before(day, 11) == datetime.date(2025, 3, 1)
    assert list(reads_chart.months(datetime.date(2025, 11, 30), day)) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
