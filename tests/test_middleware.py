"""The leaner middleware answers as Django's and django-csp's would."""

import pytest
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from initiatives.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "language", "vary"),
    [("/", "tr", True), ("/en/", "en", False), ("/initiatives/", "tr", True)],
)
def test_the_language_comes_from_the_path_alone(client, path, language, vary):
    response = client.get(
        path, HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="django_language=en"
    )
    assert response["Content-Language"] == language
    assert response.wsgi_request.LANGUAGE_CODE == language
    assert ("Accept-Language" in response.get("Vary", "")) is vary


def test_every_page_gets_the_policy_django_csp_builds(client):
    response = client.get("/")
    assert response["Content-Security-Policy"] == build_policy()
    assert response["Permissions-Policy"].startswith("accelerometer=()")


def test_a_changed_policy_setting_takes_effect(client, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


def test_a_view_that_updates_its_policy_still_gets_its_own():
    @csp_update({"img-src": "https://tiles.example"})
    def view(request):
        return HttpResponse("map")

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/map"))
    assert "https://tiles.example" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"] != build_policy()


def test_public_pages_make_no_message_storage(client):
    response = client.get("/")
    assert not hasattr(response.wsgi_request, "_messages")
    assert response.context["messages"] == []
