"""What a merge of duplicate institutions leaves behind: the record that lets
it be undone, and the merged institutions' former addresses, which answer
with a redirect to the one that was kept (institution_merge.py writes both)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision

from .names import Institution


class InstitutionMerge(models.Model):
    """A merge: its revision holds the merged institutions as they were and
    the survivor and the affected initiatives after it; this row holds what
    the revision cannot (the survivor and the partnerships before)."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, related_name="merge"
    )
    survivor = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        related_name="merges",
        verbose_name=_("kept institution"),
    )
    merged = models.JSONField(default=list)  # the merged institutions' ids
    # The survivor's versioned fields before the merge.
    survivor_before = models.JSONField(default=dict)
    # {initiative id: [[institution id, role, position], ...]} before.
    partnerships_before = models.JSONField(default=dict)
    # [[former slug id, institution id]] of the merged ones' own former
    # addresses, which the merge pointed at the survivor.
    former_slugs_moved = models.JSONField(default=list)
    undone_by = models.OneToOneField(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undid_merge",
    )

    class Meta:
        verbose_name = _("institution merge")
        verbose_name_plural = _("institution merges")
        ordering = ["-pk"]

    def __str__(self):
        return self.revision.comment


class FormerInstitutionSlug(models.Model):
    """The address of an institution merged into another: its page answers
    with a permanent redirect to the institution that was kept."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="former_slugs"
    )
    merge = models.ForeignKey(
        InstitutionMerge, on_delete=models.CASCADE, related_name="former_slugs"
    )

    class Meta:
        verbose_name = _("former address of an institution")
        verbose_name_plural = _("former addresses of institutions")

    def __str__(self):
        return self.slug

    @classmethod
    def current_institution(cls, slug):
        """The institution a merged one's address now stands for, or None."""
        former = cls.objects.filter(slug=slug).select_related("institution").first()
        return former.institution if former else None
