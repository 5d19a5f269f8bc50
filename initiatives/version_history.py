"""An initiative's versions as the admin shows them: who, when, how, and the
fields that differ from the current record (old → new), in the editor's
language: choices by their labels, sectors, provinces and partners by their
names (a deleted one by the name the version kept), partners with their roles,
links with their titles and kinds.

The page reads a fixed number of queries whatever the number of versions: the
versions with their revisions, users and origins; the current record's
relations; the names of every sector and institution any version mentions.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from .models import Initiative, Institution, Link, Partnership, Province, Sector
from .translation import translated_fields
from .version_reads import versions_of
from .versions import concrete_fields, document, fields_of

RELATIONS = ("sectors", "provinces", "_partners", "_links")


def shown_fields(model=Initiative):
    """The fields a difference may name: each language's column of a
    translated text, never its original column (which repeats one of them)."""
    originals = set(translated_fields(model))
    return [f for f in concrete_fields(model) if f.name not in originals]


def comparable(fields):
    """A version's fields as compared: names kept for reading are left out."""
    out = {f.name: fields.get(f.name) for f in shown_fields()}
    out["sectors"] = sorted(fields.get("sectors", []))
    out["provinces"] = sorted(fields.get("provinces", []))
    out["_partners"] = [p[:3] for p in fields.get("_partners", [])]
    out["_links"] = [list(link) for link in fields.get("_links", [])]
    return out


def current_fields(initiative):
    """The record as a version would hold it (JSON's types, like a version)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(document(initiative)["fields"], cls=DjangoJSONEncoder))


@dataclass
class Difference:
    label: str
    old: str
    new: str


@dataclass
class Names:
    """Names of the sectors, provinces and institutions versions mention."""

    sectors: dict = field(default_factory=dict)
    provinces: dict = field(default_factory=dict)
    institutions: dict = field(default_factory=dict)

    @classmethod
    def load(cls, documents):
        sector_ids, institution_ids = set(), set()
        for fields in documents:
            sector_ids.update(fields.get("sectors", []))
            institution_ids.update(p[0] for p in fields.get("_partners", []))
        return cls(
            sectors={s.pk: str(s) for s in Sector.objects.filter(pk__in=sector_ids)},
            provinces=dict(Province.objects.values_list("pk", "name")),
            institutions={
                i.pk: str(i) for i in Institution.objects.filter(pk__in=institution_ids)
            },
        )


def _deleted(name):
    return _("%(name)s (deleted)") % {"name": name or "?"}


def render(name, fields, names):
    """A field of a version as the editor reads it."""
    if name == "sectors":
        kept = dict(fields.get("_sector_names", []))
        return ", ".join(
            names.sectors.get(pk) or _deleted(kept.get(pk)) for pk in fields["sectors"]
        )
    if name == "provinces":
        return ", ".join(names.provinces.get(pk, "?") for pk in fields["provinces"])
    if name == "_partners":
        roles = dict(Partnership.Role.choices)
        return " | ".join(
            f"{names.institutions.get(pk) or _deleted(kept)} ({roles.get(role, role)})"
            for pk, role, _position, kept in fields["_partners"]
        )
    if name == "_links":
        kinds = dict(Link.Kind.choices)
        return " | ".join(
            f"{title} <{url}> ({kinds.get(kind, kind)})"
            for url, title, kind, _position in fields["_links"]
        )
    return _display(Initiative._meta.get_field(name), fields.get(name))


def _display(model_field, value):
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateField):
        return formats.date_format(
            datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT"
        )
    return str(value)


def _label(name):
    if name == "_partners":
        return str(Partnership._meta.verbose_name_plural).capitalize()
    if name == "_links":
        return str(Link._meta.verbose_name_plural).capitalize()
    return str(Initiative._meta.get_field(name).verbose_name).capitalize()


def differences(old, new, names):
    """[Difference] of the fields where ``old`` and ``new`` (fields of
    versions, or of the current record) differ, in the form's order."""
    a, b = comparable(old), comparable(new)
    return [
        Difference(_label(name), render(name, old, names), render(name, new, names))
        for name in [f.name for f in shown_fields()] + list(RELATIONS)
        if a[name] != b[name]
    ]


@dataclass
class HistoryEntry:
    version: object
    when: datetime.datetime
    who: object
    how: str
    detail: str
    differences: list


def how_of(revision):
    origin = getattr(revision, "origin", None)
    if origin is None:
        return _("unknown"), ""
    return origin.get_how_display(), origin.detail


def history(initiative):
    """(entries newest first, the current record's fields)."""
    versions = list(versions_of(initiative))
    current = current_fields(initiative)
    documents = {v.pk: fields_of(v) for v in versions}
    names = Names.load([current, *documents.values()])
    entries = []
    for version in versions:
        how, detail = how_of(version.revision)
        entries.append(
            HistoryEntry(
                version=version,
                when=version.revision.date_created,
                who=version.revision.user,
                how=how,
                detail=detail,
                differences=differences(documents[version.pk], current, names),
            )
        )
    return entries, current
