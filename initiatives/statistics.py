"""/statistics/: the registry in tables and charts, under the list's filters.

Each table is one query whatever the number of initiatives, and its chart is
drawn (charts.py) from the very rows the table shows; ``/statistics/<name>.csv``
writes the same rows. The filters are the list's (``InitiativeFilter``, the
same parameters and messages). Sector, province and status count as the
list's facets do (facets.option_counts: under every *other* filter, so a row
is what the list shows when that option is chosen); start years, institutions
and reads count the initiatives matching every filter.
"""

from django.db.models import Count, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import charts, facets, read_counts
from .filters import InitiativeFilter, clean_parameters
from .models import DailyHit, Initiative, Institution, Partnership
from .reads_chart import months
from .transfer import escape_cell, export_filename
from .transfer.writers import csv_bytes
from .views import FilteredListMixin


def _row(key, label, count, tick=None):
    """A table row; ``tick`` a shorter label for a column chart's axis."""
    return {"key": str(key), "label": label, "count": count, "tick": tick or label}


def _facet_rows(name):
    def rows(filterset, language_code):
        return [
            _row(option["value"], option["label"], option["count"])
            for option in facets.option_counts(filterset, name, language_code)
        ]

    return rows


def _matching(filterset):
    return filterset.qs.order_by().values("pk")


def start_year_rows(filterset, language_code):
    """Every year from the first to the last start year (none left out, so
    the chart's axis is even), then the initiatives without one."""
    counts = {
        row["start_year"]: row["count"]
        # COUNT(*), not COUNT(id): read from the start year's index alone.
        for row in filterset.qs.order_by()
        .values("start_year")
        .annotate(count=Count("*"))
    }
    unknown = counts.pop(None, 0)
    rows = []
    if counts:
        years = range(min(counts), max(counts) + 1)
        rows = [_row(year, str(year), counts.get(year, 0)) for year in years]
    if unknown:
        rows.append(_row("", capfirst(_("no start year")), unknown))
    return rows


def _choice_rows(counts, choices):
    return [
        _row(value, capfirst(label), counts[value])
        for value, label in choices
        if counts.get(value)
    ]


def institution_kind_rows(filterset, language_code):
    counts = {
        row["kind"]: row["count"]
        for row in Institution.objects.filter(
            pk__in=Partnership.objects.filter(
                initiative__in=_matching(filterset)
            ).values("institution_id")
        )
        .order_by()
        .values("kind")
        .annotate(count=Count("pk"))
    }
    return _choice_rows(counts, Institution.Kind.choices)


def role_rows(filterset, language_code):
    """Institutions in each role; an institution in two roles counts in
    both. The distinct (role, institution) pairs are at most roles times
    institutions, whatever the number of initiatives."""
    counts = {}
    for role, _institution in (
        Partnership.objects.filter(initiative__in=_matching(filterset))
        .order_by()
        .values_list("role", "institution_id")
        .distinct()
    ):
        counts[role] = counts.get(role, 0) + 1
    return _choice_rows(counts, Partnership.Role.choices)


def reads_per_month_rows(filterset, language_code):
    """Reads of the matching initiatives per calendar month (DailyHit), every
    month from the first read to the last. Summed per day in the database
    (at most one row a day, whatever the number of initiatives) and per
    month here: truncating dates is a Python function on SQLite, slow over
    every row."""
    counts = {}
    for row in _reads_per_day(filterset):
        month = row["day"].replace(day=1)
        counts[month] = counts.get(month, 0) + row["reads"]
    if not counts:
        return []
    return [
        _row(
            month.strftime("%Y-%m"),
            date_format(month, "YEAR_MONTH_FORMAT"),
            counts.get(month, 0),
            tick=date_format(month, "M Y"),
        )
        for month in months(min(counts), max(counts))
    ]


def _reads_per_day(filterset):
    """Rows of day and reads of the initiatives ``filterset`` matches. When
    the hit tables have a database of their own (SQLite, docs/ARCHITECTURE.md
    "Reads on SQLite") no query can join them to the registry: with no
    filter, every hit row but the hidden initiatives' (few; a deleted
    initiative's rows go with it); with one, the matching ids. Either list
    reaches the hits database as one JSON array, which SQLite's json_each
    reads (one parameter whatever their number)."""
    per_day = DailyHit.objects.order_by().values("day").annotate(reads=Sum("count"))
    if not read_counts.kept_apart():
        return per_day.filter(initiative__in=_matching(filterset))
    if filterset.narrows():
        ids = _id_array(_matching(filterset))
        return per_day.filter(initiative_id__in=ids) if ids else []
    hidden = _id_array(Initiative.objects.hidden().order_by().values("pk"))
    return per_day.exclude(initiative_id__in=hidden) if hidden else per_day


def _id_array(values):
    """The ids of ``values`` as a subquery over one JSON array, or None."""
    ids = ",".join(str(pk) for pk in values.values_list("pk", flat=True))
    return RawSQL("SELECT value FROM json_each(%s)", (f"[{ids}]",)) if ids else None


# name: (title, first column, what is counted, chart, rows), in page order.
TABLES = {
    "sectors": (
        _("Initiatives by sector"),
        _("Sector"),
        _("Initiatives"),
        "bars",
        _facet_rows("sector"),
    ),
    "provinces": (
        _("Initiatives by province"),
        _("Province"),
        _("Initiatives"),
        "bars",
        _facet_rows("province"),
    ),
    "start-years": (
        _("Initiatives by start year"),
        _("Start year"),
        _("Initiatives"),
        "columns",
        start_year_rows,
    ),
    "statuses": (
        _("Initiatives by status"),
        _("Status"),
        _("Initiatives"),
        "bars",
        _facet_rows("status"),
    ),
    "institution-kinds": (
        _("Institutions by kind"),
        _("Kind"),
        _("Institutions"),
        "bars",
        institution_kind_rows,
    ),
    "roles": (
        _("Institutions by role"),
        _("Role"),
        _("Institutions"),
        "bars",
        role_rows,
    ),
    "reads": (
        _("Reads per month"),
        _("Month"),
        _("Reads"),
        "columns",
        reads_per_month_rows,
    ),
}


def _filterset(request, params):
    return InitiativeFilter(
        params, queryset=Initiative.objects.published(), request=request
    )


def table(name, filterset, language_code):
    title, column, counted, kind, rows_of = TABLES[name]
    rows = rows_of(filterset, language_code)
    chart_rows = [
        (row["tick"], row["count"], number_format(row["count"], force_grouping=True))
        for row in rows
        if row["key"] or kind == "bars"  # a column chart has no "unknown"
    ]
    return {
        "name": name,
        "title": title,
        "column": column,
        "counted": counted,
        "rows": rows,
        "kind": kind,
        "chart": charts.bars(chart_rows)
        if kind == "bars"
        else charts.columns(chart_rows),
    }


class StatisticsView(FilteredListMixin, TemplateView):
    template_name = "initiatives/statistics.html"
    filterset_class = InitiativeFilter

    def get_base_queryset(self):
        return Initiative.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, params, language = self.filterset, self.params, get_language()
        query = facets.link("", params, set_values={"ordering": None})
        tables = [table(name, filterset, language) for name in TABLES]
        for entry in tables:
            entry["csv_url"] = (
                reverse("initiatives:statistics_csv", kwargs={"name": entry["name"]})
                + query
            )
        context.update(
            tables=tables,
            # The list's count, from the same cached facet counts.
            total=facets.counted(filterset, language)["total"],
            list_url=reverse("initiatives:initiative_list") + query,
            active_filters=facets.active_filters(
                filterset, self.request.path, params, language
            ),
        )
        return context


def statistics_csv(request, name):
    """One table of /statistics/ as CSV (UTF-8 with BOM): key, label, count."""
    if name not in TABLES:
        raise Http404
    params, _notices = clean_parameters(request.GET)
    filterset = _filterset(request, params)
    if not filterset.is_valid():
        # Like the list's exports: say what was wrong, never other rows.
        return HttpResponse(
            "\n".join(str(m) for m in filterset.error_messages) + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = table(name, filterset, get_language())["rows"]
    response = HttpResponse(
        csv_bytes(
            headers=["key", "label", "count"],
            records=(
                [escape_cell(row["key"]), escape_cell(str(row["label"])), row["count"]]
                for row in rows
            ),
        ),
        content_type="text/csv; charset=utf-8",
    )
    filename = export_filename(file_format="csv", name=f"statistics-{name}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
