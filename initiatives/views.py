from django.conf import settings
from django.db import connections
from django.db.models import Count, Prefetch, Q, Sum
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    QueryDict,
)
from django.shortcuts import render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, TemplateView

from . import (
    canonical,
    facets,
    hits,
    list_rows,
    page_cache,
    province_map,
    reads_chart,
)
from .filters import InitiativeFilter, InstitutionFilter, clean_parameters
from .link_health.records import marked_broken as link_marked_broken
from .models import (
    FormerInstitutionSlug,
    Initiative,
    Institution,
    Link,
    Partnership,
)
from .translation import translated

HOME_LIST_LENGTH = 5
RELATED_LENGTH = 5
# Stands where the initiative page's "Read N times" goes (put_read_count).
READ_COUNT_MARKER = b"<!--read-count-->"
# Stands where its reads over the last twelve months go (reads_chart.py).
READS_CHART_MARKER = b"<!--reads-over-time-->"
# Part of the initiative page's body key, like page_cache.ENTRY_LAYOUT.
BODY_LAYOUT = 1


def _partnerships_with_institutions():
    return Prefetch(
        "partnerships",
        queryset=Partnership.objects.select_related("institution"),
    )


class FilteredListMixin:
    """Clean the query string, then hand it to ``filterset_class``."""

    filterset_class = None

    def get(self, request, *args, **kwargs):
        params, self.notices = clean_parameters(request.GET)
        # Links are built from these: never from a parameter the page ignores.
        self.params = canonical.only(params, canonical.page_parameters(request))
        self.filterset = self.filterset_class(
            self.params, queryset=self.get_base_queryset(), request=request
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter=self.filterset,
            params=self.params,
            notices=self.notices,
            filter_errors=self.filterset.error_messages,
        )
        return context


class HomeView(TemplateView):
    template_name = "initiatives/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Initiative.objects.published()
        # The home page's figures and entry points are the unfiltered list's
        # facets: one cached entry per content version, shared with the list.
        unfiltered = InitiativeFilter(
            QueryDict(), queryset=published, request=self.request
        )
        counted = facets.counted(unfiltered, get_language())
        options = counted["facets"]
        list_path = reverse("initiatives:initiative_list")
        context.update(
            figures={
                "initiatives": counted["total"],
                "provinces": len(options["province"]),
                "sectors": len(options["sector"]),
                "institutions": len(options["institution"]),
                # Reads change without a new content version: read each time.
                "reads": published.aggregate(reads=Sum("hit_count", default=0))[
                    "reads"
                ],
            },
            most_read=published.filter(hit_count__gt=0).order_by(
                "-hit_count", "title_sort_key", "id"
            )[:HOME_LIST_LENGTH],
            latest=published.order_by("-date_added", "-id")[:HOME_LIST_LENGTH],
            sectors=options["sector"],
            provinces=options["province"],
            # Built only when the template's {% cache %} of the map misses.
            province_map=SimpleLazyObject(
                lambda: province_map.from_options(options["province"], list_path)
            ),
            fragments=page_cache.fragment_key(self.request, QueryDict()),
        )
        return context


class InitiativeListView(FilteredListMixin, ListView):
    template_name = "initiatives/initiative_list.html"
    context_object_name = "initiatives"
    paginate_by = 20
    filterset_class = InitiativeFilter

    def get_base_queryset(self):
        return Initiative.objects.published()

    def get_queryset(self):
        # The rows' sectors, provinces and partners are loaded by list_rows
        # for the rows it has not kept rendered.
        return self.filterset.qs

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        # The facets' total is the list's count: no COUNT query of its own.
        paginator.count = self.counted["total"]
        return paginator

    def get_context_data(self, **kwargs):
        filterset, path, params = self.filterset, self.request.path, self.params
        language = get_language()
        # Before the paginator, which takes its count from here.
        self.counted = facets.counted(filterset, language)
        context = super().get_context_data(**kwargs)
        version = page_cache.request_version(self.request)
        # Built only when the template's {% cache %} of the sidebar or the
        # map misses: both are a function of the version, the language and
        # the parameters but the page, so every page of a filter set and
        # ordering shares them.
        facet_list = SimpleLazyObject(
            lambda: facets.initiative_facets(filterset, path, params, self.counted)
        )
        context.update(
            rows=self.page_rows(context["page_obj"], version, language),
            facets=facet_list,
            province_map=SimpleLazyObject(lambda: province_map.from_facets(facet_list)),
            fragments=page_cache.fragment_key(self.request, params),
            active_filters=facets.active_filters(filterset, path, params, language),
            hidden_filters=facets.hidden_filters(filterset),
            export_query=facets.link("", params, set_values={"ordering": None}),
            licence_name=settings.DATA_LICENCE_NAME,
            licence_url=settings.DATA_LICENCE_URL,
        )
        return context

    def page_rows(self, page, version, language):
        """The page's rendered rows; which initiatives it holds is kept per
        content version and canonical request, unless they are ordered by
        reads."""
        by_reads = self.filterset.form.cleaned_data.get("ordering") == "-hits"
        key = None
        if version is not None and not by_reads:
            key = "ids:" + page_cache.cache_key(self.request, version)
        return list_rows.page_rows(page.object_list, key, version, language)


class InitiativeDetailView(DetailView):
    context_object_name = "initiative"

    def get(self, request, *args, **kwargs):
        # The page depends on nothing but the content, its slug and the
        # language, its read count and reads over time being put in per
        # request (put_read_count): its body is kept per content version,
        # with the page cache on or off.
        seconds = settings.INITIATIVE_BODY_CACHE_SECONDS
        key = None
        if seconds > 0 and page_cache.is_cacheable(request):
            version = page_cache.request_version(request)
            if version is not None:
                key = f"initiative{BODY_LAYOUT}:{version}:{get_language()}:"
                key += kwargs["slug"]
        return page_cache.served(
            key,
            seconds,
            lambda: super(InitiativeDetailView, self).get(request, *args, **kwargs),
        )

    def get_queryset(self):
        user = getattr(self.request, "user", None)
        return Initiative.objects.visible_to(user).prefetch_related(
            "sectors",
            "provinces",
            _partnerships_with_institutions(),
            # Each link with its "may not work" mark, in the same query.
            Prefetch(
                "links",
                queryset=Link.objects.annotate(marked_broken=link_marked_broken()),
            ),
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The read count goes in on every request, fresh or cached
        # (put_read_count); the count just loaded holds for this render only.
        response.fill_args = {"initiative_id": self.object.pk}
        response.fill_args_now = {"hit_count": self.object.hit_count}
        if not self.object.is_published:
            # An editor's preview of a draft: kept by no cache (page_cache.py
            # never stores a no-store answer, nor may a proxy), read by nobody
            # else, and it counts no read.
            add_never_cache_headers(response)
            response.fill_args_now["draft"] = True
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.object
        context.update(
            sectors=[
                (sector, translated(sector, "name"))
                for sector in initiative.sectors.all()
            ],
            partners_by_role=initiative.partners_by_role(),
            related=self.related(initiative),
        )
        user = getattr(self.request, "user", None)
        if user is not None and user.is_staff:
            context["edit_url"] = reverse(
                "admin:initiatives_initiative_change", args=[initiative.pk]
            )
        return context

    def related(self, initiative):
        """Published initiatives sharing a sector or province, most shared first."""
        sector_ids = [s.pk for s in initiative.sectors.all()]
        province_ids = [p.pk for p in initiative.provinces.all()]
        return Initiative.objects.published().sharing_with(
            initiative,
            sector_ids=sector_ids,
            province_ids=province_ids,
            limit=RELATED_LENGTH,
        )


def put_read_count(request, content, *, initiative_id, hit_count=None, draft=False):
    """The initiative page with its read count and its reads over time,
    counting this read if it counts (page_cache.cached_page's ``fill``); a
    draft's preview counts none."""
    if not draft:
        hit_count = hits.read_count(request, initiative_id, hit_count=hit_count)
    count = render_to_string("includes/read_count.html", {"hit_count": hit_count})
    content = content.replace(READ_COUNT_MARKER, count.encode(), 1)
    # After the read is counted, so that the chart includes it; a draft has
    # been read by no one.
    chart = "" if draft else reads_chart.rendered(initiative_id)
    return content.replace(READS_CHART_MARKER, chart.encode(), 1)


class InstitutionListView(FilteredListMixin, ListView):
    template_name = "initiatives/institution_list.html"
    context_object_name = "institutions"
    paginate_by = 50
    filterset_class = InstitutionFilter

    def get_base_queryset(self):
        return Institution.objects.annotate(
            initiative_count=Count(
                "partnerships__initiative",
                filter=Q(partnerships__initiative__in=Initiative.objects.published()),
                distinct=True,
            )
        ).order_by("sort_key", "id")

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        path, params = self.request.path, self.params
        context.update(
            kinds=facets.institution_kinds(self.filterset, path, params),
            all_kinds_url=facets.link(path, params, set_values={"kind": None}),
        )
        return context


class InstitutionDetailView(DetailView):
    context_object_name = "institution"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A merged institution's address: the kept one's page.
            kept = FormerInstitutionSlug.current_institution(kwargs["slug"])
            if kept is None:
                raise
            return HttpResponsePermanentRedirect(kept.get_absolute_url())

    def get_queryset(self):
        return Institution.objects.annotate(
            website_marked_broken=link_marked_broken("website")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partnerships = list(Partnership.objects.of_published_by_title(self.object))
        context["initiatives_by_role"] = Partnership.by_role(
            partnerships, item=lambda partnership: partnership.initiative
        )
        context["initiative_total"] = len({p.initiative_id for p in partnerships})
        return context


def healthz(request):
    # Every database: on SQLite the hit tables' own file too (routers.py).
    try:
        for database in connections.all():
            with database.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        response = HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
        response["Retry-After"] = "60"
        return response
    return HttpResponse("ok\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def bad_request(request, exception):
    # Rendered without the request's context processors: the request may be
    # what is wrong (a disallowed Host header, which any use of the host, such
    # as the language links' absolute URLs, would raise again as a 500).
    try:
        return HttpResponseBadRequest(loader.get_template("400.html").render())
    except Exception:  # noqa: BLE001 - the error page must never fail in turn
        return HttpResponseBadRequest(
            "Bad request.\n", content_type="text/plain; charset=utf-8"
        )


def server_error(request):
    # Rendered without the request's context processors or any query: the
    # database may be what failed (Django's own handler does the same).
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # noqa: BLE001 - the error page must never fail in turn
        return HttpResponseServerError(
            "Server error. Please try again later.\n",
            content_type="text/plain; charset=utf-8",
        )
