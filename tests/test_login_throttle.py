"""Password guessing on the editors' login is throttled, per address."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import LoginThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db):
    return UserFactory(username="ayse", is_staff=True)


def login(client, password, username="ayse", address="203.0.113.5"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_right_password_logs_in(client, staff):
    assert login(client, PASSWORD).status_code == 302


def test_five_failures_lock_the_door_even_for_the_right_password(
    client, staff, settings
):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert login(client, "wrong").status_code == 200
    response = login(client, PASSWORD)
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["__all__"][0]
        .startswith(
            str(response.context["form"].error_messages["throttled"]).split("%")[0]
        )
    )
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address(client, staff, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "wrong")
    assert login(client, PASSWORD, address="198.51.100.9").status_code == 302


def test_the_lock_ends_with_its_window(client, staff, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "wrong")
    LoginThrottle.objects.update(
        window_start=timezone.now()
        - datetime.timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS + 1)
    )
    assert login(client, PASSWORD).status_code == 302


def test_many_usernames_from_one_address_are_throttled(client, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
        login(client, "wrong", username=f"guess{n}")
    UserFactory(username="zeynep", is_staff=True)
    response = login(client, PASSWORD, username="zeynep")
    assert response.status_code == 200


def test_no_address_is_stored(client, staff):
    login(client, "wrong", address="203.0.113.77")
    for row in LoginThrottle.objects.all():
        assert "203.0.113.77" not in row.key
    assertContains(login(client, "wrong"), 'name="username"')
