"""Every public page, the 404, the admin login and an editor's draft preview
against WCAG 2.1 AA with axe-core, in both languages, on a desktop and a
phone; and by keyboard only
(issue 5, point 5)."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import Initiative, Link, LinkCheck
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    log_in_as_editor,
    no_sideways_scroll,
    visit,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}

# (name, path without language prefix, status)
PAGES = [
    ("home", "/", 200),
    ("list", "/initiatives/", 200),
    (
        "filtered list",
        "/initiatives/?sector=medikal&province=izmir&year_from=2005",
        200,
    ),
    ("empty list", "/initiatives/?q=zzzz-nothing-matches", 200),
    (
        "initiative",
        "/initiatives/clustering-project-for-agricultural-and-food-sector/",
        200,
    ),
    ("institutions", "/institutions/", 200),
    ("institution", "/institutions/kosgeb/", 200),
    ("about", "/about/", 200),
    ("statistics", "/statistics/", 200),
    ("filtered statistics", "/statistics/?sector=medikal&status=unknown", 200),
    ("404", "/initiatives/no-such-initiative/", 404),
]
LANGUAGES = {"tr": "", "en": "/en"}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

axe = Axe()


def audit(page):
    """Serious and critical WCAG A/AA violations on the page, as a report."""
    response = axe.run(page, options=AXE_OPTIONS).response
    blocking = [v for v in response["violations"] if v["impact"] in BLOCKING]
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(
            f"    {node['target']}: {node['html'][:160]}" for node in v["nodes"]
        )
        for v in blocking
    )


def test_the_audit_runs_only_the_wcag_a_and_aa_rules(site, page):
    visit(page, site.url + "/")
    response = axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    ).response
    assert response["toolOptions"]["runOnly"]["values"] == WCAG_TAGS
    rules = {
        rule["id"]: rule["tags"]
        for kind in ("violations", "passes", "incomplete", "inapplicable")
        for rule in response[kind]
    }
    assert "color-contrast" in rules and "html-has-lang" in rules
    # "region" is a best practice, not a WCAG criterion: not run.
    assert "region" not in rules
    assert all(set(tags) & set(WCAG_TAGS) for tags in rules.values())


@pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_public_pages_have_no_serious_accessibility_violations(
    site, page, problems, name, path, status
):
    reports = []
    for language, prefix in LANGUAGES.items():
        for width_name, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            visit(page, site.url + prefix + path, status=status)
            expect(page.locator("html")).to_have_attribute("lang", language)
            report = audit(page)
            if report:
                reports.append(f"[{language}, {width_name}] {report}")
    assert not reports, "\n".join(reports)
    assert problems == []


def test_the_admin_login_has_no_serious_accessibility_violations(site, page, problems):
    for width_name, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        visit(page, site.url + "/admin/login/")
        expect(page.locator("html")).to_have_attribute("lang", "tr")
        report = audit(page)
        assert not report, f"[{width_name}] {report}"
    assert problems == []


def test_the_first_tab_focuses_the_skip_link_and_enter_moves_to_the_content(site, page):
    visit(page, site.url + "/initiatives/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back at the top.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "document.getElementById('main').contains(document.activeElement)"
    )


FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[tabindex]:not([tabindex='-1'])"
)

# What the focused element shows: a ring is an outline of at least 2 px that
# is not transparent, or a box shadow.
FOCUS_STATE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none"
    && parseFloat(style.outlineWidth) >= 2
    && !/rgba\\(.*, 0\\)$/.test(style.outlineColor)
    && style.outlineColor !== "transparent";
  const rect = element.getBoundingClientRect();
  return {
    key: element.dataset.tabKey || "",
    html: element.outerHTML.slice(0, 120),
    ring: outline || style.boxShadow !== "none",
    focusVisible: element.matches(":focus-visible"),
    visible: rect.width > 0 && rect.height > 0,
  };
}"""

MARK_FOCUSABLE = """(selector) => {
  const found = [];
  document.querySelectorAll(selector).forEach((element, n) => {
    const closed = element.closest("details:not([open])");
    const inSummary = closed && element.closest("summary")
      && element.closest("summary").parentElement === closed;
    const rect = element.getBoundingClientRect();
    const hidden = getComputedStyle(element).visibility === "hidden"
      || (rect.width === 0 && rect.height === 0 && !element.classList.contains("skip-link"));
    if ((closed && !inSummary) || hidden || element.disabled) return;
    element.dataset.tabKey = String(n);
    found.push(String(n));
  });
  return found;
}"""


@pytest.mark.parametrize(
    ("path", "viewport"),
    [
        ("/initiatives/?sector=medikal", DESKTOP),
        ("/en/initiatives/?sector=medikal", PHONE),
        ("/", DESKTOP),
        ("/initiatives/clustering-project-for-agricultural-and-food-sector/", DESKTOP),
        ("/en/institutions/", PHONE),
    ],
    ids=["list", "list-phone", "home", "initiative", "institutions-phone"],
)
def test_every_filter_and_link_is_reached_by_tab_with_a_visible_focus_ring(
    site, page, path, viewport
):
    page.set_viewport_size(viewport)
    visit(page, site.url + path)
    # Open every folded facet, as a keyboard user does with Enter on its summary.
    for summary in page.locator("details.facet:not([open]) > summary").all():
        summary.focus()
        page.keyboard.press("Enter")
    expected = page.evaluate(MARK_FOCUSABLE, FOCUSABLE)
    assert len(expected) > 10

    # Start from the top again, as after loading the page.
    page.locator(".skip-link").focus()
    page.keyboard.press("Shift+Tab")
    reached, without_ring = [], []
    for _ in range(len(expected) + 10):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["key"] in reached:
            break
        if state["html"].startswith("<body"):  # past the last element
            if reached:
                break
            continue
        reached.append(state["key"])
        if not (state["ring"] and state["focusVisible"]):
            without_ring.append(state["html"])
    missing = set(expected) - set(reached)
    assert not missing, page.evaluate(
        "(keys) => keys.map(k => document.querySelector(`[data-tab-key='${k}']`)"
        ".outerHTML.slice(0, 120))",
        sorted(missing),
    )
    assert not without_ring, without_ring


@pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_nothing_scrolls_sideways_at_320_pixels(site, page, name, path, status):
    page.set_viewport_size({"width": 320, "height": 640})
    for prefix in LANGUAGES.values():
        visit(page, site.url + prefix + path, status=status)
        assert no_sideways_scroll(page), page.evaluate(WIDEST)


# The elements that stick out on the right, for the failure message.
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 8).map(e => e.outerHTML.slice(0, 120))"""


def test_the_admin_login_does_not_scroll_sideways_at_320_pixels(site, page):
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, site.url + "/admin/login/")
    assert no_sideways_scroll(page), page.evaluate(WIDEST)


@pytest.mark.parametrize(
    ("path", "viewport", "name", "destination"),
    [
        ("/", DESKTOP, "İzmir: 4 girişim", "/initiatives/?province=izmir"),
        ("/en/initiatives/?sector=medikal", PHONE, "Ankara: 1 initiative", None),
    ],
    ids=["home", "list-phone"],
)
def test_tab_reaches_the_map_provinces_with_a_visible_focus_and_enter_filters(
    site, page, path, viewport, name, destination
):
    page.set_viewport_size(viewport)
    visit(page, site.url + path)
    page.locator(".skip-link").focus()
    province = page.locator(f'.province-map a[aria-label="{name}"]')
    for _ in range(200):
        page.keyboard.press("Tab")
        if province.evaluate("(a) => a === document.activeElement"):
            break
    expect(province).to_be_focused()
    state = page.evaluate(FOCUS_STATE)
    assert state["ring"] and state["focusVisible"] and state["visible"], state
    # The focused province is outlined in the focus colour, not only its link.
    stroke = province.locator("path").evaluate("(p) => getComputedStyle(p).stroke")
    assert stroke == "rgb(201, 72, 11)"
    expected = destination or "/en/initiatives/?sector=medikal&province=ankara"
    with page.expect_navigation(url=site.url + expected):
        page.keyboard.press("Enter")
    expect(page.locator(".active-filters")).to_contain_text(name.split(":")[0])


def test_a_draft_preview_with_a_broken_link_mark_has_no_serious_violations(
    site, page, problems
):
    """What only editors see (the draft banner) and what a dead link adds (its
    mark) meet the same bar, in both languages."""
    draft = Initiative.objects.create(title="Taslak Küme", summary="Henüz taslak.")
    link = Link.objects.create(
        initiative=draft, url="https://example.org/gone", title="Eski site"
    )
    LinkCheck.objects.create(
        url=link.url,
        checked_at=timezone.now(),
        status=404,
        broken_since=timezone.now() - datetime.timedelta(days=20),
        marked_broken=True,
    )
    log_in_as_editor(page, site.url)
    for prefix in LANGUAGES.values():
        visit(page, f"{site.url}{prefix}/initiatives/{draft.slug}/")
        expect(page.locator(".draft-banner")).to_be_visible()
        expect(page.locator(".link-warning")).to_be_visible()
        report = audit(page)
        assert not report, f"[{prefix or 'tr'}] {report}"
    assert problems == []
