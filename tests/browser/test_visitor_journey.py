"""A visitor finds initiatives by sector, province and search, reads one and
its partner, and switches language (issue 5, point 2)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests.browser.conftest import number, visit


def query(page):
    return parse_qs(urlsplit(page.url).query)


def results(page):
    return page.locator(".result-list .result__title a")


def test_visitor_narrows_the_list_searches_and_reads_an_initiative(
    site, page, problems
):
    visit(page, site.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Home → a sector.
    page.locator("#by-sector-title + .chips a", has_text="Medical and health").click()
    assert query(page) == {"sector": ["medikal"]}
    expect(page.locator(".results__count")).to_have_text("3 initiatives")
    expect(results(page)).to_have_count(3)

    # Add a province from the filter panel: its facet link keeps the sector.
    page.locator(".facet a", has_text="İzmir").click()
    assert query(page) == {"sector": ["medikal"], "province": ["izmir"]}
    expect(results(page)).to_have_text(["INOVİZ İzmir for Health"])
    chips = page.locator(".active-filters li a:not(.active-filters__clear)")
    expect(chips).to_have_count(2)

    # Remove the sector chip: the province stays.
    chips.filter(has_text="Medical and health").click()
    assert query(page) == {"province": ["izmir"]}
    expect(page.locator(".results__count")).to_have_text("4 initiatives")

    # Search "izmir" (ASCII spelling) from the filter form.
    page.get_by_role("link", name="Clear all filters").click()
    page.locator("#filters input[name=q]").fill("izmir")
    page.locator("#filters").get_by_role("button", name="Apply").click()
    assert query(page)["q"] == ["izmir"]
    found = results(page)
    expect(found.first).to_be_visible()
    titles = found.all_inner_texts()
    assert "INOVİZ İzmir for Health" in titles
    assert "İzmir Organic Food Clusters" in titles
    assert "IAOSB Metal Casting Clusters" in titles

    # Open an initiative, then its partner institution, then come back.
    found.filter(has_text="IAOSB Metal Casting Clusters").click()
    expect(page.locator("h1")).to_have_text("IAOSB Metal Casting Clusters")
    initiative_url = page.url
    partner = page.locator(".partners a").first
    expect(partner).to_have_text("İzmir Atatürk Organized Industrial Zone (IAOSB)")
    partner.click()
    expect(page.locator("h1")).to_contain_text(
        "İzmir Atatürk Organized Industrial Zone"
    )
    expect(page.locator("main")).to_contain_text("IAOSB Metal Casting Clusters")
    page.go_back()
    assert page.url == initiative_url
    expect(page.locator("h1")).to_have_text("IAOSB Metal Casting Clusters")

    assert problems == []


def test_switching_to_turkish_shows_turkish_labels_and_number_formats(
    site, page, problems
):
    slug = "clustering-project-for-agricultural-and-food-sector"
    Initiative.objects.filter(slug=slug).update(hit_count=1234)

    visit(page, f"{site.url}/en/initiatives/{slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#facts-title")).to_have_text("Facts")
    expect(page.locator(".facts")).to_contain_text("1,080,630")
    expect(page.locator(".initiative__reads")).to_contain_text("Read 1,235 times")
    expect(page.locator(".facts")).to_contain_text("26 May 2013")

    page.locator(".language-switch").get_by_role("link", name="Türkçe").click()
    assert urlsplit(page.url).path == f"/initiatives/{slug}/"
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.locator("#facts-title")).to_have_text("Bilgiler")
    expect(page.locator(".site-nav")).to_contain_text("Girişimler")
    expect(page.locator(".facts")).to_contain_text("1.080.630 €")
    expect(page.locator(".facts")).to_contain_text("26.05.2013")
    # The same visitor in another language: no new read.
    expect(page.locator(".initiative__reads")).to_contain_text("1.235")

    page.get_by_role("link", name="Girişimler", exact=True).click()
    expect(page.locator(".results__count")).to_have_text("18 girişim")
    expect(page.locator("#filters-title")).to_have_text("Süz")

    assert problems == []


@pytest.mark.parametrize("cache_seconds", [0, 300], ids=["uncached", "page-cache"])
def test_the_read_count_goes_up_once_for_a_visitor_and_not_on_reload(
    site, page, problems, settings, cache_seconds
):
    # With the page cache on, the count is still this visitor's own read.
    settings.PAGE_CACHE_SECONDS = cache_seconds
    initiative = Initiative.objects.get(slug="medical-industry-clusters")
    before = initiative.hit_count
    url = site.url + initiative.get_absolute_url()

    visit(page, url)
    reads = page.locator(".initiative__reads")
    assert number(reads.inner_text()) == before + 1

    page.reload()
    assert number(reads.inner_text()) == before + 1
    initiative.refresh_from_db()
    assert initiative.hit_count == before + 1

    # The list shows the same count.
    visit(page, site.url + "/initiatives/?q=medical+industry+clusters")
    row = page.locator(".result").filter(
        has=page.get_by_role("link", name="Medikal Sanayi Kümelenmesi", exact=True)
    )
    expect(row).to_contain_text(f"{before + 1} kez")

    assert problems == []
