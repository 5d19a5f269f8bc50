"""An editor adds an initiative in the admin, previews the draft, publishes
it, sees it on the site, unpublishes it, and changes the registry by importing a Turkish Excel CSV (issue 5,
point 4)."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests.browser.conftest import USER_AGENT, log_in_as_editor, visit


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    # As in production: what the public saw before a change is cached, and
    # must not be what they see after it.
    settings.PAGE_CACHE_SECONDS = 300


TITLE = "Ege Mobilya Kümelenmesi"


def choose(page, select_id, search, option):
    """Pick ``option`` in a select2 autocomplete by typing ``search``."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(page.locator(f"#{select_id} + .select2")).to_contain_text(option)


def test_an_editor_adds_an_initiative_sees_it_and_unpublishes_it(
    site, page, browser, problems
):
    log_in_as_editor(page, site.url)
    page.goto(site.url + "/admin/initiatives/initiative/add/")
    page.locator("#id_title_tr").press_sequentially(TITLE)
    # The slug fills itself from the Turkish title (the admin's prepopulate
    # script).
    expect(page.locator("#id_slug")).to_have_value("ege-mobilya-kumelenmesi")
    page.locator("#id_summary_tr").fill("Mobilya üreticileri ve tasarımcılar.")
    page.locator("#id_start_year").fill("2019")
    page.locator("#id_status").select_option("active")
    choose(page, "id_provinces", "izmir", "İzmir")

    # Two partners, each found through the autocomplete.
    choose(page, "id_partnerships-0-institution", "kosgeb", "KOSGEB")
    page.locator("#id_partnerships-0-role").select_option("lead")
    page.locator("#partnerships-group .add-row a").click()
    choose(page, "id_partnerships-1-institution", "ostim", "OSTİM")
    page.locator("#id_partnerships-1-role").select_option("partner")
    # A link in its inline.
    page.locator("#id_links-0-url").fill("https://example.org/ege-mobilya")
    page.locator("#id_links-0-title").fill("Kümenin sitesi")

    page.locator("[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    initiative = Initiative.objects.get(slug="ege-mobilya-kumelenmesi")
    assert sorted(p.institution.acronym for p in initiative.partnerships.all()) == [
        "KOSGEB",
        "OSTİM",
    ]

    # A new initiative is a draft: "View on site" shows it to the editor
    # with a banner, and the public gets "page not found".
    page.locator("a.viewsitelink").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".draft-banner")).to_contain_text("Taslak — yayımlanmadı")
    draft_visitor = browser.new_context(user_agent=USER_AGENT)
    try:
        visit(draft_visitor.new_page(), page.url, status=404)
    finally:
        draft_visitor.close()

    # The banner's link leads to the admin, where the editor publishes it.
    page.locator(".draft-banner a").click()
    page.locator("#id_is_published").check()
    page.locator("[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.locator("a.viewsitelink").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".draft-banner")).to_have_count(0)
    expect(page.locator(".partners")).to_contain_text("KOSGEB")
    expect(page.locator(".partners")).to_contain_text("OSTİM")
    expect(page.locator(".links a")).to_have_attribute(
        "href", "https://example.org/ege-mobilya"
    )
    public_url = page.url
    visitor = browser.new_context(user_agent=USER_AGENT)
    try:
        visitor_page = visitor.new_page()
        visit(visitor_page, public_url)
        expect(visitor_page.locator("h1")).to_have_text(TITLE)

        # Unpublish: the page is gone for the public.
        page.go_back()
        page.locator("#id_is_published").uncheck()
        page.locator("[name=_continue]").click()
        expect(page.locator(".messagelist .success")).to_be_visible()
        visit(visitor_page, public_url, status=404)
        visit(visitor_page, site.url + "/initiatives/?q=ege+mobilya")
        expect(visitor_page.locator(".empty-state")).to_be_visible()
    finally:
        visitor.close()
    assert problems == []


def excel_csv(rows):
    """Rows as Turkish Excel saves them: semicolons, CRLF, Windows-1254."""
    return "".join(";".join(row) + "\r\n" for row in rows).encode("cp1254")


def test_an_editor_imports_a_turkish_excel_file_after_reading_the_preview(
    site, page, browser, problems
):
    log_in_as_editor(page, site.url)
    data = excel_csv(
        [
            ["slug", "title", "status", "sectors", "provinces", "is_published"],
            [
                "medical-industry-clusters",
                "Ankara Medikal Sanayi Kümelenmesi",
                "active",
                "Medikal ve sağlık",
                "Ankara",
                "evet",
            ],
            [
                "sanliurfa-tekstil-kumesi",
                "Şanlıurfa Tekstil Kümesi",
                "planned",
                "Hazır giyim",
                "Şanlıurfa | Elazığ",
                "evet",
            ],
        ]
    )
    assert "Ş".encode("cp1254") in data  # one byte, not UTF-8's two

    # The public list before the import (and so in the page cache).
    visitor = browser.new_context(user_agent=USER_AGENT)
    public = visitor.new_page()
    visit(public, site.url + "/initiatives/?province=sanliurfa")
    expect(public.locator(".result-list")).not_to_contain_text("Tekstil")
    visit(public, site.url + "/initiatives/")
    expect(public.locator(".results__count")).to_have_text("18 girişim")

    page.goto(site.url + "/admin/initiatives/initiative/import/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "girisimler.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.locator("input[type=submit]").click()

    # The preview: one new row, one changed, with the changed field; nothing
    # written yet.
    summary = page.locator(".import-summary")
    expect(summary).to_contain_text(re.compile(r"\b1\b.*\b1\b.*\b0\b"))
    rows = page.locator("#import-changes tbody tr")
    expect(rows).to_have_count(2)
    changed = rows.filter(has_text="medical-industry-clusters")
    expect(changed).to_contain_text("Ankara Medikal Sanayi Kümelenmesi")
    # The file's title column is the Turkish title.
    expect(
        changed.locator("del", has_text="Medikal Sanayi Kümelenmesi")
    ).to_be_visible()
    expect(changed.locator("ins", has_text="active")).to_be_visible()
    expect(rows.filter(has_text="sanliurfa-tekstil-kumesi")).to_contain_text(
        "Şanlıurfa"
    )
    assert not Initiative.objects.filter(slug="sanliurfa-tekstil-kumesi").exists()

    page.locator("input[name=confirm]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Initiative.objects.get(slug="sanliurfa-tekstil-kumesi").is_published

    # The public list shows the change.
    visit(public, site.url + "/initiatives/?province=sanliurfa")
    expect(public.locator(".result-list")).to_contain_text("Şanlıurfa Tekstil Kümesi")
    visit(public, site.url + "/initiatives/?q=medikal+sanayi")
    expect(public.locator(".result-list")).to_contain_text(
        "Ankara Medikal Sanayi Kümelenmesi"
    )
    visit(public, site.url + "/initiatives/")
    expect(public.locator(".results__count")).to_have_text("19 girişim")
    visitor.close()
    assert problems == []
