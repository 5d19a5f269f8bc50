"""Password guessing on the editors' login is throttled, per address and account."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import Client
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


def is_throttled(response):
    return response.status_code == 200 and any(
        error.code in ("throttled", "account_throttled")
        for error in response.context["form"].errors.as_data()["__all__"]
    )


@pytest.mark.parametrize("spelling", ["ａｙｓｅ", "AYSE", " ayse ", "Ayse"])
def test_another_spelling_of_the_username_shares_its_counter(
    client, staff, settings, spelling
):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "wrong")
    assert is_throttled(login(client, PASSWORD, username=spelling))
    assert "_auth_user_id" not in client.session


def test_one_account_is_paused_after_failures_from_many_addresses(
    client, staff, settings
):
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT):
        assert not is_throttled(login(client, "wrong", address=f"198.51.100.{n}"))
    response = login(client, PASSWORD, address="192.0.2.1")
    assert is_throttled(response)
    (error,) = response.context["form"].errors.as_data()["__all__"]
    assert (error.code, error.params["minutes"]) == ("account_throttled", 5)
    # Other accounts are not affected.
    UserFactory(username="zeynep", is_staff=True)
    assert (
        login(client, PASSWORD, username="zeynep", address="192.0.2.1").status_code
        == 302
    )


def test_the_account_pause_is_short(client, staff, settings):
    assert settings.LOGIN_ACCOUNT_THROTTLE_SECONDS <= 300
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT):
        login(client, "wrong", address=f"198.51.100.{n}")
    LoginThrottle.objects.update(
        window_start=timezone.now()
        - datetime.timedelta(seconds=settings.LOGIN_ACCOUNT_THROTTLE_SECONDS + 1)
    )
    assert login(client, PASSWORD, address="192.0.2.1").status_code == 302


def test_successful_logins_use_up_no_tries(staff, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS + 5):
        assert login(Client(), PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_wrong_tries_check_exactly_the_limit_of_passwords(settings):
    UserFactory(username="ayse", is_staff=True)
    checked, lock = [], threading.Lock()
    parallel = 32
    start = threading.Barrier(parallel)

    def count_check(sender, credentials, **kwargs):
        with lock:
            checked.append(credentials["username"])

    def guess(n):
        try:
            start.wait()
            response = login(Client(), f"wrong-{n}")
            return response.status_code
        finally:
            connection.close()

    user_login_failed.connect(count_check)
    try:
        with ThreadPoolExecutor(parallel) as pool:
            statuses = list(pool.map(guess, range(parallel)))
    finally:
        user_login_failed.disconnect(count_check)
    assert statuses == [200] * parallel
    assert len(checked) == settings.LOGIN_FAILURE_LIMIT
