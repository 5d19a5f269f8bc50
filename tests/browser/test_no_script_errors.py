"""No JavaScript error and no Content-Security-Policy violation on any page a
visitor or an editor sees; hostile titles show as text (issue 5, point 6)."""

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative, Institution, Province, Sector
from tests.browser.conftest import log_in_as_editor, visit
from tests.factories import InitiativeFactory

PUBLIC_PAGES = [
    ("/", 200),
    ("/initiatives/", 200),
    ("/initiatives/?sector=medikal&province=izmir&ordering=-start_year", 200),
    ("/initiatives/?q=ostim&year_from=2000&year_to=2020", 200),
    ("/initiatives/?q=zzzz-nothing", 200),
    ("/initiatives/?year_from=abc&sector=nope", 200),
    ("/initiatives/?page=x", 404),
    ("/initiatives/?page=99999", 404),
    ("/institutions/", 200),
    ("/institutions/?kind=ministry&q=kalkinma", 200),
    ("/institutions/no-such-institution/", 404),
    ("/about/", 200),
    ("/statistics/", 200),
    ("/statistics/?province=izmir&year_from=2000", 200),
]
SCRIPT_TITLE = "<script>alert(1)</script>"
ATTRIBUTE_TITLE = '"><img src=x onerror=alert(1)>'


def test_the_listener_catches_a_content_security_policy_violation(site, page, problems):
    visit(page, site.url + "/")
    # The violation is reported after the script returns: wait for its message.
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate(
            """() => {
              const style = document.createElement("style");
              style.textContent = "body { color: red }";
              document.head.appendChild(style);
            }"""
        )
    assert any("CSP violation: style-src" in p for p in problems), problems
    problems.clear()  # seen: the test passes


def test_a_missing_resource_is_a_problem_but_a_404_page_is_not(site, page, problems):
    visit(page, site.url + "/initiatives/no-such-initiative/", status=404)
    assert problems == []
    page.evaluate(
        """() => new Promise((resolve) => {
          const image = document.createElement("img");
          image.onerror = resolve;
          image.src = "/static/img/no-such-image.png";
          document.body.append(image);
        })"""
    )
    assert any("404" in p and "no-such-image.png" in p for p in problems), problems
    problems.clear()


def test_no_script_errors_on_any_public_page_in_either_language(site, page, problems):
    paths = [(path, status) for path, status in PUBLIC_PAGES]
    paths += [(i.get_absolute_url(), 200) for i in Initiative.objects.published()]
    paths += [(i.get_absolute_url(), 200) for i in Institution.objects.all()]
    for prefix in ("", "/en"):
        for path, status in paths:
            visit(page, site.url + prefix + path, status=status)
    assert len(paths) > 50
    assert problems == []


def test_no_script_errors_in_the_editors_admin(site, page, problems):
    log_in_as_editor(page, site.url)
    initiative = Initiative.objects.get(slug="medical-industry-clusters")
    for path in [
        "/admin/",
        "/admin/initiatives/initiative/",
        "/admin/initiatives/initiative/?q=izmir&is_published__exact=1",
        "/admin/initiatives/initiative/add/",
        f"/admin/initiatives/initiative/{initiative.pk}/change/",
        f"/admin/initiatives/initiative/{initiative.pk}/history/",
        "/admin/initiatives/initiative/import/",
        "/admin/initiatives/initiative/export/",
        "/admin/initiatives/institution/",
        "/admin/initiatives/institution/add/",
        "/admin/initiatives/sector/",
        "/admin/initiatives/province/",
        initiative.get_absolute_url(),
    ]:
        visit(page, site.url + path)
    # The autocomplete widgets run their scripts: open one.
    visit(page, f"{site.url}/admin/initiatives/initiative/{initiative.pk}/change/")
    page.locator("#id_sectors + .select2 .select2-selection").click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    assert problems == []


@pytest.fixture
def hostile_initiatives(site):
    sector = Sector.objects.get(slug="medikal")
    izmir = Province.objects.get(slug="izmir")
    return [
        InitiativeFactory(
            title=title,
            slug=slug,
            summary=title,
            description=title,
            other_regions=title,
            sectors=[sector],
            provinces=[izmir],
        )
        for title, slug in [
            (SCRIPT_TITLE, "script-title"),
            (ATTRIBUTE_TITLE, "attribute-title"),
        ]
    ]


def test_hostile_titles_show_as_text_and_run_nothing(
    site, page, problems, hostile_initiatives
):
    for initiative in hostile_initiatives:
        visit(page, site.url + initiative.get_absolute_url())
        expect(page.locator("h1")).to_have_text(initiative.title)
        expect(page.locator(".lead")).to_have_text(initiative.title)
        assert initiative.title in page.title()
    for path in [
        "/",
        "/initiatives/?sector=medikal",
        "/en/initiatives/?q=alert",
        "/institutions/",
    ]:
        visit(page, site.url + path)
        if path != "/institutions/":
            expect(page.get_by_text(SCRIPT_TITLE, exact=True).first).to_be_visible()
            expect(page.get_by_text(ATTRIBUTE_TITLE, exact=True).first).to_be_visible()
        assert page.locator("img[src=x], script:not([src])").count() == 0
    # A search for the hostile text itself is shown back as text.
    visit(page, site.url + "/initiatives/?q=" + "%3Cscript%3Ealert(1)")
    expect(page.locator(".active-filters")).to_contain_text("<script>alert(1)")
    assert page.locator("img[src=x], script:not([src])").count() == 0
    page.wait_for_timeout(100)
    assert problems == []
