"""Turkish-aware text helpers: case folding, search folding, slugs and sort keys.

Python's ``str.lower()`` maps "I" to "i" and "İ" to "i̇" (two code points), and
Django's ``slugify`` drops "ı". Every place that lowercases, slugifies, searches
or sorts names goes through this module so the admin, fixtures, import and the
public pages agree.
"""

import re
import unicodedata

from django.utils.text import slugify

_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})

# Letters that NFKD does not decompose into an ASCII base letter.
_ASCII_FOLD = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ł": "l",
        "€": "eur",
    }
)

# The Turkish alphabet, with q, w and x where Turkish dictionaries put them.
_ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
SORT_KEY_LENGTH = 255
_SORT_CHARS = 60


def turkish_lower(value):
    """Lowercase the Turkish way: I → ı, İ → i (one code point each)."""
    return unicodedata.normalize("NFC", value).translate(_TR_LOWER).lower()


def turkish_upper(value):
    return unicodedata.normalize("NFC", value).translate(_TR_UPPER).upper()


def fold(value):
    """Fold text for search: Turkish lowercase, no diacritics, ASCII only.

    "İZMİR", "izmır" and "Izmir" all fold to "izmir"; "Elazığ" to "elazig".
    Everything that is not a letter or digit becomes a single space.
    """
    if not value:
        return ""
    text = turkish_lower(str(value)).translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9]+", text))


_SOFTENED_WORD = re.compile(r"\w*ğ\w*")


def search_fold(value):
    """fold() for a record's stored search text, with softened words also
    read with "k".

    Turkish softens a final k to ğ before a vowel: "valilik" becomes "Elazığ
    Valiliği", "bakanlık" "Kalkınma Bakanlığı". Folded, "valiliği" is
    "valiligi", which does not contain "valilik"; so each word with a ğ is
    added once more with ğ read as k ("valiliki"), and a search for the
    dictionary form finds the inflected one.
    """
    folded = fold(value)
    if not folded:
        return ""
    softened = _SOFTENED_WORD.findall(turkish_lower(str(value)))
    return " ".join([folded, *(fold(word.replace("ğ", "k")) for word in softened)])


def search_terms(query):
    """Split a visitor's query into folded words (all must match)."""
    return fold(query).split()


def turkish_slugify(value):
    """A URL slug with Turkish letters transliterated: "Şanlıurfa" → "sanliurfa"."""
    return slugify(fold(value))


def unique_slug(value, exists, max_length=50):
    """The slug of ``value``, with "-2", "-3", ... appended while ``exists(slug)``."""
    base = turkish_slugify(value)[:max_length].strip("-") or "item"
    slug, n = base, 1
    while exists(slug):
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug


def _char_rank(ch):
    if ch in _LETTER_RANK:
        return 100 + _LETTER_RANK[ch]
    if ch.isdigit():
        return 10 + int(ch) if ch in "0123456789" else 20
    if ch.isspace():
        return 1
    if ch.isalpha():
        base = fold(ch)[:1]
        if base in _LETTER_RANK:
            return 100 + _LETTER_RANK[base]
        return 200
    return 2


def sort_key(value):
    """A digits-only key that orders names alphabetically the Turkish way.

    Cizre < Çorlu < Diyarbakır, Isparta < İzmir, Sakarya < Şanlıurfa. Digits
    compare the same under every database collation, so ORDER BY this column
    gives the same Turkish order on SQLite and on PostgreSQL.
    """
    text = " ".join(turkish_lower(value or "").split())[:_SORT_CHARS]
    return "".join(f"{_char_rank(ch):03d}" for ch in text)[:SORT_KEY_LENGTH]
