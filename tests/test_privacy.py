"""No table keeps a visitor's address or user agent (docs/CONTRACT.md "Reads" 3)."""

import datetime

import pytest
from django.apps import apps
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone

from initiatives import hits
from initiatives.models import DailySalt, HitDedupe
from tests.factories import InitiativeFactory

ADDRESS = "203.0.113.199"
USER_AGENT = "Mozilla/5.0 PrivacyProbe/7.7"


def every_stored_value():
    """Every text cell of every table Django knows, as one string."""
    values = []
    for model in apps.get_models(include_auto_created=True):
        # The hit tables may have a database of their own (routers.py).
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                values += [str(cell) for cell in row]
    return "\n".join(values)


@pytest.mark.django_db
def test_no_table_holds_an_address_or_user_agent_after_visits_and_logins(client):
    initiatives = InitiativeFactory.create_batch(3)
    for initiative in initiatives:
        for _ in range(2):
            response = client.get(
                initiative.get_absolute_url(),
                REMOTE_ADDR=ADDRESS,
                HTTP_USER_AGENT=USER_AGENT,
            )
            assert response.status_code == 200
    client.post(
        reverse("admin:login"),
        {"username": ADDRESS, "password": "wrong"},
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=USER_AGENT,
    )
    assert HitDedupe.objects.count() == 3
    stored = every_stored_value()
    for secret in (ADDRESS, "PrivacyProbe", ADDRESS.replace(".", "")):
        assert secret not in stored


@pytest.mark.django_db
def test_salts_older_than_48_hours_are_gone(client):
    today = timezone.localdate()
    for days in (1, 2, 3, 10):
        DailySalt.objects.create(day=today - datetime.timedelta(days=days), salt="old")
    hits._salts.clear()
    initiative = InitiativeFactory()
    client.get(initiative.get_absolute_url(), HTTP_USER_AGENT=USER_AGENT)
    kept = sorted(
        (today - day).days for day in DailySalt.objects.values_list("day", flat=True)
    )
    assert kept == [0, 1]
