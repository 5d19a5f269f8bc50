from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from .admin_deletes import VersionedDeleteAdmin
from .admin_versions import VersionedFormAdmin, VersionHistoryAdmin
from .institution_admin import InstitutionPagesMixin
from .link_health.admin import (
    InitiativeBrokenLinksFilter,
    LinkStateMixin,
    WebsiteStateMixin,
)
from .models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    Province,
    RevisionOrigin,
    Sector,
)
from .transfer import InitiativeResource, InstitutionResource, SectorResource
from .transfer.admin import RegistryImportExportAdmin
from .translation import missing_translation
from .versions import keep_baseline, save_revision

TRANSLATED_MODELS = (Initiative, Institution, Sector)


class MissingTranslationFilter(admin.SimpleListFilter):
    """Records with a text in one language and none in the other."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("tr", _("missing Turkish")), ("en", _("missing English"))]

    def queryset(self, request, queryset):
        if self.value() in {code for code, _name in settings.LANGUAGES}:
            return queryset.filter(missing_translation(queryset.model, self.value()))
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    """Records whose facts are due for checking (InitiativeQuerySet)."""

    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("due", _("not verified in the last 12 months")),
            ("never", _("never verified")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.verification_due()
        if self.value() == "never":
            return queryset.never_verified()
        return queryset


def missing_translation_counts():
    """[{model, language, count, url}] for the admin index, one query per model."""
    rows = []
    languages = dict(settings.LANGUAGES)
    for model in TRANSLATED_MODELS:
        counts = model.objects.aggregate(
            **{
                code: Count("pk", filter=missing_translation(model, code))
                for code in languages
            }
        )
        changelist = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        )
        rows += [
            {
                "model": model._meta.verbose_name_plural,
                "language": languages[code],
                "count": counts[code],
                "url": f"{changelist}?{MissingTranslationFilter.parameter_name}={code}",
            }
            for code in languages
            if counts[code]
        ]
    return rows


class BothLanguagesAdmin(TranslationAdmin):
    """Each translated field once per language (title [tr], title [en]).

    None of them is required on its own, as modeltranslation would make the
    Turkish one: the model asks for a title (name) in at least one language.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and hasattr(db_field, "translated_field"):
            field.required = False
        return field


class FoldedSearchMixin:
    """Admin search that ignores case and Turkish diacritics ("izmir" finds "İzmir"),
    by the models' own ``QuerySet.search()``."""

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False


@admin.register(Sector)
class SectorAdmin(
    VersionedDeleteAdmin,
    VersionedFormAdmin,
    FoldedSearchMixin,
    BothLanguagesAdmin,
    RegistryImportExportAdmin,
):
    resource_classes = [SectorResource]
    list_display = ("name_tr", "name_en", "slug", "initiative_count")
    list_filter = (MissingTranslationFilter,)
    search_fields = ("name", "slug", "keywords")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        # GROUP BY queries drop Meta.ordering: keep the Turkish order explicitly.
        return (
            super()
            .get_queryset(request)
            .annotate(_initiative_count=Count("initiatives"))
            .order_by("sort_key", "name")
        )

    @admin.display(description=_("initiatives"), ordering="_initiative_count")
    def initiative_count(self, obj):
        return obj._initiative_count


@admin.register(Province)
class ProvinceAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "plate_code", "slug")
    search_fields = ("name", "slug")
    ordering = ("plate_code",)

    # The 81 provinces ship with the product: nobody adds or deletes them here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Institution)
class InstitutionAdmin(
    InstitutionPagesMixin,
    WebsiteStateMixin,
    VersionedDeleteAdmin,
    VersionedFormAdmin,
    FoldedSearchMixin,
    BothLanguagesAdmin,
    RegistryImportExportAdmin,
):
    resource_classes = [InstitutionResource]
    list_display = ("name_tr", "name_en", "acronym", "kind", "country", "slug")
    list_filter = (MissingTranslationFilter, "kind", "country")
    search_fields = ("name", "acronym", "slug", "other_names")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("merge",)


class PartnershipInline(admin.TabularInline):
    model = Partnership
    autocomplete_fields = ("institution",)
    fields = ("institution", "role", "position")
    extra = 1


class LinkInline(LinkStateMixin, admin.TabularInline):
    model = Link
    fields = ("url", "title", "kind", "position", "link_state")
    readonly_fields = ("link_state",)
    extra = 1


@admin.register(Initiative)
class InitiativeAdmin(
    VersionHistoryAdmin,
    FoldedSearchMixin,
    BothLanguagesAdmin,
    RegistryImportExportAdmin,
):
    resource_classes = [InitiativeResource]
    list_display = (
        "number",
        "title",
        "start_year",
        "sector_list",
        "province_list",
        "hit_count",
        "last_verified",
        "is_published",
    )
    list_display_links = ("number", "title")
    list_filter = (
        "is_published",
        VerificationFilter,
        InitiativeBrokenLinksFilter,
        MissingTranslationFilter,
        "status",
        "sectors",
        "provinces",
        "start_year",
    )
    search_fields = ("title", "slug", "summary")
    autocomplete_fields = ("sectors", "provinces")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("hit_count", "created_at", "updated_at")
    inlines = (PartnershipInline, LinkInline)
    actions = ("publish", "unpublish", "mark_verified")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("number", "title", "slug", "summary", "description")}),
        (_("When and where"), {"fields": ("start_year", "end_year", "status", "sectors", "provinces", "other_regions")}),
        (
            _("Budget and size"),
            {
                "fields": (
                    "budget_amount",
                    "budget_currency",
                    "duration_months",
                    "member_firms",
                    "solution_partners",
                    "support_programme",
                )
            },
        ),
        (
            _("Source and publication"),
            {"fields": ("source", "last_verified", "is_published", "date_added")},
        ),
        (_("Record"), {"fields": ("hit_count", "created_at", "updated_at")}),
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors", "provinces")

    @admin.display(description=_("sectors"))
    def sector_list(self, obj):
        return ", ".join(str(sector) for sector in obj.sectors.all())

    @admin.display(description=_("provinces"))
    def province_list(self, obj):
        return ", ".join(province.name for province in obj.provinces.all())

    def _set_published(self, request, queryset, published):
        changed = queryset.exclude(is_published=published)
        objects = list(changed)
        keep_baseline(objects)  # version history: the state before, if the first
        count = changed.update(is_published=published, updated_at=timezone.now())
        message = _("Published.") if published else _("Unpublished.")
        # Version history (issue 13): one revision for the action.
        for obj in objects:
            obj.is_published = published
        save_revision(
            objects,
            how=RevisionOrigin.How.ACTION,
            user=request.user,
            detail="publish" if published else "unpublish",
        )
        for obj in objects:
            self.log_change(request, obj, str(message))
        return count

    @admin.action(description=_("Publish selected initiatives"), permissions=["change"])
    def publish(self, request, queryset):
        count = self._set_published(request, queryset, True)
        self.message_user(
            request,
            ngettext(
                "%(count)d initiative was published.",
                "%(count)d initiatives were published.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected initiatives"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = self._set_published(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d initiative was unpublished.",
                "%(count)d initiatives were unpublished.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as verified today"), permissions=["change"])
    def mark_verified(self, request, queryset):
        today = timezone.localdate()
        objects = list(queryset)
        keep_baseline(objects)  # version history: the state before, if the first
        # Checking the facts changes none of them: updated_at stays.
        count = queryset.update(last_verified=today)
        message = _("Verified on %(date)s.") % {"date": date_format(today)}
        for obj in objects:
            obj.last_verified = today
        save_revision(
            objects, how=RevisionOrigin.How.ACTION, user=request.user, detail="verified"
        )
        for obj in objects:
            self.log_change(request, obj, str(message))
        self.message_user(
            request,
            ngettext(
                "%(count)d initiative was marked as verified today.",
                "%(count)d initiatives were marked as verified today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
