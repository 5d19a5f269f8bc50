"""How a revision of the version history was made (django-reversion's meta
model): the admin form, an admin action, an import (with its file name), a
restore (with the version it brought back), a merge of institutions and its
undoing, a deletion and a recovery. Who and when are the revision's
own ``user`` and ``date_created``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision


class RevisionOrigin(models.Model):
    class How(models.TextChoices):
        FORM = "form", _("admin form")
        ACTION = "action", _("admin action")
        IMPORT = "import", _("import")
        RESTORE = "restore", _("restore")
        # The record as it was before its first change was kept: without it
        # the first change of a record made before the history began (the
        # seed, an older database) could not be undone.
        BASELINE = "baseline", _("before the first change")
        MERGE = "merge", _("merge of institutions")
        UNDO_MERGE = "undo_merge", _("merge undone")
        DELETE = "delete", _("deletion")
        RECOVER = "recover", _("recovery of a deleted record")

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, related_name="origin"
    )
    how = models.CharField(_("how"), max_length=10, choices=How)
    # The import's file name, the action's name, or the restored version's id.
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("revision origin")
        verbose_name_plural = _("revision origins")

    def __str__(self):
        return f"{self.get_how_display()} {self.detail}".strip()
