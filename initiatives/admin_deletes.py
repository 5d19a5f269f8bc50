"""The admin's side of deleting sectors and institutions with versions
(version_deletes.py): the delete page and the "delete selected" action keep a
version of what they delete and of the initiatives it changes; a "Deleted"
page lists the deleted records and recovers one on a POST."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import version_deletes
from .version_history import how_of


class VersionedDeleteAdmin:
    # Wrapped by django-import-export's own change list (its buttons).
    change_list_template = "admin/initiatives/change_list_recoverable.html"

    def delete_model(self, request, obj):
        version_deletes.delete_keeping_versions([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        version_deletes.delete_keeping_versions(queryset, user=request.user)

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{opts.app_label}_{opts.model_name}_deleted",
            ),
            *super().get_urls(),
        ]

    def deleted_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted",
            current_app=self.admin_site.name,
        )
        versions = version_deletes.deleted_versions(self.model)
        if request.method == "POST":
            chosen = request.POST.get("version", "")
            version = versions.filter(pk=chosen).first() if chosen.isdigit() else None
            if version is None:
                raise Http404
            self._report(
                request, version_deletes.recover(version=version, user=request.user)
            )
            return HttpResponseRedirect(url)
        rows = [(version, *how_of(version.revision)) for version in versions[:200]]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted %(things)s")
            % {"things": self.opts.verbose_name_plural},
            "opts": self.opts,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/initiatives/deleted.html", context)

    def _report(self, request, outcome):
        if outcome.status == version_deletes.EXISTS:
            messages.info(request, _("It exists already; nothing changed."))
        elif outcome.status == version_deletes.TAKEN:
            messages.error(
                request,
                _(
                    "It cannot be recovered, so nothing was changed: its name or "
                    "address is used now by %(names)s."
                )
                % {"names": "; ".join(outcome.taken)},
            )
        else:
            self.log_addition(request, outcome.record, _("Recovered."))
            count = len(outcome.initiatives)
            messages.success(
                request,
                ngettext(
                    "%(name)s was recovered, linked again to %(count)d initiative.",
                    "%(name)s was recovered, linked again to %(count)d initiatives.",
                    count,
                )
                % {"name": outcome.record, "count": count},
            )
