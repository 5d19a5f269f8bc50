"""An editor undoes a change from the initiative's history (issue 13, point 2):
changes the start year, reads the history with the old value, restores the
version from before the change after confirming, and the record is back."""

from playwright.sync_api import expect

from initiatives.models import Initiative
from tests.browser.conftest import log_in_as_editor

KONYA = "clusters-activities-for-konya-chamber-of-industry"


def test_an_editor_restores_the_version_before_a_change(site, page, problems):
    konya = Initiative.objects.get(slug=KONYA)
    partners = list(konya.partnerships.values_list("institution_id", "role"))
    log_in_as_editor(page, site.url)
    page.goto(f"{site.url}/admin/initiatives/initiative/{konya.pk}/change/")
    page.locator("#id_start_year").fill("2009")
    page.locator("[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Initiative.objects.get(pk=konya.pk).start_year == 2009

    page.locator("a.historylink").click()
    rows = page.locator("#versions tr.version")
    expect(rows).to_have_count(2)  # the change, and the record before it
    before = rows.nth(1)
    expect(before).to_contain_text("ilk değişiklikten önce")
    expect(before.locator(".version-differences")).to_contain_text("2009")
    before.locator("a.restore-link").click()

    # The confirmation lists what the restore changes, now → after.
    expect(page.locator(".version-differences del")).to_have_text("2009")
    page.locator("[type=submit][value='Evet, bu sürümü geri yükle']").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Sürüm geri yüklendi."
    )
    expect(page.locator("#versions tr.version")).to_have_count(3)
    expect(page.locator("#versions tr.version").first).to_contain_text("geri yükleme")
    konya.refresh_from_db()
    assert konya.start_year is None
    assert list(konya.partnerships.values_list("institution_id", "role")) == partners
    assert problems == []
