"""Merging duplicate institutions into one (issue 13, point 6).

The one that is kept takes over every partnership of the others. Where it
already has the same role in the same initiative, the duplicate's partnership
is dropped (one of two identical rows); different roles all stay. The
duplicates' names, acronyms and other names become the kept one's other
names, so a search or an import file that still uses them finds it; blank
fields of the kept one (English name, acronym, website) are filled from the
duplicates. Everything happens in one transaction.
"""

from django.db import transaction

from .models import Institution, Partnership


def merge_institutions(*, keep, duplicates):
    """Merge ``duplicates`` into ``keep``; returns {"moved": n, "dropped": n}."""
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        return {"moved": 0, "dropped": 0}
    with transaction.atomic():
        keep = Institution.objects.select_for_update().get(pk=keep.pk)
        duplicates = list(
            Institution.objects.select_for_update().filter(
                pk__in=[d.pk for d in duplicates]
            )
        )
        moved, dropped = _move_partnerships(keep, duplicates)
        for field, value in _blank_fields(keep, duplicates).items():
            setattr(keep, field, value)
        keep.other_names = "\n".join(_other_names(keep, duplicates))
        # The duplicates go first: their names are unique across records.
        Institution.objects.filter(pk__in=[d.pk for d in duplicates]).delete()
        keep.save()
    return {"moved": moved, "dropped": dropped}


def _move_partnerships(keep, duplicates):
    taken = set(
        Partnership.objects.filter(institution=keep).values_list(
            "initiative_id", "role"
        )
    )
    move, drop = [], []
    for partnership in Partnership.objects.filter(institution__in=duplicates).order_by(
        "pk"
    ):
        key = (partnership.initiative_id, partnership.role)
        if key in taken:
            drop.append(partnership.pk)
        else:
            taken.add(key)
            move.append(partnership.pk)
    if drop:
        Partnership.objects.filter(pk__in=drop).delete()
    if move:
        Partnership.objects.filter(pk__in=move).update(institution=keep)
    return len(move), len(drop)


def _other_names(keep, duplicates):
    """The kept one's other names and every name of the duplicates, once
    each, leaving out what the kept one is already called."""
    own = {n.casefold() for n in (keep.name_tr, keep.name_en, keep.acronym) if n}
    names = {}
    for name in keep.other_name_list():
        names.setdefault(name.casefold(), name)
    for duplicate in duplicates:
        for name in (
            duplicate.name_tr,
            duplicate.name_en,
            duplicate.acronym,
            *duplicate.other_name_list(),
        ):
            if name and name.casefold() not in own:
                names.setdefault(name.casefold(), name)
    return list(names.values())


def _blank_fields(keep, duplicates):
    values = {}
    for field in ("name_tr", "name_en", "acronym", "website"):
        if getattr(keep, field):
            continue
        found = next((getattr(d, field) for d in duplicates if getattr(d, field)), "")
        if found:
            values[field] = found
    return values
