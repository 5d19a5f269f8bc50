"""An initiative's reads over the last twelve months, from its per-day counts.

Put into the initiative page on every request by ``views.put_read_count``
(page_cache.cached_page's ``fill``), after this read is counted: like the
total beside the title, the chart and its "read N times in the last 30
days" are always current, even on a page from the cache. One query, on the
(initiative, day) unique index, at most a year of rows.
"""

import datetime
import functools
import logging

from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

from . import charts
from .models import DailyHit

MONTHS = 12
RECENT_DAYS = 30

logger = logging.getLogger(__name__)


def months(first, last):
    """The first day of every month from ``first``'s to ``last``'s."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def months_before(day, count):
    """The first day of the month ``count`` months before ``day``'s."""
    month = day.replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


@functools.lru_cache(maxsize=256)
def _month_labels(month, language):
    """A month's name in the table and under its column, in ``language``
    (the active one): the same few months on every request."""
    return date_format(month, "YEAR_MONTH_FORMAT"), date_format(month, "M Y")


def initiative_reads(initiative_id, today=None):
    """The template's context: the last ``MONTHS`` months (this one
    included) with their reads, the chart, and the reads of the last
    ``RECENT_DAYS`` days (today included)."""
    today = today or timezone.localdate()
    first = months_before(today, MONTHS - 1)
    since = today - datetime.timedelta(days=RECENT_DAYS - 1)
    per_month, recent = {}, 0
    for day, count in DailyHit.objects.filter(
        initiative_id=initiative_id, day__gte=first, day__lte=today
    ).values_list("day", "count"):
        month = day.replace(day=1)
        per_month[month] = per_month.get(month, 0) + count
        if day >= since:
            recent += count
    language = get_language()
    labels = [
        (month, *_month_labels(month, language)) for month in months(first, today)
    ]
    rows = [
        {"label": label, "count": per_month.get(month, 0)} for month, label, _ in labels
    ]
    chart = charts.columns(
        [
            (
                short_label,
                row["count"],
                number_format(row["count"], force_grouping=True),
            )
            for (_, _, short_label), row in zip(labels, rows, strict=True)
        ]
    )
    return {"reads_months": rows, "reads_chart": chart, "reads_recent": recent}


def rendered(initiative_id):
    """The page's "Reads over time" section; nothing, with a warning, when
    the database cannot be read (a locked one loses the chart, not the page,
    as hits.count_read loses the hit)."""
    try:
        context = initiative_reads(initiative_id)
    except DatabaseError:
        logger.warning("Reads of initiative %s not shown", initiative_id, exc_info=True)
        return ""
    return render_to_string("includes/reads_over_time.html", context)
