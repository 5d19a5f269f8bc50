"""The institutions' admin pages that are about their initiatives: merging
duplicates (institution_merge.py does the work) and a delete page that
names the initiatives an institution takes part in."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .institution_merge import merge_institutions
from .models import Initiative, Partnership


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
            counts = merge_institutions(keep=keep, duplicates=duplicates)
            self.log_change(
                request, keep, _("Merged into this one: %(names)s.") % {"names": names}
            )
        self.message_user(
            request,
            _(
                "%(names)s merged into %(keep)s: %(moved)d partnerships moved, "
                "%(dropped)d that repeated a role it already had dropped."
            )
            % {"names": names, "keep": keep, **counts},
            messages.SUCCESS,
        )
        return None

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
