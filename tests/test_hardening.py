"""Hostile requests: foreign hosts, paths that look like other hosts, bodies."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SITE_HOST = "kumeler.example.gov.tr"


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = [SITE_HOST]


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/initiatives/", "/no-such-page/", "/admin/login/"]
)
def test_a_disallowed_host_gets_a_plain_400_and_a_one_line_warning(
    production_hosts, path, caplog
):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.content
    assert b"Traceback" not in response.content
    records = [r for r in caplog.records if r.name.startswith("django.")]
    assert [(r.name, r.levelno) for r in records] == [
        ("django.security.DisallowedHost", logging.WARNING)
    ]
    assert records[0].exc_info is None
    assert "evil.example" in records[0].getMessage()


def test_the_allowed_host_is_served(production_hosts):
    assert Client().get("/", HTTP_HOST=SITE_HOST).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["//evil.example/", "///evil.example/", "//evil.example/en/", "//initiatives/"],
)
def test_a_path_that_looks_like_another_host_never_links_there(client, path):
    # The client would read "//evil.example/" as a host: give the path as is.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="//' not in html
    assert "//evil.example" not in html.replace("http://testserver/", "")
