"""The institutions' admin pages that are about their initiatives: merging
duplicates (institution_merge.py does the work) and undoing a merge
(merge_undo.py), listed on the kept institution's history page, and a delete
page that names the initiatives an institution takes part in."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import merge_undo
from .institution_merge import merge_institutions
from .models import Initiative, InstitutionMerge, Partnership


def initiatives_of(institutions):
    """[(initiative, [role labels])] of these institutions, in list order
    (one query)."""
    partnerships = (
        Partnership.objects.filter(institution__in=institutions)
        .select_related("initiative")
        .order_by("initiative__title_sort_key", "initiative_id", "position", "pk")
    )
    found = {}
    for partnership in partnerships:
        _initiative, roles = found.setdefault(
            partnership.initiative_id, (partnership.initiative, [])
        )
        label = str(partnership.get_role_display())
        if label not in roles:
            roles.append(label)
    return list(found.values())


class InstitutionPagesMixin:
    delete_confirmation_template = (
        "admin/initiatives/institution/delete_confirmation.html"
    )

    def get_deleted_objects(self, objs, request):
        """The delete page lists the initiatives an institution takes part in
        (which keep it from being deleted) instead of one "partnership" line
        per role."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        if protected:
            protected = [
                format_html(
                    '{}: <a href="{}">{}</a> ({})',
                    capfirst(Initiative._meta.verbose_name),
                    reverse("admin:initiatives_initiative_change", args=[i.pk]),
                    i.title,
                    ", ".join(roles),
                )
                for i, roles in initiatives_of(objs)
            ]
        return deleted, counts, perms_needed, protected

    @admin.action(
        description=gettext_lazy("Merge selected institutions into one"),
        permissions=["change", "delete"],
    )
    def merge(self, request, queryset):
        institutions = list(queryset)
        if len(institutions) < 2:
            self.message_user(
                request,
                _("Choose at least two institutions to merge."),
                messages.WARNING,
            )
            return None
        keep_pk = request.POST.get("keep")
        keep = next((i for i in institutions if str(i.pk) == keep_pk), None)
        if keep is None:
            return self._merge_form(request, institutions)
        duplicates = [i for i in institutions if i.pk != keep.pk]
        names = ", ".join(str(d) for d in duplicates)
        with transaction.atomic():
            self.log_deletions(request, queryset.exclude(pk=keep.pk))
            counts = merge_institutions(
                keep=keep, duplicates=duplicates, user=request.user
            )
            self.log_change(
                request, keep, _("Merged into this one: %(names)s.") % {"names": names}
            )
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "%(names)s merged into %(keep)s: %(moved)d partnerships moved, "
                    "%(dropped)d that repeated a role it already had dropped."
                )
                % {"names": names, "keep": keep, **counts},
                self._undo_url(counts["merge"]),
                _("Undo this merge"),
            ),
            messages.SUCCESS,
        )
        return None

    # -- undoing a merge ------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/history/merges/<int:merge_id>/undo/",
                self.admin_site.admin_view(self.undo_merge_view),
                name=f"{opts.app_label}_{opts.model_name}_undo_merge",
            ),
            *super().get_urls(),
        ]

    def _undo_url(self, merge):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_undo_merge",
            args=[merge.survivor_id, merge.pk],
            current_app=self.admin_site.name,
        )

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        institution = getattr(response, "context_data", {}).get("object")
        if institution is not None:
            merges = InstitutionMerge.objects.filter(
                survivor=institution
            ).select_related("revision__user", "revision__origin", "undone_by")
            response.context_data["merges"] = [
                (merge, self._undo_url(merge)) for merge in merges
            ]
        return response

    def undo_merge_view(self, request, object_id, merge_id):
        if not (
            self.has_change_permission(request) and self.has_delete_permission(request)
        ):
            raise PermissionDenied
        if not object_id.isdigit():
            raise Http404
        merge = get_object_or_404(
            InstitutionMerge.objects.select_related(
                "survivor", "revision__user", "revision__origin"
            ),
            pk=merge_id,
            survivor_id=object_id,
        )
        history_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[merge.survivor_id],
            current_app=self.admin_site.name,
        )
        if request.method == "POST":
            outcome = merge_undo.undo_merge(merge=merge, user=request.user)
            self._report_undo(request, merge, outcome)
            return HttpResponseRedirect(history_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Undo a merge into %(name)s") % {"name": merge.survivor},
            "opts": self.opts,
            "original": merge.survivor,
            "merge": merge,
            "initiatives": Initiative.objects.filter(
                pk__in=[int(pk) for pk in merge.partnerships_before]
            ).order_by("title_sort_key"),
            "history_url": history_url,
        }
        return TemplateResponse(
            request, "admin/initiatives/institution/undo_merge.html", context
        )

    def _report_undo(self, request, merge, outcome):
        if outcome.status == merge_undo.ALREADY_UNDONE:
            messages.info(request, _("This merge was undone already; nothing changed."))
        elif outcome.status == merge_undo.CONFLICT:
            problems = []
            if outcome.changed:
                problems.append(
                    _("changed since the merge: %(names)s")
                    % {"names": "; ".join(outcome.changed)}
                )
            if outcome.taken:
                problems.append(
                    _("their names or addresses are used now by: %(names)s")
                    % {"names": "; ".join(outcome.taken)}
                )
            messages.error(
                request,
                _(
                    "The merge cannot be undone, so nothing was changed (undoing it "
                    "would lose or clash with later edits): %(problems)s."
                )
                % {"problems": "; ".join(problems)},
            )
        else:
            self.log_change(request, merge.survivor, _("Merge undone."))
            messages.success(
                request,
                _("The merge was undone: %(names)s are back with their partnerships.")
                % {"names": merge.revision.origin.detail},
            )

    def _merge_form(self, request, institutions):
        rows = [
            (institution, initiatives_of([institution])) for institution in institutions
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge institutions"),
            "opts": self.model._meta,
            "rows": rows,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/initiatives/institution/merge.html", context
        )
