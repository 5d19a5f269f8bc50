"""`make screenshots`: PNGs of the main pages, on a desktop and a phone.

Not collected by a plain `pytest` (the name does not start with ``test_``);
the Makefile passes this file explicitly. It uses the browser tests' seeded
live server and writes into the git-ignored ``screenshots/`` folder.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in_as_editor, visit

OUT = Path(__file__).resolve().parent.parent.parent / "screenshots"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
INITIATIVE = "/initiatives/clustering-project-for-agricultural-and-food-sector/"
EXCEL_CSV = (
    "slug;title;status;sectors;provinces\r\n"
    "medical-industry-clusters;Ankara Medikal Sanayi Kümelenmesi;active;"
    "Medikal ve sağlık;Ankara\r\n"
    "sanliurfa-tekstil-kumesi;Şanlıurfa Tekstil Kümesi;planned;Hazır giyim;"
    "Şanlıurfa | Elazığ\r\n"
).encode("cp1254")


def shoot(page, name, size):
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}-{size}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_public_pages(site, page, size):
    page.set_viewport_size(SIZES[size])
    # A few reads, so that "most read" has something to show.
    for slug in [INITIATIVE, "/initiatives/inoviz-izmir-for-health/", INITIATIVE]:
        visit(page, site.url + slug)
    visit(page, site.url + "/")
    shoot(page, "home", size)
    visit(page, site.url + "/initiatives/?sector=medikal")
    shoot(page, "list", size)
    visit(page, site.url + INITIATIVE)
    shoot(page, "initiative", size)


@pytest.mark.parametrize("size", SIZES)
def test_admin_import_preview(site, page, size):
    page.set_viewport_size(SIZES[size])
    log_in_as_editor(page, site.url)
    visit(page, site.url + "/admin/initiatives/initiative/import/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "girisimler.csv", "mimeType": "text/csv", "buffer": EXCEL_CSV}]
    )
    page.locator("input[type=submit]").click()
    expect(page.locator("#import-changes")).to_be_visible()
    shoot(page, "admin-import-preview", size)
