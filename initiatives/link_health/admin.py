"""The link checker's results in the admin: the list of checks with a
"broken" filter, the count on the admin index, each link's state in an
initiative's form, and the initiatives' "broken links" filter."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import LinkCheck
from . import records

CHECK_COLUMNS = ("status", "error", "checked_at", "broken_since")


def with_check(queryset, url_field="url"):
    """``queryset`` with its address's last check as ``check_status``,
    ``check_error``, ``check_checked_at`` and ``check_broken_since`` (in the
    same query)."""
    checks = LinkCheck.objects.filter(url=OuterRef(url_field))
    return queryset.annotate(
        **{
            f"check_{column}": Subquery(checks.values(column)[:1])
            for column in CHECK_COLUMNS
        }
    )


def describe(status, error, checked_at, broken_since):
    """An address's state in a few words, for editors."""
    if checked_at is None:
        return _("not checked yet")
    answer = error or f"HTTP {status}"
    checked = date_format(timezone.localtime(checked_at), "SHORT_DATE_FORMAT")
    if broken_since is None:
        return _("works (%(answer)s), checked %(checked)s") % {
            "answer": answer,
            "checked": checked,
        }
    return _("broken since %(since)s (%(answer)s), checked %(checked)s") % {
        "since": date_format(timezone.localtime(broken_since), "SHORT_DATE_FORMAT"),
        "answer": answer,
        "checked": checked,
    }


class LinkStateMixin:
    """An inline of links that shows each link's last check."""

    @admin.display(description=_("link check"))
    def link_state(self, obj):
        if obj.pk is None:
            return ""
        return describe(
            *(getattr(obj, f"check_{column}", None) for column in CHECK_COLUMNS)
        )

    def get_queryset(self, request):
        return with_check(super().get_queryset(request))


class WebsiteStateMixin:
    """An institution's form shows its website's last check."""

    @admin.display(description=_("website check"))
    def website_state(self, obj):
        if obj is None or not obj.website:
            return "-"
        check = LinkCheck.objects.filter(url=obj.website).first()
        if check is None:
            return describe(None, "", None, None)
        return describe(check.status, check.error, check.checked_at, check.broken_since)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "website_state")


class BrokenLinkFilter(admin.SimpleListFilter):
    """Link checks by state."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("broken")),
            ("marked", _("broken for more than 14 days")),
            ("working", _("working")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "broken":
            return queryset.exclude(broken_since=None)
        if self.value() == "marked":
            return queryset.filter(marked_broken=True)
        if self.value() == "working":
            return queryset.filter(broken_since=None)
        return queryset


class InitiativeBrokenLinksFilter(admin.SimpleListFilter):
    """Initiatives with a link that the last check found broken."""

    title = _("links")
    parameter_name = "links"

    def lookups(self, request, model_admin):
        return [("broken", _("with a broken link"))]

    def queryset(self, request, queryset):
        if self.value() == "broken":
            broken = records.broken().values("url")
            return queryset.filter(links__url__in=broken).distinct()
        return queryset


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """Read only: only ``manage.py check_links`` writes checks."""

    list_display = (
        "url",
        "state",
        "status",
        "error",
        "final_url",
        "checked_at",
        "broken_since",
    )
    list_filter = (BrokenLinkFilter,)
    search_fields = ("url", "final_url")
    ordering = ("-broken_since", "url")

    @admin.display(description=_("state"))
    def state(self, obj):
        return describe(obj.status, obj.error, obj.checked_at, obj.broken_since)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def broken_link_counts():
    """For the admin index: how many addresses are broken, how many of them
    for more than 14 days, and where to see them (one query)."""
    counts = LinkCheck.objects.aggregate(
        broken=Count("pk", filter=~Q(broken_since=None)),
        marked=Count("pk", filter=Q(marked_broken=True)),
        checked=Count("pk"),
    )
    changelist = reverse("admin:initiatives_linkcheck_changelist")
    counts["url"] = f"{changelist}?{BrokenLinkFilter.parameter_name}=broken"
    return counts
