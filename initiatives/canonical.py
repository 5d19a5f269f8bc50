"""The canonical form of a public page's query string.

One rule for the ``<link rel="canonical">`` of every page and for anything
else that must treat equivalent requests as one (the feed's own address; the
page cache's key): only the parameters the contract names for that page, in
a fixed order, without empty values or ``page=1``, repeatable values sorted
and counted once. Parameters the contract does not name (``utm_source``, ...)
are dropped.
"""

from urllib.parse import urlencode

from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict

from .filters import clean_parameters

# docs/CONTRACT.md "Parameters of the list and its exports", in link order.
LIST_PARAMETERS = (
    "q",
    "sector",
    "province",
    "year_from",
    "year_to",
    "institution",
    "status",
    "ordering",
    "page",
)
INSTITUTION_LIST_PARAMETERS = ("q", "kind", "page")
# /statistics/ filters like the list; it has no order and no pages.
STATISTICS_PARAMETERS = tuple(
    name for name in LIST_PARAMETERS if name not in ("ordering", "page")
)
# Any of the values matches, so their order and repetition mean nothing.
REPEATABLE = frozenset({"sector", "province"})

# The contract's parameters of each public page, by URL name; a page not
# named here takes none.
PAGE_PARAMETERS = {
    "initiatives:initiative_list": LIST_PARAMETERS,
    "initiatives:institution_list": INSTITUTION_LIST_PARAMETERS,
    "initiatives:statistics": STATISTICS_PARAMETERS,
}


def canonical_query(params, names, *, repeatable=REPEATABLE):
    """``params`` (a QueryDict, as filters.clean_parameters returns it) as
    an encoded query string of only ``names``, in that order; "" if none.

    A parameter that is not repeatable keeps the value a form reads (the
    last one, like ``QueryDict.get``).
    """
    pairs = []
    for name in names:
        values = [value for value in params.getlist(name) if value.strip()]
        if not values:
            continue
        if name in repeatable:
            values = sorted(set(values))
        else:
            values = values[-1:]
        if name == "page" and values == ["1"]:
            continue
        pairs += [(name, value) for value in values]
    return urlencode(pairs)


def with_query(path, query):
    return f"{path}?{query}" if query else path


def page_parameters(request):
    """The names of the contract's parameters of the page ``request`` asks
    for, by its URL name; none for pages that take none or did not resolve."""
    match = getattr(request, "resolver_match", None)
    return PAGE_PARAMETERS.get(match.view_name, ()) if match else ()


def only(params, names):
    """A copy of the QueryDict ``params`` with only ``names``: what a page
    builds its links from, so no link carries a parameter it ignores."""
    kept = QueryDict(mutable=True)
    for name in params:  # in the visitor's order, as the links were before
        if name in names:
            kept.setlist(name, params.getlist(name))
    return kept


def canonical_request(request):
    """``(path, notices)``: the request's path with its canonical query
    (relative), and what cleaning the parameters told the visitor (a
    shortened search, say), which the page shows."""
    names = page_parameters(request)
    if not names:
        return request.path, []
    try:
        params, notices = clean_parameters(request.GET)
    except TooManyFieldsSent:
        # The 400 page for that very request renders through here.
        return request.path, []
    return with_query(request.path, canonical_query(params, names)), notices


def canonical_path(request):
    """The request's path and canonical query (relative)."""
    return canonical_request(request)[0]
