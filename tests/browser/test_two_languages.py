"""A Turkish visitor reads the registry in Turkish, an English one in English,
and a text that exists in one language only is shown marked (issue 10)."""

from playwright.sync_api import expect

from initiatives.models import Initiative
from tests.browser.conftest import visit

ELAZIG = "clusters-based-strategic-economic-development-project-elazig"


def test_each_visitor_reads_the_registry_in_their_language(site, page):
    # Turkish: home, list, search, initiative, institution.
    visit(page, site.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.locator("#by-sector-title + .chips")).to_contain_text("Hazır giyim")
    visit(page, site.url + "/initiatives/?q=valilik")
    titles = page.locator(".result-list .result__title a")
    expect(titles).to_have_count(2)
    expect(titles.first).to_contain_text("Kümelenme Temelli Stratejik")
    titles.filter(has_text="Elazığ").click()
    expect(page.locator("h1")).to_have_text(
        "Kümelenme Temelli Stratejik Ekonomik Kalkınma Projesi (Elazığ)"
    )
    expect(page).to_have_title(
        "Kümelenme Temelli Stratejik Ekonomik Kalkınma Projesi (Elazığ) · "
        "Türkiye'de Kümelenme"
    )
    page.locator(".partners a", has_text="Elazığ Valiliği").click()
    expect(page.locator("h1")).to_contain_text("Elazığ Valiliği")
    expect(page.locator(".lang-note")).to_have_count(0)

    # English: the same pages in English, through the language switch.
    page.locator(".language-switch a", has_text="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Elazığ Governorship")
    visit(page, site.url + f"/en/initiatives/{ELAZIG}/")
    expect(page.locator("h1")).to_have_text(
        "Clusters-based Strategic Economic Development Project (Elazığ)"
    )
    visit(page, site.url + "/en/initiatives/?q=valilik")
    expect(page.locator(".result-list .result__title a")).to_have_count(2)


def test_a_text_in_one_language_only_is_shown_marked(site, page):
    Initiative.objects.filter(slug=ELAZIG).update(title_tr="", summary_tr="")
    visit(page, site.url + f"/initiatives/{ELAZIG}/")
    heading = page.locator("h1")
    expect(heading.locator('[lang="en"]')).to_have_text(
        "Clusters-based Strategic Economic Development Project (Elazığ)"
    )
    note = heading.locator(".lang-note")
    expect(note).to_have_text("İngilizce")
    expect(note).to_be_visible()
    # Smaller than the heading it annotates.
    sizes = note.evaluate(
        "n => [parseFloat(getComputedStyle(n).fontSize),"
        " parseFloat(getComputedStyle(n.parentElement).fontSize)]"
    )
    assert sizes[0] < sizes[1]


def test_each_page_type_is_in_the_visitors_language(site, page):
    # Turkish: the home page's sectors, the list's titles, the institutions.
    visit(page, site.url + "/")
    expect(page.locator("main")).to_contain_text("Medikal ve sağlık")
    visit(page, site.url + "/initiatives/?ordering=title")
    expect(page.locator(".result-list")).to_contain_text("Medikal Sanayi Kümelenmesi")
    expect(page.locator(".result-list")).not_to_contain_text("Medical Industry")
    visit(page, site.url + "/institutions/")
    expect(page.locator("main")).to_contain_text("Konya Sanayi Odası")
    expect(page.locator("main")).not_to_contain_text("Konya Chamber of Industry")

    # English: the same page types, and no Turkish text marked as a fallback.
    visit(page, site.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Medical and health")
    visit(page, site.url + "/en/initiatives/?ordering=title")
    expect(page.locator(".result-list")).to_contain_text("Medical Industry Clusters")
    expect(page.locator(".result-list")).not_to_contain_text("Medikal Sanayi")
    page.get_by_role("link", name="Medical Industry Clusters", exact=True).click()
    expect(page.locator("h1")).to_have_text("Medical Industry Clusters")
    visit(page, site.url + "/en/institutions/")
    expect(page.locator("main")).to_contain_text("Konya Chamber of Industry")
    page.locator("main a", has_text="Konya Chamber of Industry").first.click()
    expect(page.locator("h1")).to_contain_text("Konya Chamber of Industry")
    expect(page.locator(".lang-note")).to_have_count(0)
