"""The facets of the public lists: options, their links, active chips.

The options and their counts come from facet_counts.py (counted per content
version and filter set); this module marks the selected ones and builds the
link of each. Options are in Turkish alphabetical order (status: its own).

Every link keeps the other parameters and goes back to the first page. The
FilterSets (filters.py) check the values; this module only reads the valid
ones (``active_values``).
"""

from urllib.parse import quote_plus, urlencode

from django.db.models import Count
from django.utils.translation import gettext

from . import facet_counts, page_cache
from .facet_counts import FACETS
from .models import Initiative, Institution
from .translation import institution_name, translated

REPEATABLE = {"sector", "province"}
# Facets with more options than this start folded (<details>) unless in use.
FACET_OPEN_LENGTH = 12


def link(path, params, *, set_values=None, add=None, remove=None):
    """``path`` with ``params`` changed, always back on the first page.

    ``set_values`` replaces parameters ({name: [values]} or None to drop),
    ``add``/``remove`` add or remove one (name, value) of a repeatable one.
    """
    params = params.copy()
    params.pop("page", None)
    for name, values in (set_values or {}).items():
        if values is None:
            params.pop(name, None)
        else:
            params.setlist(name, values)
    if add:
        name, value = add
        params.setlist(name, [*params.getlist(name), value])
    if remove:
        name, value = remove
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    query = params.urlencode()
    return f"{path}?{query}" if query else path


# The initiative list.


def initiative_facets(filterset, path, params, counted):
    """[facet dict] for the list's sidebar: name, title, open and options,
    each option with value, label, count, selected and the url that
    selects or removes it. ``counted`` is facet_counts.counts()."""
    facets = []
    for name in FACETS:
        selected = {getattr(v, "slug", v) for v in filterset.active_values(name)}
        links = OptionLinks(path, params, name)
        options = []
        for option in counted["facets"][name]:
            is_selected = option["value"] in selected
            options.append(
                {
                    **option,
                    "selected": is_selected,
                    "url": links.url(option["value"], is_selected),
                }
            )
        facets.append(
            {
                "name": name,
                "title": filterset.filters[name].label,
                "options": options,
                "open": len(options) <= FACET_OPEN_LENGTH
                or any(option["selected"] for option in options),
            }
        )
    return facets


def counted(filterset, language_code):
    """facet_counts.counts() of ``filterset`` under its request's content
    version (one cache entry per version, filter set and language, shared by
    the list, the home page and /statistics/), memoised on the filterset."""
    result = getattr(filterset, "_facet_counts", None)
    if result is None:
        request = getattr(filterset, "request", None)
        version = None if request is None else page_cache.request_version(request)
        result = facet_counts.counts(filterset, version, language_code)
        filterset._facet_counts = result
    return result


def option_counts(filterset, name, language_code):
    """[{value, label, count}] of facet ``name``: the published initiatives
    under every other filter, per option (``counted``). /statistics/ counts
    with this, so its tables equal the list's sidebar."""
    return [
        dict(option) for option in counted(filterset, language_code)["facets"][name]
    ]


class OptionLinks:
    """The links of one facet's options: ``link()``'s result for each, with
    the parameters around the facet's own encoded once, not per option (a
    list at 100,000 initiatives has hundreds of options)."""

    def __init__(self, path, params, name):
        params = params.copy()
        params.pop("page", None)
        self.path, self.name = path, name
        self.current = params.getlist(name)
        keys = list(params)
        if name not in keys:
            keys.append(name)
        at = keys.index(name)
        self.before = [(k, v) for k in keys[:at] for v in params.getlist(k)]
        self.after = [(k, v) for k in keys[at + 1 :] for v in params.getlist(k)]
        # An option not selected adds its value (repeatable) or replaces the
        # current ones: what comes before and after it is the same for all.
        kept = self.current if name in REPEATABLE else []
        self.head = urlencode(self.before + [(name, v) for v in kept])
        self.tail = urlencode(self.after)
        self.key = quote_plus(name)

    def url(self, value, selected):
        if selected:
            values = [v for v in self.current if v != value]
            query = urlencode(
                self.before + [(self.name, v) for v in values] + self.after
            )
        else:
            own = f"{self.key}={quote_plus(value)}"
            query = "&".join(part for part in (self.head, own, self.tail) if part)
        return f"{self.path}?{query}" if query else self.path


def active_filters(filterset, path, params, language_code):
    """[(label, url that removes it)] for every valid active filter."""
    active = []
    for value in filterset.active_values("q"):
        active.append(
            (
                gettext("Search: “%(q)s”") % {"q": value},
                link(path, params, set_values={"q": None}),
            )
        )
    for name in ("sector", "province"):
        for obj in filterset.active_values(name):
            label = (
                translated(obj, "name", language_code) if name == "sector" else obj.name
            )
            active.append((label, link(path, params, remove=(name, obj.slug))))
    for value in filterset.active_values("year_from"):
        active.append(
            (
                gettext("From %(year)s") % {"year": value},
                link(path, params, set_values={"year_from": None}),
            )
        )
    for value in filterset.active_values("year_to"):
        active.append(
            (
                gettext("Up to %(year)s") % {"year": value},
                link(path, params, set_values={"year_to": None}),
            )
        )
    for obj in filterset.active_values("institution"):
        active.append(
            (
                institution_name(obj, language_code),
                link(path, params, set_values={"institution": None}),
            )
        )
    for value in filterset.active_values("status"):
        active.append(
            (
                Initiative.Status(value).label,
                link(path, params, set_values={"status": None}),
            )
        )
    return active


def hidden_filters(filterset):
    """[(name, value)] of the active facet values, for the search form to
    keep when it is sent."""
    return [
        (name, getattr(value, "slug", value))
        for name in ("sector", "province", "institution", "status")
        for value in filterset.active_values(name)
    ]


# The institution list.


def institution_kinds(filterset, path, params):
    """The kinds of institution under the current search, each with its
    count and the url that selects it (or, selected, removes it)."""
    searched = filterset.filter_search(
        Institution.objects.all(), "q", params.get("q", "")
    )
    counts = {
        row["kind"]: row["count"]
        for row in searched.order_by().values("kind").annotate(count=Count("pk"))
    }
    filterset.is_valid()
    current = filterset.form.cleaned_data.get("kind", "")
    return [
        {
            "label": label,
            "count": counts[value],
            "selected": value == current,
            "url": link(
                path,
                params,
                set_values={"kind": None if value == current else [value]},
            ),
        }
        for value, label in Institution.Kind.choices
        if value in counts
    ]
