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
from .columns import (
    column_value,
    language_name,
    translated_attribute,
    write_fields,
)
from .planner import RegistryResource
from .sql import BATCH


class _NameSlugResource(RegistryResource):
    title_columns = ("name", "name_en")
    # The record's latest version at export (transfer/conflicts.py): never
    # written to the record; keep it the last column.
    export_only = ("version",)

    def title_of(self, canonical):
        return canonical["name"] or canonical["name_en"]

    def render(self, column, value, context, native=False, structured=False):
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
                        c: column_value(obj, c)
                        for c in self.column_names()
                        if c != "version"
                    },
                    "version": versions.get(obj.pk),
                },
            )
        return out

    def check_unique(self, *, parsed, existing):
        """No two records share a name, in either language (the rule of
        ``TranslatedNameModel``), checked for the whole file in one query: the
        names the file's rows will have against the others' current names and
        each other's. (A name is free only once its record has given it up in
        an earlier import: each language's column is unique at every row
        written, so two records cannot swap names in one file.)
        """
        model = self.model
        columns = self.title_columns
        fields = [translated_attribute(model, c) for c in columns]
        owners = {}  # name -> [(slug, column, row number or None)]
        for slug, *names in model._default_manager.values_list("slug", *fields):
            for column, name in zip(columns, names, strict=True):
                if name:
                    owners.setdefault(name, []).append((slug, column, None))
        final = []
        for number, slug, values, errors in parsed:
            current = existing[slug][1] if slug in existing else {}
            names = {c: values.get(c, current.get(c) or "") for c in columns}
            final.append((number, slug, names, errors))
            for column, name in names.items():
                if name:
                    owners.setdefault(name, []).append((slug, column, number))
        for _number, slug, names, errors in final:
            for column, name in names.items():
                others = [o for o in owners.get(name, ()) if o[0] != slug]
                if not name or not others or errors.get(column):
                    continue
                other_slug, other_column, row = others[0]
                errors[column].append(
                    _(
                        "“%(value)s” is already the name (%(language)s) of "
                        "%(other)s; %(this)s cannot have it too."
                    )
                    % {
                        "value": name,
                        "language": language_name(other_column.removeprefix("name")),
                        "other": (
                            _("row %(row)s of this file (%(slug)s)")
                            % {"row": row, "slug": other_slug}
                            if row is not None
                            else f"“{other_slug}”"
                        ),
                        "this": f"“{slug}”",
                    }
                )

    def validate(self, instance):
        # Whether the names are free was checked for the whole file above.
        with in_default_language():
            instance.clean_fields(exclude=self.clean_exclude())
            instance.clean_names()

    def build(self, *, slug, values, current, context):
        model = self.model
        if current is None:
            instance = model(slug=slug)
            canonical = {
                c: column_value(instance, c)
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
    # ``keywords``: other words the sector is known by (search uses them).
    columns = ("slug", "name", "name_en", "keywords", "version")
    verbose_name = gettext_lazy("Sectors")


class InstitutionResource(_NameSlugResource):
    initiative_relation = "institutions"
    extra_derived = ["search_text"]
    _kind = staticmethod(choice_parser(Institution.Kind))

    model = Institution
    columns = (
        "slug",
        "name",
        "acronym",
        "kind",
        "country",
        "website",
        "name_en",
        "version",
    )
    verbose_name = gettext_lazy("Institutions")

    def parse(self, column, value, context):
        if column == "kind":
            return self._kind(value)
        return super().parse(column, value, context)

    def blank(self, column):
        if column == "kind":
            return Institution.Kind.OTHER
        return ""
