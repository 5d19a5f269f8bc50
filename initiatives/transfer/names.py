"""Sectors and institutions: a name, a slug and a few plain text columns each.

Renaming a sector or an institution changes the search text of the initiatives
that name it, so a write refreshes theirs too.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Initiative, Institution, Sector, in_default_language
from ..search import refresh_search_text
from ..versions import latest_version_ids
from .cells import choice_parser, parse_text
from .planner import RegistryResource, translated_attribute, write_fields
from .sql import BATCH


class _NameSlugResource(RegistryResource):
    title_column = "name"
    # The record's latest version at export (transfer/conflicts.py): never
    # written to the record; keep it the last column.
    export_only = ("version",)

    def title_of(self, canonical):
        return canonical["name"]

    def render(self, column, value, context, native=False):
        if value is None:
            return None if native else ""
        return value if native else str(value)

    def parse(self, column, value, context):
        return parse_text(value)

    def blank(self, column):
        return ""

    def lookup_context(self):
        return {}

    def load_canonical(self, *, pks=None, slugs=None, context):
        qs = self.model._default_manager.all()
        qs = qs.filter(pk__in=pks) if pks is not None else qs.filter(slug__in=slugs)
        out = {}
        model = self.model
        objects = list(qs)
        versions = latest_version_ids(model, [obj.pk for obj in objects])
        for obj in objects:
            out[obj.slug] = (
                obj,
                {
                    **{
                        c: getattr(obj, translated_attribute(model, c)) or ""
                        for c in self.column_names()
                        if c != "version"
                    },
                    "version": versions.get(obj.pk),
                },
            )
        return out

    def check_unique(self, *, parsed, existing):
        model = self.model
        taken = dict(
            model._default_manager.values_list(
                translated_attribute(model, "name"), "slug"
            )
        )
        in_file = {}
        for number, slug, values, errors in parsed:
            name = values.get("name")
            if not name or errors:
                continue
            if name in in_file:
                errors["name"].append(
                    _("“%(value)s” is already used in row %(row)s of this file.")
                    % {"value": name, "row": in_file[name]}
                )
            elif taken.get(name, slug) != slug:
                errors["name"].append(
                    _("“%(value)s” is already the name of “%(slug)s”.")
                    % {"value": name, "slug": taken[name]}
                )
            in_file[name] = number

    def build(self, *, slug, values, current, context):
        model = self.model
        if current is None:
            instance = model(slug=slug)
            canonical = {
                c: getattr(instance, translated_attribute(model, c)) or ""
                for c in self.column_names()
                if c != "version"
            }
            canonical["version"] = None
        else:
            old, old_canonical = current
            instance = model(
                **{
                    f.attname: getattr(old, f.attname)
                    for f in model._meta.concrete_fields
                }
            )
            instance._state.adding = False
            canonical = dict(old_canonical)
        for column, value in values.items():
            if column == "slug":
                continue
            if value is None:
                value = ""
            setattr(instance, translated_attribute(model, column), value)
            canonical[column] = value
        canonical["slug"] = slug
        instance.slug = slug
        return instance, canonical

    def write(self, *, plan):
        with in_default_language():
            self._write(plan=plan)

    def _write(self, *, plan):
        model = self.model
        new = [item[0] for item in plan["new"]]
        changed = [item[0] for item in plan["changed"]]
        for instance in new + changed:
            instance.fill_derived_fields()
        model._default_manager.bulk_create(new, batch_size=BATCH)
        fields = (
            write_fields(
                model,
                [
                    c
                    for c in self.column_names()
                    if c != "slug" and c not in self.export_only
                ],
            )
            + ["sort_key"]
            + self.extra_derived
        )
        model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
        if changed:
            # Names are part of the initiatives' search text.
            refresh_search_text(
                Initiative.objects.filter(
                    **{f"{self.initiative_relation}__in": [i.pk for i in changed]}
                ).values_list("pk", flat=True)
            )


class SectorResource(_NameSlugResource):
    initiative_relation = "sectors"
    extra_derived = ["search_text"]

    model = Sector
    columns = ("slug", "name", "name_en", "version")
    verbose_name = gettext_lazy("Sectors")


class InstitutionResource(_NameSlugResource):
    initiative_relation = "institutions"
    extra_derived = ["search_text"]
    _kind = staticmethod(choice_parser(Institution.Kind))

    model = Institution
    columns = ("slug", "name", "acronym", "kind", "country", "website", "version")
    verbose_name = gettext_lazy("Institutions")

    def parse(self, column, value, context):
        if column == "kind":
            return self._kind(value)
        return super().parse(column, value, context)

    def blank(self, column):
        if column == "kind":
            return Institution.Kind.OTHER
        return ""
