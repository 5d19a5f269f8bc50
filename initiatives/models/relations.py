"""What ties an initiative to others: its partnerships with institutions
(with their roles) and its links."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import HttpURLField
from .names import Institution
from .querysets import (
    PartnershipQuerySet,
)


class Partnership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        COORDINATOR = "coordinator", _("coordinator")
        SUPERVISOR = "supervisor", _("supervisor")
        PARTNER = "partner", _("partner")
        FUNDER = "funder", _("funder")

    initiative = models.ForeignKey(
        "Initiative",
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("initiative"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("institution"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role, default=Role.PARTNER
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "institution", "role"],
                name="partnership_unique_role",
                violation_error_message=_(
                    "This institution already has this role here."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.institution} ({self.get_role_display()})"

    @classmethod
    def by_role(cls, partnerships, item=lambda partnership: partnership):
        """[(role label, [item(p), ...])] grouped by role, roles in the order of
        ``Role`` (lead first), each group in the order given."""
        groups = {}
        for partnership in partnerships:
            groups.setdefault(partnership.role, []).append(item(partnership))
        return [
            (label, groups[value])
            for value, label in cls.Role.choices
            if value in groups
        ]


class Link(models.Model):
    class Kind(models.TextChoices):
        WEBSITE = "website", _("website")
        MORE_INFORMATION = "more_information", _("more information")
        REPORT = "report", _("report")
        NEWS = "news", _("news")

    initiative = models.ForeignKey(
        "Initiative",
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("initiative"),
    )
    url = HttpURLField(_("web address"), max_length=500)
    title = models.CharField(_("title"), max_length=255, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.WEBSITE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title or self.url
