from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.generic import DetailView, ListView, TemplateView

from .models import Initiative, Institution


class HomeView(TemplateView):
    template_name = "initiatives/home.html"


class InitiativeListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Initiative.objects.published().prefetch_related("sectors", "provinces")


class InitiativeDetailView(DetailView):
    def get_queryset(self):
        return Initiative.objects.published()


class InstitutionListView(ListView):
    model = Institution


class InstitutionDetailView(DetailView):
    model = Institution


def initiative_export_csv(request):
    return HttpResponse("", content_type="text/csv")


def initiative_export_json(request):
    return JsonResponse([], safe=False)


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
