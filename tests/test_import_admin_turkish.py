"""The admin's import and export screens as a Turkish editor reads them.

django-import-export's own Turkish said "Bu içe aktarıcı … içe aktaracaktır"
(this importer will import) on the export page and "Kaydet" (save) on its
button; our templates and catalogue say what the screens do.
"""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import Initiative
from initiatives.transfer import export_file

pytestmark = pytest.mark.django_db

MEDICAL = "medical-industry-clusters"


def text_of(response):
    """The words of the page's content, as an editor reads them."""
    html = response.content.decode()
    main = html[html.index('<div id="content"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def csv_upload(rows, name="girisimler.csv"):
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), "text/csv")


def seed_rows():
    return list(csv.DictReader(io.StringIO(export_file().decode("utf-8-sig"))))


@pytest.mark.parametrize("model", ["initiative", "institution", "sector"])
def test_the_turkish_export_page_says_it_exports(editor_client, seed, model):
    response = editor_client.get(reverse(f"admin:initiatives_{model}_export"))
    words = text_of(response)
    assert "Dosyada şu sütunlar bu sırayla yer alır" in words
    assert "name_en" in words or "title_en" in words
    assertContains(response, 'value="Dosyayı dışa aktar"')
    assertContains(response, '<label for="id_format">Dosya biçimi:</label>', html=True)
    assert "içe aktaracaktır" not in words
    assert "Kaydet" not in words
    # Nothing inline for the Content-Security-Policy to refuse.
    assertNotContains(response, "onchange=")
    assertNotContains(response, 'style="')


def test_the_turkish_export_page_downloads_both_languages(editor_client, seed):
    response = editor_client.post(
        reverse("admin:initiatives_initiative_export"), {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    medical = next(row for row in rows if row["slug"] == MEDICAL)
    assert (medical["title"], medical["title_en"]) == (
        "Medikal Sanayi Kümelenmesi",
        "Medical Industry Clusters",
    )


def test_the_turkish_import_page_reads_correctly(editor_client, seed):
    response = editor_client.get(reverse("admin:initiatives_institution_import"))
    assertContains(response, "<h1>İçe aktar: Kurumlar</h1>", html=True)
    assertContains(response, 'value="Ön izlemeyi göster"')


def test_the_turkish_preview_labels_each_language_column(editor_client, seed):
    rows = [row for row in seed_rows() if row["slug"] == MEDICAL]
    rows[0].update(title="Medikal Kümesi", title_en="Medical Cluster")
    response = editor_client.post(
        reverse("admin:initiatives_initiative_import"),
        {"import_file": csv_upload(rows)},
    )
    words = text_of(response)
    assert "Başlık (Türkçe) title Medikal Sanayi Kümelenmesi → Medikal Kümesi" in words
    assert (
        "Başlık (İngilizce) title_en Medical Industry Clusters → Medical Cluster"
        in (words)
    )
    assertContains(response, "<code>title_en</code>", html=True)


def test_garbage_in_the_english_columns_is_shown_never_a_500(editor_client, seed):
    rows = [row for row in seed_rows() if row["slug"] == MEDICAL]
    rows[0].update(title="", title_en="")
    rows.append({**rows[0], "slug": "yeni", "number": "", "title_en": "Ş" * 301})
    rows.append({**rows[1], "slug": "yeni-2", "title_en": "x", "source_en": "\x07"})
    response = editor_client.post(
        reverse("admin:initiatives_initiative_import"),
        {"import_file": csv_upload(rows)},
    )
    assert response.status_code == 200
    words = text_of(response)
    assert "Hiçbir şey içe aktarılmadı" in words, words
    assert "2 Başlık (Türkçe) title Girişime Türkçe ya da İngilizce bir başlık" in words
    assert "3 Başlık (İngilizce) title_en Bu değerin en fazla 300 karakter" in words
    assert "4 Kaynak (İngilizce) source_en Hücrede metinde bulunamayacak" in words
    assert Initiative.objects.get(slug=MEDICAL).title_en == "Medical Industry Clusters"
    assert not Initiative.objects.filter(slug__startswith="yeni").exists()
