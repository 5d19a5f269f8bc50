"""The admin's import and export buttons, on django-import-export's admin.

What differs from the library's defaults (issue 4): the file's format and
encoding are detected instead of asked; the preview and the confirm step are
both all or nothing (``planner.py``); the pending file waits in the database
that every app server shares; a pending file that is gone means "upload
again", never a 500; the export keeps the whole column layout (no column
picker), so it can be imported back.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ExportForm
from import_export.signals import post_import
from import_export.tmp_storages import BaseStorage

from ..models import PendingImport
from .conflicts import OVERWRITE, SKIP
from .files import export_file, import_file
from .readers import ImportFileError, check_size
from .writers import export_filename

# The export form offers these; the file itself is written by ``export_file``
# (the library uses a format only for its title, extension and content type).
EXPORT_FORMATS = [base_formats.CSV, base_formats.XLSX, base_formats.JSON]


class PendingImportMissing(Exception):
    """The file kept between preview and confirm is gone (expired or used)."""


class ImportFileForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("File to import"),
        help_text=gettext_lazy(
            "CSV (comma or semicolon, UTF-8 or Windows-1254, as Excel saves it) or "
            "an Excel workbook (.xlsx). Nothing is written before you confirm."
        ),
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ConfirmImportForm(forms.Form):
    import_file_name = forms.CharField(widget=forms.HiddenInput, max_length=64)
    original_file_name = forms.CharField(
        widget=forms.HiddenInput, max_length=255, required=False
    )
    # Issue 13 (conflicts.py): shown only when the preview found conflicts.
    overwrite_newer = forms.BooleanField(
        label=gettext_lazy("Overwrite newer changes"),
        help_text=gettext_lazy(
            "Also write the rows listed as conflicts, replacing what was changed "
            "in the registry since the file was exported (the replaced values "
            "stay in each initiative's history)."
        ),
        required=False,
    )

    def __init__(self, *args, conflicts=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not conflicts:
            self.fields["overwrite_newer"].widget = forms.HiddenInput()


class RegistryImportExportAdmin(ImportExportModelAdmin):
    import_template_name = "admin/initiatives/import.html"
    # Ours, not the library's: see the template's comment.
    export_template_name = "admin/initiatives/export.html"
    # The whole layout or nothing: a file with columns left out would not
    # import back the same.
    export_form_class = ExportForm

    # Only the export form offers formats: the import detects the file's.
    export_formats = EXPORT_FORMATS

    def resource(self, request):
        return self.get_import_resource_classes(request)[0]

    def get_export_filename(self, request, queryset, file_format):
        return export_filename(
            file_format=file_format.get_extension(), name=f"{self.opts.model_name}s"
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource_class = self.choose_export_resource_class(
            kwargs.get("export_form"), request
        )
        return export_file(
            resource_class=resource_class,
            queryset=queryset,
            file_format=file_format.get_extension(),
        )

    def _import_context(self, request, **extra):
        context = self.admin_site.each_context(request)
        context.update(
            title=_("Import: %(name)s")
            % {"name": capfirst(self.opts.verbose_name_plural)},
            opts=self.opts,
            columns=self.resource(request).column_names(),
            max_mb=f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024:.0f}",
            **extra,
        )
        return context

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportFileForm(request.POST or None, request.FILES or None)
        context = {"form": form}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            data = upload.read()
            result = import_file(
                data=data,
                file_name=upload.name,
                resource_class=self.resource(request),
                dry_run=True,
            )
            if result.file_error:
                form.add_error("import_file", result.file_error)
            else:
                context["result"] = result
                if not result.has_errors():
                    storage = self.get_tmp_storage_class()(
                        user=request.user, file_name=upload.name
                    )
                    storage.save(data)
                    context["confirm_form"] = ConfirmImportForm(
                        conflicts=bool(result.conflicts),
                        initial={
                            "import_file_name": storage.name,
                            "original_file_name": upload.name,
                        },
                    )
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            [self.import_template_name],
            self._import_context(request, **context),
        )

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        import_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_import",
            current_app=self.admin_site.name,
        )
        form = ConfirmImportForm(request.POST)
        gone = _(
            "The file to import is no longer here (it was already imported, or "
            "waited too long). Nothing was written. Upload the file again."
        )
        if not form.is_valid():
            messages.error(request, gone)
            return HttpResponseRedirect(import_url)
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"], user=request.user
        )
        try:
            data = storage.read()
        except PendingImportMissing:
            messages.error(request, gone)
            return HttpResponseRedirect(import_url)
        result = import_file(
            data=data,
            file_name=form.cleaned_data["original_file_name"],
            resource_class=self.resource(request),
            dry_run=False,
            user=request.user,
            on_conflict=OVERWRITE if form.cleaned_data["overwrite_newer"] else SKIP,
        )
        storage.remove()
        if result.has_errors():
            # The registry changed since the preview in a way that makes the
            # file wrong now: nothing was written; show why.
            context = {"form": ImportFileForm(), "result": result}
            if result.file_error:
                context["file_error"] = result.file_error
            return TemplateResponse(
                request,
                [self.import_template_name],
                self._import_context(request, **context),
            )
        post_import.send(sender=None, model=self.model)
        counts = result.counts
        messages.success(
            request,
            _(
                "Import finished: %(new)s new, %(changed)s changed, %(unchanged)s "
                "unchanged %(name)s."
            )
            % {**counts, "name": self.opts.verbose_name_plural},
        )
        if result.conflicts:
            count = len(result.conflicts)
            if form.cleaned_data["overwrite_newer"]:
                message = ngettext(
                    "%(count)s row changed in the registry since the file was "
                    "exported was overwritten; its history keeps the old values.",
                    "%(count)s rows changed in the registry since the file was "
                    "exported were overwritten; their history keeps the old values.",
                    count,
                )
            else:
                message = ngettext(
                    "%(count)s row changed in the registry since the file was "
                    "exported was left untouched.",
                    "%(count)s rows changed in the registry since the file was "
                    "exported were left untouched.",
                    count,
                )
            messages.warning(request, message % {"count": count})
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                current_app=self.admin_site.name,
            )
        )


class DatabaseStorage(BaseStorage):
    """Keeps the uploaded file in the database, which every app server shares.

    ``IMPORT_EXPORT_TMP_STORAGE_CLASS`` points here. A file older than
    ``IMPORT_PENDING_SECONDS`` counts as gone; reading a gone file raises
    ``PendingImportMissing`` so the admin can say "upload the file again".
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self.file_name = kwargs.get("file_name", "")

    def _fresh(self):
        max_age = settings.IMPORT_PENDING_SECONDS
        return PendingImport.objects.filter(
            created_at__gte=timezone.now() - datetime.timedelta(seconds=max_age)
        )

    def save(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        max_age = settings.IMPORT_PENDING_SECONDS
        PendingImport.objects.filter(
            created_at__lt=timezone.now() - datetime.timedelta(seconds=max_age)
        ).delete()
        pending = PendingImport.objects.create(
            data=data,
            file_name=self.file_name[:255],
            user=self.user if getattr(self.user, "pk", None) else None,
        )
        self.name = pending.key

    def read(self):
        qs = self._fresh().filter(key=self.name)
        if self.user is not None:
            qs = qs.filter(user=self.user)
        data = qs.values_list("data", flat=True).first()
        if data is None:
            raise PendingImportMissing(self.name)
        return bytes(data)

    def remove(self):
        PendingImport.objects.filter(key=self.name).delete()
