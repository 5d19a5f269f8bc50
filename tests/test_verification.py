"""Keeping records true: editors see which initiatives nobody has checked in
a year, mark them verified in one click, and visitors see when the facts
were last checked (issue 13, point 5)."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative
from initiatives.models.querysets import a_year_before
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:initiatives_initiative_changelist")


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def checked():
    """Initiatives verified today, 11 and 13 months ago, and never."""
    return {
        "today": InitiativeFactory(title="Bugün", last_verified=days_ago(0)),
        "recent": InitiativeFactory(title="Yakın", last_verified=days_ago(330)),
        "stale": InitiativeFactory(title="Eski", last_verified=days_ago(400)),
        "never": InitiativeFactory(title="Hiç", last_verified=None),
    }


def listed(editor_client, **params):
    response = editor_client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {i.title for i in response.context["cl"].result_list}


def test_the_filter_lists_those_not_verified_in_the_last_12_months(
    editor_client, checked
):
    assert listed(editor_client, verified="due") == {"Eski", "Hiç"}
    assert listed(editor_client, verified="never") == {"Hiç"}
    assert len(listed(editor_client)) == 4
    response = editor_client.get(CHANGELIST)
    assertContains(response, "son 12 ayda doğrulanmamış")
    assertContains(response, "hiç doğrulanmamış")


def test_a_year_ago_is_the_same_day_or_28_february():
    assert a_year_before(datetime.date(2026, 12, 4)) == datetime.date(2025, 12, 4)
    assert a_year_before(datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)


def test_verified_exactly_a_year_ago_is_still_in_date():
    today = datetime.date(2026, 12, 4)
    InitiativeFactory(title="Sınırda", last_verified=datetime.date(2025, 12, 4))
    InitiativeFactory(title="Geçmiş", last_verified=datetime.date(2025, 12, 3))
    due = Initiative.objects.verification_due(today)
    assert set(due.values_list("title", flat=True)) == {"Geçmiş"}


def test_verified_today_in_one_click_with_history_and_updated_unchanged(
    editor_client, checked
):
    stale, never = checked["stale"], checked["never"]
    updated = Initiative.objects.get(pk=stale.pk).updated_at
    response = editor_client.post(
        CHANGELIST,
        {"action": "mark_verified", "_selected_action": [stale.pk, never.pk]},
        follow=True,
    )
    assertContains(response, "2 girişim bugün doğrulandı olarak işaretlendi.")
    for initiative in (stale, never):
        initiative.refresh_from_db()
        assert initiative.last_verified == timezone.localdate()
        assert LogEntry.objects.filter(object_id=str(initiative.pk)).exists()
    assert Initiative.objects.get(pk=stale.pk).updated_at == updated
    assert listed(editor_client, verified="due") == set()


def test_the_public_page_says_when_it_was_last_verified(client, checked):
    response = client.get(checked["stale"].get_absolute_url())
    date = checked["stale"].last_verified
    assertContains(
        response,
        f'Son doğrulama: <time datetime="{date:%Y-%m-%d}">{date:%d.%m.%Y}</time>',
        html=False,
    )
    english = client.get(f"/en/initiatives/{checked['stale'].slug}/")
    assertContains(english, "Last verified: <time")


def test_the_public_page_says_when_it_was_never_verified(client, checked):
    response = client.get(checked["never"].get_absolute_url())
    assertContains(response, "Son doğrulama: doğrulanmadı")
    english = client.get(f"/en/initiatives/{checked['never'].slug}/")
    assertContains(english, "Last verified: not yet")


def test_marking_verified_shows_at_once_on_the_cached_page(
    settings, editor_client, checked
):
    settings.PAGE_CACHE_SECONDS = 60
    visitor = Client()
    url = checked["never"].get_absolute_url()
    assertContains(visitor.get(url), "doğrulanmadı")
    editor_client.post(
        CHANGELIST,
        {"action": "mark_verified", "_selected_action": [checked["never"].pk]},
    )
    response = visitor.get(url)
    assertNotContains(response, "doğrulanmadı")
    assertContains(response, f"{timezone.localdate():%d.%m.%Y}</time>")
