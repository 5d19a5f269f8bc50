"""The admin's side of the version history.

``VersionedFormAdmin``: every save of the change form is a revision (reversion's
``create_revision``, who and "admin form"); the record is added again after its
inlines and many-to-many fields are saved, so the version holds them.

``VersionHistoryAdmin``: the history page lists the initiative's versions
(``version_history.py``) and each links to a confirmation page whose POST
restores it (``version_restore.py``). The confirmation carries the id of the
latest version the editor saw, so a save by someone else in between is a
conflict, never lost.
"""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import version_restore
from .version_history import Names, current_fields, differences, history, how_of
from .version_reads import versions_of
from .versions import fields_of, form_revision, keep_baseline, latest_version_id


class VersionedFormAdmin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with form_revision(request.user):
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if obj is not None:
                keep_baseline([obj])  # the state before this save, if the first
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if reversion.is_active():
            # Again, now with its sectors, partners and links as saved.
            reversion.add_to_revision(form.instance)


class VersionHistoryAdmin(VersionedFormAdmin):
    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{opts.app_label}_{opts.model_name}_restore",
            ),
            *super().get_urls(),
        ]

    def _history_url(self, obj):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "original": obj,
            "app_label": self.opts.app_label,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "has_change_permission": self.has_change_permission(request, obj),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries, _current = history(obj)
        latest = entries[0].version.pk if entries else ""
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/initiatives/initiative/versions.html",
            self._context(
                request,
                obj,
                title=_("History: %(name)s") % {"name": obj},
                entries=entries,
                latest=latest,
            ),
        )

    def restore_view(self, request, object_id, version_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = versions_of(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404
        history_url = self._history_url(obj)
        if request.method == "POST":
            return self._restore(request, obj, version, history_url)
        current = current_fields(obj)
        old = fields_of(version)
        names = Names.load([old, current])
        how, detail = how_of(version.revision)
        seen = request.GET.get("seen", str(latest_version_id(obj) or ""))
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/initiatives/initiative/restore_version.html",
            self._context(
                request,
                obj,
                title=_("Restore a version of %(name)s") % {"name": obj},
                version=version,
                how=how,
                detail=detail,
                differences=differences(current, old, names),
                seen=seen,
                history_url=history_url,
            ),
        )

    def _restore(self, request, obj, version, history_url):
        seen = request.POST.get("seen", "")
        try:
            seen_latest = int(seen) if seen else None
        except ValueError:
            seen_latest = -1  # never a version id: a conflict
        outcome = version_restore.restore(
            initiative=obj, version=version, user=request.user, seen_latest=seen_latest
        )
        if outcome.status == version_restore.CONFLICT:
            messages.error(
                request,
                _(
                    "Someone changed this initiative since you opened its history; "
                    "nothing was restored. Their change is listed below: look at it "
                    "and restore again if you still want to."
                ),
            )
        elif outcome.status == version_restore.UNCHANGED:
            messages.info(
                request,
                _("The initiative already is as in that version; nothing changed."),
            )
        elif outcome.status == version_restore.INVALID:
            messages.error(
                request,
                _("That version cannot be restored now: %(problems)s")
                % {"problems": " ".join(outcome.problems)},
            )
        else:
            messages.success(request, _("The version was restored."))
            if outcome.missing:
                messages.warning(
                    request,
                    _("Deleted since that version, so not restored: %(names)s.")
                    % {"names": "; ".join(outcome.missing)},
                )
        return HttpResponseRedirect(history_url)
