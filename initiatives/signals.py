"""Keep the derived columns (search text, sort keys) right after every write.

Admin forms, inlines, imports, fixtures and the shell all write through the
ORM; these receivers make each of them refresh ``Initiative.search_text``
through the one QuerySet method that builds it. Bulk writers wrap their work in
``deferred_search_refresh()`` so each initiative is refreshed once at the end.
"""

import contextlib
import contextvars

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from .models import (
    Initiative,
    Institution,
    NameSlugModel,
    Partnership,
    Province,
    Sector,
)

_pending = contextvars.ContextVar("pending_search_refresh", default=None)


@contextlib.contextmanager
def deferred_search_refresh():
    """Collect the initiatives to refresh and refresh them once, on exit."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if pending:
        Initiative.objects.filter(pk__in=pending).refresh_search_text()


def refresh_initiatives(pks):
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    pending = _pending.get()
    if pending is not None:
        pending.update(pks)
    else:
        Initiative.objects.filter(pk__in=pks).refresh_search_text()


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
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        refresh_initiatives([instance.pk])
    elif pk_set:
        refresh_initiatives(pk_set)
    else:
        # clear() from the sector/province side: refresh what it had.
        refresh_initiatives(instance.initiatives.values_list("pk", flat=True))


@receiver(post_save, sender=Partnership)
@receiver(post_delete, sender=Partnership)
def partnership_changed(sender, instance, **kwargs):
    refresh_initiatives([instance.initiative_id])


@receiver(post_save, sender=Sector)
@receiver(post_save, sender=Province)
@receiver(post_save, sender=Institution)
def name_changed(sender, instance, created, raw, **kwargs):
    if not created:
        refresh_initiatives(instance.initiatives.values_list("pk", flat=True))


@receiver(pre_delete, sender=Sector)
@receiver(pre_delete, sender=Province)
def name_deleting(sender, instance, **kwargs):
    # The through rows go without an m2m_changed signal: remember whom to refresh.
    instance._initiative_pks = list(instance.initiatives.values_list("pk", flat=True))


@receiver(post_delete, sender=Sector)
@receiver(post_delete, sender=Province)
def name_deleted(sender, instance, **kwargs):
    refresh_initiatives(getattr(instance, "_initiative_pks", []))
