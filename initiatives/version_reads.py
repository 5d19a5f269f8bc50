"""The versions kept of a record, read back: its history, and a version's
fields written back onto the record (restore, undoing a merge, recovering a
deletion). The latest version of many records at once is
``versions.latest_version_ids``.

What a version holds and who writes it: versions.py.
"""

from django.db.models import Q
from reversion.models import Version

from .versions import concrete_fields

# -- reading -----------------------------------------------------------------


def versions_of(obj):
    """The versions of ``obj``, newest first, with who made them and how."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user", "revision__origin")
        .order_by("-pk")
    )


# -- writing a version back --------------------------------------------------


def write_fields(obj, fields):
    """Set ``obj``'s versioned fields (each language's column) from a
    version's ``fields``; derived columns are left to ``save()``."""
    from .translation import translated_fields

    originals = set(translated_fields(type(obj)))
    for model_field in concrete_fields(type(obj)):
        if model_field.name in fields and model_field.name not in originals:
            value = model_field.to_python(fields[model_field.name])
            if value is None and not model_field.null:
                value = ""
            setattr(obj, model_field.attname, value)


def names_taken(model, fields, *, exclude=()):
    """The records of ``model`` (other than ``exclude``) that now have the
    address or a name in either language of the version ``fields``."""
    same = Q(slug=fields.get("slug"))
    for name in (fields.get("name_tr"), fields.get("name_en")):
        if name:
            same |= Q(name_tr=name) | Q(name_en=name)
    return [str(o) for o in model._default_manager.filter(same).exclude(pk__in=exclude)]
