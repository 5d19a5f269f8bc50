from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative_list"),
    path(
        "initiatives/export.csv",
        views.initiative_export_csv,
        name="initiative_export_csv",
    ),
    path(
        "initiatives/export.json",
        views.initiative_export_json,
        name="initiative_export_json",
    ),
    path(
        "initiatives/<slug:slug>/",
        views.InitiativeDetailView.as_view(),
        name="initiative_detail",
    ),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path(
        "institutions/<slug:slug>/",
        views.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
]
