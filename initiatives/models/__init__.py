"""The models of the one ``initiatives`` app, by concern.

- ``fields``: field types and validators (http/https addresses, years).
- ``languages``: writing translated content, its texts in every language.
- ``names``: sectors, provinces, institutions.
- ``registry``: the initiatives.
- ``relations``: partnerships (with roles) and links.
- ``querysets``: their QuerySets, which hold the shared rules (published,
  list order, folded search) and keep derived data right on multi-row writes.
- ``infrastructure``: hit counting, pending imports, login throttling, the
  content version of the page cache, link checks.
- ``history``: how each revision of the version history was made.
- ``merges``: merges of institutions (to undo them) and the merged ones'
  former addresses.

Everything is importable from ``initiatives.models``, as migrations expect.
"""

from .fields import (
    FIRST_YEAR,
    HTTP_URL_MESSAGE,
    YEARS_AHEAD,
    HttpURLField,
    HttpURLFormField,
    http_url_validator,
    validate_year,
)
from .history import RevisionOrigin
from .infrastructure import (
    AddressReaders,
    ContentVersion,
    DailyHit,
    DailySalt,
    HitDedupe,
    LinkCheck,
    LoginThrottle,
    PendingImport,
    ReadCount,
    _pending_import_key,
)
from .languages import in_default_language, in_every_language, require_one_language
from .merges import FormerInstitutionSlug, InstitutionMerge
from .names import (
    Institution,
    NameSlugModel,
    Province,
    Sector,
    TranslatedNameModel,
)
from .querysets import (
    LIST_ORDER,
    TITLE_SORT_KEYS,
    FoldedSearchQuerySet,
    InitiativeQuerySet,
    InstitutionQuerySet,
    NameSlugQuerySet,
    PartnershipQuerySet,
    SectorQuerySet,
    fill_title_sort_keys,
    title_sort_key_field,
)
from .registry import Initiative
from .relations import Link, Partnership

__all__ = [
    "FIRST_YEAR",
    "HTTP_URL_MESSAGE",
    "LIST_ORDER",
    "TITLE_SORT_KEYS",
    "YEARS_AHEAD",
    "AddressReaders",
    "ContentVersion",
    "DailyHit",
    "DailySalt",
    "FoldedSearchQuerySet",
    "FormerInstitutionSlug",
    "HitDedupe",
    "HttpURLField",
    "HttpURLFormField",
    "Initiative",
    "InitiativeQuerySet",
    "Institution",
    "InstitutionMerge",
    "InstitutionQuerySet",
    "Link",
    "LinkCheck",
    "LoginThrottle",
    "NameSlugModel",
    "NameSlugQuerySet",
    "Partnership",
    "PartnershipQuerySet",
    "PendingImport",
    "RevisionOrigin",
    "Province",
    "ReadCount",
    "Sector",
    "SectorQuerySet",
    "TranslatedNameModel",
    "_pending_import_key",
    "fill_title_sort_keys",
    "http_url_validator",
    "in_default_language",
    "in_every_language",
    "require_one_language",
    "title_sort_key_field",
    "validate_year",
]
