"""On a phone (375×812): filters within reach, nothing sideways, fingers-sized
targets, the initiative in one column (issue 5, point 3)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, no_sideways_scroll, visit

# A phone: small screen, touch, the mobile viewport meta tag honoured.
pytestmark = pytest.mark.browser_context_args(
    viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2
)

# Apple's and WCAG 2.5.5's minimum target: 44 × 44 CSS pixels.
MINIMUM_TARGET = 44

TARGETS = (
    ".site-nav a, .language-switch a, .jump-to-filters a, .active-filters a, "
    ".filters a, .filters button, .filters summary, .filters input:not([type=hidden]), "
    ".filters select, .pagination a"
)

TARGET_SIZES = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => !e.closest("details:not([open])") || e.tagName === "SUMMARY")
  .map(e => {
    const r = e.getBoundingClientRect();
    return {html: e.outerHTML.slice(0, 100), width: r.width, height: r.height};
  })"""


@pytest.fixture
def phone(page):
    assert page.viewport_size == PHONE
    return page


def test_the_filters_are_reachable_and_usable_on_a_phone(site, phone, problems):
    page = phone
    visit(page, site.url + "/initiatives/")
    assert no_sideways_scroll(page)
    # The results come first; a link takes the visitor to the filters.
    expect(page.locator(".result").first).to_be_in_viewport()
    jump = page.locator(".jump-to-filters a")
    expect(jump).to_be_in_viewport()
    jump.click()
    expect(page.locator("#filters-title")).to_be_in_viewport()

    # A facet option by touch; a long facet is folded under its title.
    sectors = page.locator("details.facet", has_text="Sektör")
    sectors.locator("summary").tap()
    sectors.locator("a", has_text="Medikal ve sağlık").tap()
    expect(page).to_have_url(re.compile(r"/initiatives/\?sector=medikal$"))
    expect(page.locator(".results__count")).to_have_text("3 girişim")
    assert no_sideways_scroll(page)

    # The form: a year range, applied with the button.
    page.locator(".jump-to-filters a").tap()
    page.locator("#filters input[name=year_from]").fill("2008")
    page.locator("#filters").get_by_role("button").tap()
    expect(page).to_have_url(re.compile("year_from=2008"))
    assert parse_qs(urlsplit(page.url).query) == {
        "sector": ["medikal"],
        "year_from": ["2008"],
    }
    expect(page.locator(".active-filters")).to_contain_text("2008")
    assert no_sideways_scroll(page)
    assert problems == []


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/",
        "/initiatives/?sector=medikal&province=izmir&status=active",
        "/en/initiatives/?ordering=-hits",
        "/",
        "/institutions/",
    ],
)
def test_links_and_buttons_in_the_filters_and_navigation_are_44_pixels(
    site, phone, path
):
    page = phone
    visit(page, site.url + path)
    folded = page.locator("details.facet:not([open]) > summary")
    for _ in range(folded.count()):
        folded.first.tap()
    sizes = page.evaluate(TARGET_SIZES, TARGETS)
    assert sizes
    small = [
        s
        for s in sizes
        if s["height"] < MINIMUM_TARGET - 0.5 or s["width"] < MINIMUM_TARGET - 0.5
    ]
    assert not small, small
    assert no_sideways_scroll(page)


@pytest.mark.parametrize(
    "slug",
    [
        "clustering-project-for-agricultural-and-food-sector",
        "gap-southeastern-anatolia-project-regional-clusters-activities",
    ],
)
def test_an_initiative_reads_in_one_column_on_a_phone(site, phone, slug):
    page = phone
    visit(page, f"{site.url}/initiatives/{slug}/")
    assert no_sideways_scroll(page)
    blocks = page.locator(".initiative__header, .initiative__body > section").all()
    boxes = [block.bounding_box() for block in blocks]
    assert len(boxes) >= 4
    below_one_another(boxes)
    # Each fact's name above its value.
    for fact in page.locator(".facts > div").all():
        below_one_another(
            [fact.locator("dt").bounding_box(), fact.locator("dd").bounding_box()]
        )


def below_one_another(boxes):
    """Each box starts below the one before, at the same left edge, on screen."""
    for before, after in zip(boxes, boxes[1:], strict=False):
        assert after["y"] >= before["y"] + before["height"] - 1, (before, after)
    assert len({round(box["x"]) for box in boxes}) == 1, boxes
    assert all(box["x"] + box["width"] <= PHONE["width"] for box in boxes), boxes
