"""Turkish case folding, search folding, slugs and alphabetical order (text.py)."""

import pytest

from initiatives import text
from initiatives.models import Province


@pytest.mark.parametrize(
    ("value", "lower"),
    [("İZMİR", "izmir"), ("IĞDIR", "ığdır"), ("ÇORLU", "çorlu"), ("Işık", "ışık")],
)
def test_turkish_lower_maps_dotted_and_dotless_i(value, lower):
    assert text.turkish_lower(value) == lower
    assert len(text.turkish_lower("İ")) == 1  # Python's "İ".lower() is two


def test_turkish_upper_is_the_inverse():
    assert text.turkish_upper("izmir ığdır") == "İZMİR IĞDIR"


@pytest.mark.parametrize(
    ("value", "folded"),
    [
        *[
            (izmir, "izmir")
            for izmir in ["izmir", "IZMIR", "İzmir", "izmır", "İZMİR", "Izmir"]
        ],
        ("Elazığ", "elazig"),
        ("Çorlu", "corlu"),
        ("OSTİM", "ostim"),
        ("Şanlıurfa", "sanliurfa"),
        ("Gümüşhane", "gumushane"),
        ("Kütahya", "kutahya"),
        # Decomposed input (a combining dot above) folds like the composed form.
        ("I\u0307zmir", "izmir"),
        ("“Medikal” & Sağlık, 2011!", "medikal saglik 2011"),
        ("100% _x_ 'quoted'", "100 x quoted"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_case_diacritics_and_punctuation(value, folded):
    assert text.fold(value) == folded


def test_search_terms_are_folded_words():
    assert text.search_terms("  İzmir   ORGANİK gıda ") == ["izmir", "organik", "gida"]
    assert text.search_terms("%_'\"") == []


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Şanlıurfa", "sanliurfa"),
        ("Elazığ", "elazig"),
        ("Iğdır", "igdir"),
        ("İzmir", "izmir"),
        ("OSTİM", "ostim"),
        ("IĞDIR", "igdir"),
        ("Çerkezköy Ticaret ve Sanayi Odası", "cerkezkoy-ticaret-ve-sanayi-odasi"),
        ("MEDİKÜM “Samsun Medikal”", "medikum-samsun-medikal"),
    ],
)
def test_slugs_transliterate_where_django_drops_letters(name, slug):
    from django.utils.text import slugify

    assert text.turkish_slugify(name) == slug
    if name in {"Şanlıurfa", "Elazığ", "Iğdır"}:
        assert slugify(name) != slug  # why text.py exists


def test_a_slug_clash_gets_a_number():
    taken = {"izmir", "izmir-2"}
    assert text.unique_slug("İzmir", taken.__contains__) == "izmir-3"


def test_a_slug_clash_keeps_the_slug_within_its_length():
    taken = {"a" * 10}
    assert (
        text.unique_slug("A" * 30, taken.__contains__, max_length=10) == "a" * 8 + "-2"
    )


def test_a_name_without_letters_still_gets_a_slug():
    assert text.unique_slug("!!!", lambda slug: False) == "item"


def test_sort_keys_give_turkish_alphabetical_order():
    names = ["Zonguldak", "Çorlu", "İzmir", "Şırnak", "Cizre", "Isparta", "Sakarya"]
    names += ["Diyarbakır", "Ordu", "Ödemiş", "Uşak", "Ünye", "Giresun", "Ğ", "Ilgın"]
    assert sorted(names, key=text.sort_key) == [
        "Cizre",
        "Çorlu",
        "Diyarbakır",
        "Giresun",
        "Ğ",
        "Ilgın",
        "Isparta",
        "İzmir",
        "Ordu",
        "Ödemiş",
        "Sakarya",
        "Şırnak",
        "Uşak",
        "Ünye",
        "Zonguldak",
    ]


def test_sort_keys_ignore_case_and_put_shorter_first():
    assert text.sort_key("izmir") == text.sort_key("İZMİR")
    assert text.sort_key("Ada") < text.sort_key("Adana") < text.sort_key("Adıyaman")


def test_sort_keys_are_digits_only():
    assert text.sort_key("Çorlu Ticaret ve Sanayi Odası (ÇTSO) 2011").isdigit()


def test_the_81_provinces_sort_in_turkish_order_in_the_database(db):
    names = list(Province.objects.order_by("sort_key").values_list("name", flat=True))
    # The model's default order is the same.
    assert list(Province.objects.values_list("name", flat=True)) == names
    assert len(names) == 81
    start = names.index("Hatay")
    assert names[start : start + 5] == [
        "Hatay",
        "Iğdır",
        "Isparta",
        "İstanbul",
        "İzmir",
    ]
    assert names.index("Bursa") < names.index("Çanakkale") < names.index("Denizli")
    assert names.index("Sivas") < names.index("Şanlıurfa") < names.index("Tekirdağ")
    assert names.index("Şanlıurfa") < names.index("Şırnak")
    assert names.index("Çorum") < names.index("Denizli")
    assert names.index("Ordu") < names.index("Osmaniye") < names.index("Rize")
    assert names[-1] == "Zonguldak"


def test_search_fold_also_reads_a_softened_g_as_k():
    # "valilik" must find "Valiliği", "bakanlık" "Bakanlığının".
    folded = text.search_fold("Elazığ Valiliği ve Kalkınma Bakanlığının")
    assert folded.startswith("elazig valiligi ve kalkinma bakanliginin")
    for term in ("valilik", "bakanlik", "valiligi", "elazig"):
        assert term in folded
    assert text.search_fold("TEKİRDAĞ VALİLİĞİ").split() == [
        "tekirdag",
        "valiligi",
        "tekirdak",
        "valiliki",
    ]
    assert text.search_fold("Konya Sanayi Odası") == "konya sanayi odasi"
    assert text.search_fold("") == ""
