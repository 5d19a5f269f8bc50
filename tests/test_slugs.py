import pytest

from initiatives.text import turkish_slugify, unique_slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Şanlıurfa", "sanliurfa"),
        ("Elazığ", "elazig"),
        ("İzmir", "izmir"),
        ("OSTİM", "ostim"),
        ("IĞDIR", "igdir"),
        ("Çerkezköy Ticaret ve Sanayi Odası", "cerkezkoy-ticaret-ve-sanayi-odasi"),
        ("MEDİKÜM “Samsun Medikal”", "medikum-samsun-medikal"),
    ],
)
def test_turkish_letters_are_transliterated(name, slug):
    assert turkish_slugify(name) == slug


def test_a_clash_gets_a_number():
    taken = {"izmir", "izmir-2"}
    assert unique_slug("İzmir", taken.__contains__) == "izmir-3"


def test_a_clash_keeps_the_slug_within_its_length():
    taken = {"a" * 10}
    assert unique_slug("A" * 30, taken.__contains__, max_length=10) == "a" * 8 + "-2"


def test_a_name_without_letters_still_gets_a_slug():
    assert unique_slug("!!!", lambda slug: False) == "item"
