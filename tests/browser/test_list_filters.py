"""The list's filter headings and page numbers as a visitor sees and uses them
(issue 14, point 7): a folded heading shows that it opens and how many
options it holds; many results get numbered pages that the keyboard reaches;
axe stays clean on a list with pages, in both languages, desktop and phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, no_sideways_scroll, visit
from tests.browser.test_accessibility import audit
from tests.factories import InitiativeFactory

# The marker drawn by the CSS: its box and its rotation (a matrix).
MARKER = """(summary) => {
  const style = getComputedStyle(summary, "::before");
  return {width: parseFloat(style.width), border: style.borderRightWidth,
          transform: style.transform};
}"""


def test_a_folded_filter_heading_shows_a_marker_that_turns_when_opened(site, page):
    visit(page, site.url + "/initiatives/")
    sectors = page.locator("details.facet", has_text="Sektör")
    expect(sectors).not_to_have_attribute("open", "")
    summary = sectors.locator("summary")
    expect(summary).to_contain_text("13 seçenek")
    closed = summary.evaluate(MARKER)
    assert closed["width"] > 4 and closed["border"] == "2px", closed
    summary.focus()
    page.keyboard.press("Enter")
    expect(sectors).to_have_attribute("open", "")
    expect(
        sectors.get_by_role("link", name=re.compile("Medikal ve sağlık"))
    ).to_be_visible()
    opened = summary.evaluate(MARKER)
    assert opened["transform"] != closed["transform"], (closed, opened)


@pytest.fixture
def many(site):
    """The seed and 45 more in İzmir: 63 initiatives, 4 pages of 20."""
    InitiativeFactory.create_batch(45, provinces=["izmir"])
    return site


def test_numbered_pages_are_reached_by_keyboard_and_show_the_current_one(many, page):
    visit(page, many.url + "/en/initiatives/?province=izmir&page=2")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 2 of 3")
    current = pages.locator("[aria-current=page]")
    expect(current).to_have_accessible_name("Page 2")
    link = pages.get_by_role("link", name="Page 3", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?province=izmir&page=3$"))
    expect(
        page.get_by_role("navigation", name="Pages").locator("[aria-current=page]")
    ).to_have_accessible_name("Page 3")


def test_a_list_with_pages_has_no_serious_accessibility_violations(many, page):
    reports = []
    for prefix in ("", "/en"):
        for name, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
            page.set_viewport_size(viewport)
            visit(page, many.url + prefix + "/initiatives/?page=2")
            expect(page.locator(".pagination a[aria-current=page]")).to_have_text(
                re.compile("2$")
            )
            folded = page.locator("details.facet:not([open]) > summary")
            for _ in range(folded.count()):
                folded.first.click()
            report = audit(page)
            if report:
                reports.append(f"[{prefix or '/'}, {name}] {report}")
            assert no_sideways_scroll(page), (prefix, name)
    assert not reports, "\n".join(reports)
