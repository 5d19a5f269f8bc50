"""Keep the search text right after ORM saves, deletes and relation changes.

Admin forms, inlines, fixtures and the shell write through ``save()``,
``delete()`` and the many-to-many managers; these receivers hand the
initiatives concerned to the one refresh in search.py. Multi-row writes
(``QuerySet.update()``, bulk writes) are kept right by the QuerySets in
models/querysets.py.

One more: an initiative's hit rows go with it (``initiative_deleted``), since
on SQLite they live in another database that no constraint reaches.
"""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from . import search
from .models import (
    DailyHit,
    Initiative,
    Institution,
    NameSlugModel,
    Partnership,
    Province,
    ReadCount,
    Sector,
)


@receiver(pre_save, sender=Initiative)
def initiative_raw_save(sender, instance, raw, **kwargs):
    # Fixture loading bypasses Initiative.save(): keep the counted hits and
    # fill the derived columns here instead.
    if not raw:
        return
    current = Initiative.objects.filter(pk=instance.pk).values_list(
        "hit_count", flat=True
    )
    instance.hit_count = current[0] if current else 0
    instance.fill_derived_fields()


@receiver(pre_save)
def name_slug_raw_save(sender, instance, raw, **kwargs):
    if raw and isinstance(instance, NameSlugModel):
        instance.fill_derived_fields()


@receiver(m2m_changed, sender=Initiative.sectors.through)
@receiver(m2m_changed, sender=Initiative.provinces.through)
def initiative_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # clear() from the sector/province side: remember what it had.
        instance._cleared_initiative_pks = list(
            instance.initiatives.values_list("pk", flat=True)
        )
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        search.refresh_search_text([instance.pk])
    elif action == "post_clear":
        search.refresh_search_text(instance.__dict__.pop("_cleared_initiative_pks", []))
    else:
        search.refresh_search_text(pk_set or [])


@receiver(pre_save, sender=Partnership)
def partnership_moving(sender, instance, raw, **kwargs):
    # A partnership moved to another initiative leaves the old one's text.
    if instance.pk and not raw:
        instance._old_initiative_ids = list(
            Partnership.objects.filter(pk=instance.pk).values_list(
                "initiative_id", flat=True
            )
        )


@receiver(post_save, sender=Partnership)
@receiver(post_delete, sender=Partnership)
def partnership_changed(sender, instance, **kwargs):
    search.refresh_search_text(
        [instance.initiative_id, *getattr(instance, "_old_initiative_ids", [])]
    )


@receiver(post_save, sender=Sector)
@receiver(post_save, sender=Province)
@receiver(post_save, sender=Institution)
def name_changed(sender, instance, created, raw, **kwargs):
    if not created:
        search.refresh_search_text(instance.initiatives.values_list("pk", flat=True))


@receiver(pre_delete, sender=Sector)
@receiver(pre_delete, sender=Province)
def name_deleting(sender, instance, **kwargs):
    # The through rows go without an m2m_changed signal: remember whom to refresh.
    instance._initiative_pks = list(instance.initiatives.values_list("pk", flat=True))


@receiver(post_delete, sender=Sector)
@receiver(post_delete, sender=Province)
def name_deleted(sender, instance, **kwargs):
    search.refresh_search_text(getattr(instance, "_initiative_pks", []))


@receiver(post_delete, sender=Initiative)
def initiative_deleted(sender, instance, **kwargs):
    DailyHit.objects.filter(initiative_id=instance.pk).delete()
    ReadCount.objects.filter(initiative_id=instance.pk).delete()
