"""Browser tests: Playwright drives Debian's Chromium against a live server.

They never skip: without /usr/bin/chromium they fail and say how to install it
(`make test` installs it when it runs as root).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "var" / "browser-failures"

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


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the shipped seed loaded."""
    call_command("loaddata", "seed", verbosity=0)
    return live_server


class ConsoleProblems(list):
    def attach(self, page):
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.append(f"console: {msg.text}"),
        )
        page.on("pageerror", lambda exc: self.append(f"pageerror: {exc}"))
        page.on(
            "dialog",
            lambda dialog: (self.append(f"dialog: {dialog.message}"), dialog.dismiss()),
        )


@pytest.fixture
def problems(page):
    """JavaScript errors, CSP violations and dialogs seen by the page."""
    found = ConsoleProblems()
    found.attach(page)
    return found


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
    path = ARTIFACTS / f"{item.name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        report.sections.append(("browser", f"URL: {page.url}\nScreenshot: {path}"))
    except Exception as exc:  # noqa: BLE001 - the report must not hide the failure
        report.sections.append(("browser", f"URL: {page.url}\nno screenshot: {exc}"))
    found = item.funcargs.get("problems")
    if found:
        report.sections.append(("browser console", "\n".join(found)))
