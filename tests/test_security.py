"""Secure by default: deploy checks, headers, HTTPS, proxies, static files."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import InitiativeFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_deploy_checks_pass_with_only_a_secret_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SECRET_KEY="Zq7" + "".join(chr(65 + (i * 7) % 58) for i in range(60)),
        DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/", "/initiatives/", "/institutions/", "/en/"])
def test_public_pages_send_a_strict_content_security_policy(client, path):
    response = client.get(path)
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_admin_and_import_pages_send_the_same_policy(editor_client):
    for name in (
        "admin:index",
        "admin:initiatives_initiative_changelist",
        "admin:initiatives_initiative_add",
        "admin:initiatives_initiative_import",
    ):
        response = editor_client.get(reverse(name))
        assert response.status_code == 200, name
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert csp_directives(response)["script-src"] == ["'self'"]
        # No inline script or style attribute for the policy to block.
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), name
        assert " style=" not in html, name


def test_security_headers(client):
    initiative = InitiativeFactory()
    response = client.get(initiative.get_absolute_url())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_http_is_redirected_to_https_but_healthz_answers(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/initiatives/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200
    secure = client.get("/initiatives/", secure=True)
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forged = client.get(
        "/initiatives/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https"
    )
    assert forged.status_code == 301
    proxied = client.get(
        "/initiatives/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https"
    )
    assert proxied.status_code == 200


def test_static_files_are_compressed_and_cached_forever(settings, collected_static):
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    client = Client()
    page = client.get("/").content.decode()
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1)
    brotli = client.get(css, HTTP_ACCEPT_ENCODING="br, gzip")
    assert brotli.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    assert "immutable" in brotli["Cache-Control"]
    gzip = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
    assert gzip["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "path", ["/", "/initiatives/", "/institutions/", "/en/initiatives/", "/nope/"]
)
def test_pages_load_nothing_from_other_hosts(client, seed, path):
    html = client.get(path).content.decode()
    resources = re.findall(r'<(?:script|img|iframe)[^>]*\bsrc="([^"]+)"', html)
    # Canonical and hreflang links name addresses; browsers load nothing there.
    resources += re.findall(
        r'<link(?![^>]*\brel="(?:alternate|canonical)")[^>]*\bhref="([^"]+)"', html
    )
    external = [
        url
        for url in resources
        if re.match(r"(https?:)?//", url) and "testserver" not in url
    ]
    assert external == []
