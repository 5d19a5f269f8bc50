"""Browser tests: Playwright drives Debian's Chromium against a live server.

They never skip: without /usr/bin/chromium they fail and say how to install it
(`make test` installs it when it runs as root).

One Chromium serves the whole run (pytest-playwright's session ``browser``);
each test gets a fresh context and page. pytest-django's ``live_server`` flushes
the database after every test, so ``site`` puts the seeded registry back from a
snapshot of every row taken once (one INSERT per table, much faster than loading
the fixture or deserializing a dump each time), and the registry as the
migrations left it is put back after the last browser test, for the database
tests that run after them.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from tests.conftest import _all_rows, insert_rows

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "var" / "browser-failures"
BROWSER_DIR = Path(__file__).resolve().parent

# Headless Chromium says "HeadlessChrome", which the hit counter rightly takes
# for a robot: the tests browse as the desktop Chrome a visitor uses.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's package "
            "(sudo apt-get install chromium) or run `make test` as root."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "user_agent": USER_AGENT, "viewport": DESKTOP}


def _is_browser_test(item):
    return BROWSER_DIR in Path(str(item.path)).parents


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests first among the tests that flush the database.

    They snapshot the registry as the migrations left it (provinces, the
    Editors group) before anything has flushed it, and put it back at the end.
    """
    others = [i for i in items if not _is_browser_test(i)]
    browser = [i for i in items if _is_browser_test(i)]
    if not browser:
        return
    position = next(
        (n for n, item in enumerate(others) if _is_transactional(item)),
        len(others),
    )
    items[:] = others[:position] + browser + others[position:]


def flush():
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        reset_sequences=False,
        inhibit_post_migrate=True,
    )
    cache.clear()


def restore(snapshot):
    """Empty the database, then load ``snapshot`` (serialize_db_to_string)."""
    flush()
    connection.creation.deserialize_db_from_string(snapshot)


def restore_rows(snapshot):
    """Empty the database, then insert every row of ``snapshot`` (_all_rows)."""
    flush()
    with transaction.atomic():
        insert_rows((model, list(rows.values())) for model, rows in snapshot.items())


@pytest.fixture(scope="package")
def snapshots(django_db_setup, django_db_blocker):
    """(registry as migrated, registry with the seed), as every row of every
    table."""
    from initiatives.models import Province

    with django_db_blocker.unblock():
        if Province.objects.count() != 81:
            # A test that flushed the database ran first (an explicit order
            # on the command line): use the copy Django made for
            # serialized_rollback, when there is one.
            kept = getattr(connection, "_test_serialized_contents", None)
            if kept is None:
                pytest.fail(
                    "The browser tests need the database as the migrations left "
                    "it (81 provinces); a test that flushed it ran before them."
                )
            restore(kept)
        serialized = connection.creation.serialize_db_to_string()
        migrated = _all_rows()
        call_command("loaddata", "seed", verbosity=0)
        seeded = _all_rows()
    yield migrated, seeded
    with django_db_blocker.unblock():
        restore_rows(migrated)
    # Playwright's sync API leaves this thread in another context, where
    # Django's connection objects are new ones that lack the migrated data
    # the test database was created with; serialized_rollback in the tests
    # that run later would silently restore nothing.
    if not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = serialized


@pytest.fixture
def site(snapshots, live_server, transactional_db):
    """The live server with the shipped seed loaded (fresh for every test)."""
    restore_rows(snapshots[1])
    return live_server


@pytest.fixture
def page(page):
    # A journey that waits 30 s (Playwright's default) for something that is
    # not coming only makes the report late.
    page.set_default_timeout(10_000)
    return page


# Chromium logs a refused script or style as a console error too; this also
# catches violations that a browser only reports through the event.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


class ConsoleProblems(list):
    """What went wrong in the page's scripts, as readable lines."""

    def attach(self, page):
        self.documents = set()
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on(
            "request",
            lambda request: (
                request.is_navigation_request() and self.documents.add(request.url)
            ),
        )
        page.on("console", self.console)
        page.on("pageerror", lambda exc: self.append(f"pageerror: {exc}"))
        page.on(
            "dialog",
            lambda dialog: (self.append(f"dialog: {dialog.message}"), dialog.dismiss()),
        )

    def console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.documents:
            # The status of a page itself (a 404 page, say): visit() checks
            # it. A missing script, style or image is a problem.
            return
        self.append(f"console: {message.text} ({url})")


@pytest.fixture
def problems(page):
    """JavaScript errors, CSP violations and dialogs seen by the page."""
    found = ConsoleProblems()
    found.attach(page)
    return found


@pytest.fixture(autouse=True)
def _no_script_problems(request):
    """Every browser test: no script error, CSP violation or dialog at all."""
    if "page" not in request.fixturenames:
        yield
        return
    found = request.getfixturevalue("problems")
    yield
    assert list(found) == [], "\n".join(found)


def visit(page, url, *, status=200):
    """Open ``url`` and check the answer's status code."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == status, f"{url}: {response.status}"
    return response


def no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )


def number(text):
    """The first integer in ``text``, thousands separators (. or ,) removed."""
    match = re.search(r"\d[\d.,]*", text)
    assert match, text
    return int(re.sub(r"[.,]", "", match.group()))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("page")
    if page is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^\w.-]+", "_", item.name)
    path = ARTIFACTS / f"{safe_name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        report.sections.append(("browser", f"URL: {page.url}\nScreenshot: {path}"))
    except Exception as exc:  # noqa: BLE001 - the report must not hide the failure
        report.sections.append(("browser", f"URL: {page.url}\nno screenshot: {exc}"))
    found = item.funcargs.get("problems")
    if found:
        report.sections.append(("browser console", "\n".join(found)))


def log_in_as_editor(page, base_url, username="editor"):
    """Make a member of "Editors" and log in as them through the login form."""
    from django.contrib.auth.models import Group
    from playwright.sync_api import expect

    from tests.factories import UserFactory

    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    visit(page, base_url + "/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct horse battery staple")
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(username)
    return user
