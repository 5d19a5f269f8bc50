"""Hostile requests: foreign hosts, paths that look like other hosts, bodies."""

import io
import logging
import socket
import time
import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client
from django.urls import reverse

from initiatives.transfer import admin as transfer_admin

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


# Bodies: refused from their Content-Length, before anything reads them.

HUGE = 500 * 1024 * 1024


def raw_request(url, head, body=b""):
    """Send ``head`` (request line and headers) and ``body`` on a socket; the
    status line of the answer."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("path", ["/admin/login/", "/initiatives/", "/healthz"])
def test_an_anonymous_500_mb_post_is_refused_without_reading_it(
    live_server, path, monkeypatch
):
    read = []
    monkeypatch.setattr(
        WSGIRequest, "read", lambda self, *a: read.append(a) or b"", raising=False
    )
    started = time.monotonic()
    status = raw_request(
        live_server.url,
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {HUGE}",
        b"--x\r\n",
    )
    assert status.split()[1] == "413", status
    assert time.monotonic() - started < 2
    assert read == []


def test_public_pages_take_no_request_body(client):
    assert client.post("/initiatives/", {"q": "x"}).status_code == 413
    response = client.generic(
        "GET",
        "/",
        b"x" * 10,
        content_type="text/plain",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 413
    assert client.get("/", CONTENT_LENGTH="0").status_code == 200


def test_an_admin_upload_over_the_limit_is_refused_from_its_length(
    editor_client, settings
):
    url = reverse("admin:initiatives_initiative_import")
    response = editor_client.post(
        url, {"import_file": io.BytesIO(b"slug\r\n")}, CONTENT_LENGTH=str(HUGE)
    )
    assert response.status_code == 413
    limit_mb = settings.IMPORT_MAX_UPLOAD_BYTES // 1024 // 1024
    assert f" {limit_mb} MB" in response.content.decode()


def test_the_admin_still_takes_its_forms(editor_client, client):
    assert editor_client.get(reverse("admin:index")).status_code == 200
    assert (
        client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    ).status_code == 200


def test_an_import_upload_leaves_no_temporary_file(
    editor_client, settings, tmp_path, monkeypatch
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    seen = []
    real_import_file = transfer_admin.import_file

    def import_file(**kwargs):
        seen.append(sorted(tmp_path.iterdir()))
        return real_import_file(**kwargs)

    monkeypatch.setattr(transfer_admin, "import_file", import_file)
    # Larger than Django's default in-memory limit (2.5 MB), within ours.
    rows = "".join(f"k-{n};Küme {n};2015\r\n" for n in range(120_000))
    data = ("slug;title;start_year\r\n" + rows).encode()
    assert 2_621_440 < len(data) < settings.IMPORT_MAX_UPLOAD_BYTES
    response = editor_client.post(
        reverse("admin:initiatives_initiative_import"),
        {"import_file": SimpleUploadedFile("big.csv", data)},
    )
    assert response.status_code == 200
    assert seen == [[]]  # not even spooled while the request ran
    assert list(tmp_path.iterdir()) == []
