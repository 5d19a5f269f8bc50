"""Sectors, provinces and institutions by name, for the cells that name them.

Matching ignores case and Turkish diacritics ("izmir", "İZMİR", "Izmir" are
İzmir), takes a slug too, and an institution's acronym (KOSGEB) or other names (those
of duplicates merged into it) unless that is someone else's name or slug. An unknown or ambiguous name is a row error: the
import never creates a sector, province or institution on the way.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import text
from ..models import Institution, Province, Sector


@dataclass
class Lookups:
    """Sectors, provinces and institutions of the whole file, loaded once."""

    sectors: dict  # folded key -> {ids}
    provinces: dict
    institutions: dict
    sector_names: dict  # id -> name
    province_names: dict
    institution_names: dict
    sector_rank: dict  # id -> position in Turkish order
    province_rank: dict
    sector_names_en: dict
    institution_acronyms: dict
    # What the search text is made of (search.initiative_search_text).
    sector_names_tr: dict  # id -> Turkish name or ""
    sector_keywords: dict
    institution_names_tr: dict
    institution_names_en: dict

    @classmethod
    def load(cls):
        sectors, sector_names, sector_rank, sector_names_en = {}, {}, {}, {}
        sector_names_tr, sector_keywords = {}, {}
        # Sectors and institutions are found by their name in either language.
        for rank, (pk, name, name_en, keywords, slug) in enumerate(
            Sector.objects.order_by("sort_key", "id").values_list(
                "pk", "name_tr", "name_en", "keywords", "slug"
            )
        ):
            sector_names[pk] = name or name_en
            sector_names_tr[pk] = name or ""
            sector_names_en[pk] = name_en or ""
            sector_keywords[pk] = keywords
            sector_rank[pk] = rank
            for key in (text.fold(name), text.fold(name_en), slug):
                if key:
                    sectors.setdefault(key, set()).add(pk)
        provinces, province_names, province_rank = {}, {}, {}
        for rank, (pk, name, slug, _plate) in enumerate(
            Province.objects.order_by("sort_key", "name").values_list(
                "pk", "name", "slug", "plate_code"
            )
        ):
            province_names[pk] = name
            province_rank[pk] = rank
            for key in (text.fold(name), slug):
                provinces.setdefault(key, set()).add(pk)
        institutions, institution_names, institution_acronyms = {}, {}, {}
        institution_names_tr, institution_names_en = {}, {}
        by_acronym = {}
        for pk, name, name_en, acronym, slug, others in Institution.objects.values_list(
            "pk", "name_tr", "name_en", "acronym", "slug", "other_names"
        ):
            institution_names[pk] = name or name_en
            institution_names_tr[pk] = name or ""
            institution_names_en[pk] = name_en or ""
            institution_acronyms[pk] = acronym
            for key in (text.fold(name), text.fold(name_en), slug):
                if key:
                    institutions.setdefault(key, set()).add(pk)
            # Other names (a merged duplicate's) count as an acronym does.
            for other in [acronym, *others.splitlines()]:
                if other.strip():
                    by_acronym.setdefault(text.fold(other.strip()), set()).add(pk)
        for key, pks in by_acronym.items():
            # A name or slug wins over someone else's acronym.
            institutions.setdefault(key, pks)
        return cls(
            sectors, provinces, institutions, sector_names, province_names,
            institution_names, sector_rank, province_rank, sector_names_en,
            institution_acronyms, sector_names_tr, sector_keywords,
            institution_names_tr, institution_names_en,
        )  # fmt: skip


def find(mapping, names, value, what):
    """The id ``value`` names in ``mapping`` (a ``Lookups`` dict), or a row error."""
    pks = mapping.get(value.strip().lower()) or mapping.get(text.fold(value))
    if not pks:
        raise ValidationError(
            _("Unknown %(what)s “%(value)s”."), params={"what": what, "value": value}
        )
    if len(pks) > 1:
        raise ValidationError(
            _("“%(value)s” matches several %(what)s: %(names)s. Write the full name."),
            params={
                "value": value,
                "what": what,
                "names": ", ".join(sorted(names[pk] for pk in pks)),
            },
        )
    return next(iter(pks))
