from django.urls import path

from . import downloads, site_pages, statistics, views
from .feeds import InitiativeFeed
from .page_cache import cached_page

app_name = "initiatives"

urlpatterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path(
        "initiatives/",
        cached_page(views.InitiativeListView.as_view()),
        name="initiative_list",
    ),
    path(
        "initiatives/export.csv",
        downloads.export_csv,
        name="initiative_export_csv",
    ),
    path(
        "initiatives/export-excel.csv",
        downloads.export_excel_csv,
        name="initiative_export_excel_csv",
    ),
    path(
        "initiatives/export.xlsx",
        downloads.export_xlsx,
        name="initiative_export_xlsx",
    ),
    path(
        "initiatives/export.json",
        downloads.export_json,
        name="initiative_export_json",
    ),
    # Before initiatives/<slug:slug>/, so no slug can ever shadow it.
    path(
        "initiatives/feed.atom",
        cached_page(InitiativeFeed()),
        name="initiative_feed",
    ),
    path(
        "initiatives/<slug:slug>/",
        cached_page(views.InitiativeDetailView.as_view(), fill=views.put_read_count),
        name="initiative_detail",
    ),
    path(
        "institutions/",
        cached_page(views.InstitutionListView.as_view()),
        name="institution_list",
    ),
    path(
        "institutions/<slug:slug>/",
        cached_page(views.InstitutionDetailView.as_view()),
        name="institution_detail",
    ),
    path("about/", cached_page(site_pages.AboutView.as_view()), name="about"),
    path(
        "statistics/",
        cached_page(statistics.StatisticsView.as_view()),
        name="statistics",
    ),
    path(
        "statistics/<slug:name>.csv",
        statistics.statistics_csv,
        name="statistics_csv",
    ),
]
