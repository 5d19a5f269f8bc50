"""The list's downloads: CSV, CSV for Turkish Excel, XLSX and JSON.

Each holds what /initiatives/ lists for the same parameters (filters.py over
``published()``; a bad parameter answers 400 with the messages, never more
rows than were asked for) in the import/export columns of ``transfer/``, so
columns added there appear here too. Each says under which licence and when
it was generated: the file name carries the date, the HTTP headers the
licence (``Link: <…>; rel="license"``) and the time (``Last-Modified``); an
XLSX also in its document properties and a "Licence" sheet, the JSON in its
``metadata`` key. The JSON is open data rather than the import layout: the
many-valued cells are lists, and each record has its page in both languages.

Every format reads the database before the first byte goes out, so a failing
database answers 503 (middleware.py), never a 200 cut short.
"""

import datetime
import json

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from django.utils.translation import get_language, gettext

from .canonical import LIST_PARAMETERS, canonical_query, with_query
from .filters import published_filter_or_400
from .site_url import absolute_url
from .transfer import export_file, export_filename, export_items, export_stream

# The list's parameters; a download has no pages.
EXPORT_PARAMETERS = tuple(name for name in LIST_PARAMETERS if name != "page")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_csv(request):
    """CSV as the import reads it: commas, UTF-8 with BOM, CRLF."""
    return _download(request, "csv")


def export_excel_csv(request):
    """CSV as Turkish Excel opens it: semicolons, decimal commas, BOM."""
    return _download(request, "excel_csv")


def export_xlsx(request):
    return _download(request, "xlsx")


def export_json(request):
    return _download(request, "json")


def _download(request, kind):
    filterset, bad_request = published_filter_or_400(request)
    if bad_request:
        return bad_request
    about = _about(filterset, generated=timezone.now().replace(microsecond=0))
    response = _WRITERS[kind](filterset.qs, about)
    file_format, suffix = {"excel_csv": ("csv", "-excel")}.get(kind, (kind, ""))
    name = export_filename(file_format=file_format, suffix=suffix)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Link"] = f'<{settings.DATA_LICENCE_URL}>; rel="license"'
    response["Last-Modified"] = http_date(about["generated"].timestamp())
    response["Content-Language"] = get_language()
    return response


def _about(filterset, *, generated):
    """What every file states about itself: title, licence, time, source."""
    query = canonical_query(filterset.data, EXPORT_PARAMETERS)
    return {
        "title": "{} · {}".format(
            gettext("Cluster initiatives"), gettext("Clustering in Türkiye")
        ),
        "licence": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
        "generated": generated,
        "source": absolute_url(
            with_query(reverse("initiatives:initiative_list"), query)
        ),
        "language": get_language(),
    }


def _csv(queryset, about):
    return StreamingHttpResponse(
        export_stream(queryset=queryset, file_format="csv"), content_type=CSV_TYPE
    )


def _excel_csv(queryset, about):
    return StreamingHttpResponse(
        export_stream(queryset=queryset, file_format="excel_csv"),
        content_type=CSV_TYPE,
    )


def _xlsx(queryset, about):
    generated = about["generated"]
    licence = gettext("Licence: %(name)s, %(url)s") % {
        "name": about["licence"],
        "url": about["licence_url"],
    }
    data = export_file(
        queryset=queryset,
        file_format="xlsx",
        properties={
            "title": about["title"],
            "creator": gettext("Clustering in Türkiye"),
            "description": licence,
            "identifier": about["source"],
            "language": about["language"],
            # openpyxl writes naive datetimes as UTC.
            "created": timezone.make_naive(generated, datetime.UTC),
        },
        notes={
            "title": gettext("Licence"),
            "lines": [
                (about["title"],),
                (licence,),
                (gettext("Generated: %(time)s") % {"time": generated.isoformat()},),
                (gettext("Source: %(url)s") % {"url": about["source"]},),
            ],
        },
    )
    return HttpResponse(data, content_type=XLSX_TYPE)


def _json(queryset, about):
    # The first records are read here, before the response exists.
    items = export_items(queryset=queryset)
    return StreamingHttpResponse(
        _json_chunks(items, about), content_type="application/json"
    )


def _json_chunks(items, about):
    metadata = {**about, "generated": about["generated"].isoformat()}
    yield '{"metadata": ' + json.dumps(metadata, ensure_ascii=False)
    yield ',\n"initiatives": ['
    first = True
    for item in items:
        item["urls"] = _page_urls(item["slug"])
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _page_urls(slug):
    """The initiative's page in each language, absolute on SITE_URL."""
    urls = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            path = reverse("initiatives:initiative_detail", kwargs={"slug": slug})
        urls[language] = absolute_url(path)
    return urls


_WRITERS = {"csv": _csv, "excel_csv": _excel_csv, "xlsx": _xlsx, "json": _json}
