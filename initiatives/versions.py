"""The version history: what a version of a record holds, and who writes it.

django-reversion keeps the history (``Revision``: who and when; ``Version``: a
record's serialized state), with ``RevisionOrigin`` (``models/history.py``)
saying how: admin form, admin action, import (file name) or restore.

A version of an initiative is one ``Version`` row holding the whole record:
its fields in both languages (modeltranslation's columns are model fields), its
sectors and provinces, and its partnerships (institution, role, position) and
links, with the names of the sectors and institutions it named, so that a
version still reads after they are deleted. Partnerships and links are inside
the initiative's own version rather than versions of their own (reversion's
``follow``): one import of 10,000 rows is then 10,000 ``Version`` rows, and an
initiative's history is read without scanning every partnership of every
import it was part of.

Two writers produce the same document (``document()``):

- the admin form uses reversion as designed, ``create_revision()`` with the
  registered format ``registry_json``;
- bulk writes (imports, admin actions) and restores call ``save_revision()``,
  which builds
  the versions from values the writer already holds (the import's parsed
  relations and lookups) and writes them with the import's multi-row INSERT
  (``transfer/sql.py``): the revision and its origin, then one INSERT per 500
  versions; no query per row.
"""

import contextlib
import datetime
import functools
import gc
import json
from collections import defaultdict
from decimal import Decimal

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Max, Min
from django.utils import timezone
from reversion.models import Revision, Version

from .models import (
    Initiative,
    Institution,
    Link,
    Partnership,
    RevisionOrigin,
    Sector,
)

FORMAT = "registry_json"
VERSIONED_MODELS = (Initiative, Institution, Sector)
# Derived or bookkeeping columns: neither versioned nor restored.
UNVERSIONED = frozenset(
    {"hit_count", "search_text", "title_sort_key", "sort_key", "created_at",
     "updated_at"}
)  # fmt: skip
CHUNK = 900  # ids per query


@functools.cache
def concrete_fields(model):
    """The versioned columns: not derived, and of a translated text each
    language's column only (its original column repeats one of them)."""
    from .translation import translated_fields

    originals = set(translated_fields(model))
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in UNVERSIONED | originals
    ]


def versioned_field_names(model):
    names = [f.name for f in concrete_fields(model)]
    if model is Initiative:
        names += ["sectors", "provinces"]
    return names


def register():
    """Called once from ``apps.py``: the format and the registered models."""
    serializers.register_serializer(FORMAT, "initiatives.version_format")
    for model in VERSIONED_MODELS:
        if not reversion.is_registered(model):
            reversion.register(
                model, fields=versioned_field_names(model), format=FORMAT
            )


# -- the document ------------------------------------------------------------


def _value(field, value):
    if value == "" and field.null:
        return None  # an empty translation is NULL in the table, "" in the import
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
        return str(value.quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()  # as DjangoJSONEncoder writes it, without a call
    return value


def relations_document(*, sectors, provinces, partners, links, sector_names, names):
    """The relations of an initiative as a version holds them.

    ``partners`` are (institution id, role) and ``links`` (url, title, kind),
    both in position order; ``sector_names`` and ``names`` map the sectors'
    and institutions' ids to their names.
    """
    sectors = sorted(sectors)
    return {
        "sectors": sectors,
        "provinces": sorted(provinces),
        "_partners": [
            [pk, role, position, names.get(pk, "")]
            for position, (pk, role) in enumerate(partners)
        ],
        "_links": [
            [url, title, kind, position]
            for position, (url, title, kind) in enumerate(links)
        ],
        "_sector_names": [[pk, sector_names.get(pk, "")] for pk in sectors],
    }


def load_relations(ids):
    """{initiative id: relations document} in four queries per 900 initiatives."""
    sectors, provinces = defaultdict(list), defaultdict(list)
    partners, links = defaultdict(list), defaultdict(list)
    sector_names, names = {}, {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for initiative_id, pk, name in Initiative.sectors.through.objects.filter(
            initiative_id__in=chunk
        ).values_list("initiative_id", "sector_id", "sector__name"):
            sectors[initiative_id].append(pk)
            sector_names[pk] = name or ""
        for initiative_id, pk in Initiative.provinces.through.objects.filter(
            initiative_id__in=chunk
        ).values_list("initiative_id", "province_id"):
            provinces[initiative_id].append(pk)
        for initiative_id, pk, role, name in (
            Partnership.objects.filter(initiative_id__in=chunk)
            .order_by("position", "id")
            .values_list("initiative_id", "institution_id", "role", "institution__name")
        ):
            partners[initiative_id].append((pk, role))
            names[pk] = name
        for initiative_id, url, title, kind in (
            Link.objects.filter(initiative_id__in=chunk)
            .order_by("position", "id")
            .values_list("initiative_id", "url", "title", "kind")
        ):
            links[initiative_id].append((url, title, kind))
    return {
        pk: relations_document(
            sectors=sectors[pk],
            provinces=provinces[pk],
            partners=partners[pk],
            links=links[pk],
            sector_names=sector_names,
            names=names,
        )
        for pk in ids
    }


@functools.cache
def _field_kinds(model):
    """The versioned columns by how a version holds their value: as it is,
    None for "" (nullable text), or by ``_value()`` (decimals, dates)."""
    plain, nullable, other = [], [], []
    for f in concrete_fields(model):
        if isinstance(f, models.DecimalField | models.DateField):
            other.append(f)
        else:
            (nullable if f.null else plain).append((f.name, f.attname))
    return plain, nullable, other


def document(obj, relations=None):
    """The version of ``obj`` as a dict (its fields in the default language's
    columns, and an initiative's relations: given, or loaded)."""
    model = type(obj)
    plain, nullable, other = _field_kinds(model)
    # Read from the instance's dict (a bulk writer versions thousands of
    # records): a deferred column is loaded as usual.
    values = obj.__dict__
    fields = {
        name: values[attname] if attname in values else getattr(obj, attname)
        for name, attname in plain
    }
    for name, attname in nullable:
        value = values[attname] if attname in values else getattr(obj, attname)
        # An empty translation is NULL in the table, "" in the import.
        fields[name] = None if value == "" else value
    for f in other:
        fields[f.name] = _value(f, f.value_from_object(obj))
    if model is Initiative and relations is None:
        relations = load_relations([obj.pk])[obj.pk]
    if relations:
        fields.update(relations)
    return {"model": model._meta.label_lower, "pk": obj.pk, "fields": fields}


# A document is a tree of dicts and lists made just now: no cycle to check.
_ENCODER = DjangoJSONEncoder(ensure_ascii=False, check_circular=False)


def serialize(obj, relations=None):
    return _ENCODER.encode([document(obj, relations)])


def fields_of(version):
    """A version's fields (and an initiative's relations) as a dict."""
    return json.loads(version.serialized_data)[0]["fields"]


# -- writing ---------------------------------------------------------------


def form_revision(user):
    """The revision of one admin form save (reversion's own way)."""
    context = reversion.create_revision()
    return _FormRevision(context, user)


class _FormRevision:
    def __init__(self, context, user):
        self.context, self.user = context, user

    def __enter__(self):
        self.context.__enter__()
        reversion.set_user(self.user)
        reversion.add_meta(RevisionOrigin, how=RevisionOrigin.How.FORM)
        return self

    def __exit__(self, *exc):
        return self.context.__exit__(*exc)


@contextlib.contextmanager
def bulk_versions():
    """No cyclic garbage collection while versions are built in bulk.

    A bulk writer builds thousands of short-lived dicts and lists, which
    reference counting frees; each of them counts towards the collector's
    thresholds, whose full passes then walk the import's whole heap (about a
    third of the history's time in an import of 5,000 rows).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def save_revision(objects, *, how, user=None, detail="", relations=None, extra=None):
    """One revision holding a version of each object, written in batches.

    ``relations`` ({initiative id: relations_document(...)}) is what a bulk
    writer already holds; without it an initiative's relations are loaded, a
    few queries per 900 initiatives. ``extra`` ({(model, pk): {key: value}})
    adds keys starting with ``_`` to some documents (a deleted sector's
    initiatives). Returns the revision (None for no objects).
    """
    objects = list(objects)
    if not objects:
        return None
    initiative_ids = [o.pk for o in objects if type(o) is Initiative]
    if relations is None and initiative_ids:
        relations = load_relations(initiative_ids)
    revision = Revision.objects.create(
        date_created=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        comment=f"{how}: {detail}" if detail else str(how),
    )
    RevisionOrigin.objects.create(revision=revision, how=how, detail=detail[:255])
    with bulk_versions():
        _insert_versions(revision, objects, relations, extra)
    return revision


def _insert_versions(revision, objects, relations, extra):
    from .transfer.sql import insert_rows  # (transfer/ imports this module)

    types = ContentType.objects.get_for_models(*{type(o) for o in objects})
    # The import's multi-row INSERT, 500 versions a statement on both
    # databases, each batch serialized just before it is written.
    columns = ["revision", "content_type", "object_id", "db", "format",
               "serialized_data", "object_repr"]  # fmt: skip
    for start in range(0, len(objects), 500):
        insert_rows(
            Version,
            columns,
            [
                (revision.pk, types[type(obj)].pk, str(obj.pk), "default", FORMAT,
                 serialize(obj, _relations(obj, relations, extra)), _repr(obj))
                for obj in objects[start : start + 500]
            ],
            prepared=True,
        )  # fmt: skip


def _repr(obj):
    """An initiative's title in the default language (its other if it has
    none), as its version's fields are; other records' ``str()``."""
    if type(obj) is Initiative:
        values = obj.__dict__
        title = values.get("title_tr") or values.get("title_en")
        if title:
            return title
    return str(obj)


def _relations(obj, relations, extra):
    found = relations.get(obj.pk) if relations and type(obj) is Initiative else None
    more = extra.get((type(obj), obj.pk)) if extra else None
    return {**(found or {}), **more} if more else found


def keep_baseline(objects, *, relations=None):
    """Before the first change of records that have no version yet, keep
    their current state (a BASELINE revision), so that change can be undone.
    ``objects`` hold the state before the change; returns the revision."""
    objects = list(objects)
    if not objects:
        return None
    model = type(objects[0])
    versioned = latest_version_ids(model, [o.pk for o in objects])
    return save_revision(
        [o for o in objects if o.pk not in versioned],
        how=RevisionOrigin.How.BASELINE,
        relations=relations,
    )


def latest_version_ids(model, pks, *, first=False):
    """{pk: id of its latest (or ``first``) version}, a query per 900 records;
    records without any version are left out."""
    content_type = ContentType.objects.get_for_model(model)
    keys = [str(pk) for pk in pks]
    latest = {}
    for start in range(0, len(keys), CHUNK):
        rows = (
            Version.objects.filter(
                # db first: reversion's unique index (db, content_type,
                # object_id, revision) then finds the rows.
                db="default",
                content_type=content_type,
                object_id__in=keys[start : start + CHUNK],
            )
            .values("object_id")
            .annotate(latest=Min("pk") if first else Max("pk"))
            .values_list("object_id", "latest")
        )
        latest.update((int(object_id), pk) for object_id, pk in rows)
    return latest


def latest_version_id(obj):
    return latest_version_ids(type(obj), [obj.pk]).get(obj.pk)
