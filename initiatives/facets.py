"""The facets of the public lists: counts, options, their links, active chips.

An option's count is how many published initiatives the list shows with that
option and every other active filter (docs/CONTRACT.md "Parameters of the
list and its exports"): the base of each facet is the FilterSet's own
filtering with that facet left out, so a count and the list behind its link
never disagree. One GROUP BY query per facet, whatever the number of
initiatives. Options are in Turkish alphabetical order (status: its own).

Every link keeps the other parameters and goes back to the first page. The
FilterSets (filters.py) check the values; this module only reads the valid
ones (``active_values``).
"""

from django.db.models import Count, Q
from django.utils.text import capfirst
from django.utils.translation import gettext

from . import text
from .models import Initiative, Institution, Province, Sector
from .translation import LANGUAGE_CODES, choose, institution_name, translated

# The list's filters whose options are shown with counts, in page order.
FACETS = ("sector", "province", "status", "institution")
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


def initiative_facets(filterset, path, params, language_code):
    """[facet dict] for the list's sidebar: name, title, open and options,
    each option with value, label, count, selected and the url that
    selects or removes it."""
    facets = []
    for name in FACETS:
        selected = {getattr(v, "slug", v) for v in filterset.active_values(name)}
        options = option_counts(filterset, name, language_code)
        for option in options:
            option["selected"] = option["value"] in selected
            option["url"] = _option_url(name, option, path, params)
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


def option_counts(filterset, name, language_code):
    """[{value, label, count}] of facet ``name``: the published initiatives
    under every other filter, per option (one GROUP BY query). The list's
    sidebar and /statistics/ both count with this."""
    filterset.is_valid()  # cleaned_data is read by filter_queryset
    base = filterset.filter_queryset(filterset.queryset.all(), exclude=(name,))
    return OPTIONS[name](base, language_code)


def _option_url(name, option, path, params):
    if option["selected"]:
        return link(path, params, remove=(name, option["value"]))
    if name in REPEATABLE:
        return link(path, params, add=(name, option["value"]))
    return link(path, params, set_values={name: [option["value"]]})


def _grouped(base, *fields):
    rows = base.order_by().values(*fields).annotate(count=Count("pk", distinct=True))
    # Initiatives without any sector (province...) form a NULL group.
    return [row for row in rows if row[fields[0]] is not None]


def _in_turkish_order(options, key="label"):
    return sorted(options, key=lambda o: (text.sort_key(o[key]), o["value"]))


def _in_language(row, prefix, language_code):
    """A name of a values() row, in the page's language or marked as another's."""
    return choose(
        {code: row[f"{prefix}_{code}"] for code in LANGUAGE_CODES}, language_code
    )


def _sector_options(base, language_code):
    names = [f"sectors__name_{code}" for code in LANGUAGE_CODES]
    rows = _grouped(base, "sectors__slug", *names)
    return _in_turkish_order(
        {
            "value": row["sectors__slug"],
            "label": _in_language(row, "sectors__name", language_code),
            "count": row["count"],
        }
        for row in rows
    )


def _province_options(base, language_code):
    rows = _grouped(base, "provinces__slug", "provinces__name")
    return _in_turkish_order(
        {
            "value": row["provinces__slug"],
            "label": row["provinces__name"],
            "count": row["count"],
        }
        for row in rows
    )


def _institution_options(base, language_code):
    prefix = "partnerships__institution__"
    names = [f"{prefix}name_{code}" for code in LANGUAGE_CODES]
    rows = _grouped(base, prefix + "slug", *names, prefix + "acronym")
    options = []
    for row in rows:
        name = _in_language(row, prefix + "name", language_code)
        options.append(
            {
                "value": row[prefix + "slug"],
                "label": row[prefix + "acronym"] or name,
                "title": name.text,
                "count": row["count"],
            }
        )
    return _in_turkish_order(options, key="title")


def _status_options(base, language_code):
    counts = {row["status"]: row["count"] for row in _grouped(base, "status")}
    return [
        {"value": value, "label": capfirst(label), "count": counts[value]}
        for value, label in Initiative.Status.choices
        if value in counts
    ]


OPTIONS = {
    "sector": _sector_options,
    "province": _province_options,
    "status": _status_options,
    "institution": _institution_options,
}


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


# The home page's entry points: the list's sector and province options
# with no filter, as model instances (their links are the template's).


def sectors_with_counts(published, language_code):
    """Sectors with ``count`` published initiatives (> 0), in Turkish order
    of the name the page shows."""
    return sorted(
        Sector.objects.annotate(
            count=Count("initiatives", filter=Q(initiatives__in=published))
        ).filter(count__gt=0),
        key=lambda s: text.sort_key(translated(s, "name", language_code)),
    )


def provinces_with_counts(published):
    """Provinces with ``count`` published initiatives (> 0), in Turkish order."""
    return (
        Province.objects.annotate(
            count=Count("initiatives", filter=Q(initiatives__in=published))
        )
        .filter(count__gt=0)
        .order_by("sort_key", "id")
    )


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
