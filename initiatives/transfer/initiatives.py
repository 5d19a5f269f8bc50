"""The initiatives' file: its columns, and how a row is read, shown and written.

Columns are ``INITIATIVE_COLUMNS`` (docs/CONTRACT.md lists them for editors);
``hit_count`` is exported but never imported, and ``id``, ``created_at`` and
``updated_at`` are accepted and ignored. A blank ``status``, ``is_published``
or ``date_added`` keeps the current value (or the default); any other blank
cell clears its field. The write is the batch SQL of ``sql.py``.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    TITLE_SORT_KEYS,
    Initiative,
    Link,
    Partnership,
    in_default_language,
)
from ..versions import latest_version_ids
from .cells import (
    choice_parser,
    format_decimal,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from .columns import column_value, translated_attribute
from .initiative_writes import write_initiatives
from .lookups import Lookups
from .planner import RegistryResource
from .relations import RELATIONS, parse_relation, relation_items, render_relation

# The English of the translated texts (their columns without "_en" are the
# Turkish), at the end of the layout.
ENGLISH_COLUMNS = (
    "title_en",
    "summary_en",
    "description_en",
    "other_regions_en",
    "source_en",
)
INITIATIVE_COLUMNS = (
    "slug",
    "number",
    "title",
    "summary",
    "description",
    "start_year",
    "end_year",
    "status",
    "sectors",
    "provinces",
    "other_regions",
    "partners",
    "links",
    "budget_amount",
    "budget_currency",
    "duration_months",
    "member_firms",
    "solution_partners",
    "support_programme",
    "source",
    "last_verified",
    "is_published",
    "date_added",
    "hit_count",
    *ENGLISH_COLUMNS,
    # Issue 13: the record's latest version at export time (transfer/conflicts.py);
    # keep it the last column.
    "version",
)
_TEXT = {
    "slug",
    "title",
    "summary",
    "description",
    "other_regions",
    "support_programme",
    "source",
    *ENGLISH_COLUMNS,
}
_INT = {
    "number",
    "start_year",
    "end_year",
    "duration_months",
    "member_firms",
    "solution_partners",
}
# Not imported when a cell is blank: the current value (or the default) stays.
_KEEP_WHEN_BLANK = {"status", "is_published", "date_added"}


class InitiativeResource(RegistryResource):
    """Initiatives with their sectors, provinces, partners and links."""

    model = Initiative
    columns = INITIATIVE_COLUMNS
    verbose_name = gettext_lazy("Initiatives")
    export_only = ("hit_count", "version")
    memo_columns = frozenset(
        {"sectors", "provinces", "partners", "links", "status", "budget_currency",
         "is_published", "date_added", "last_verified", "start_year", "end_year"}
    )  # fmt: skip
    title_columns = ("title", "title_en")
    _status = staticmethod(choice_parser(Initiative.Status))
    _currency = staticmethod(choice_parser(Initiative.Currency))

    def get_queryset(self):
        return Initiative.objects.in_list_order()

    def title_of(self, canonical):
        return canonical["title"] or canonical["title_en"]

    # -- canonical values ---------------------------------------------------

    def lookup_context(self):
        return Lookups.load()

    def load_canonical(self, *, pks=None, slugs=None, context):
        """{slug: (instance, {column: canonical value})} in a handful of queries."""
        qs = Initiative.objects.all()
        qs = qs.filter(pk__in=pks) if pks is not None else qs.filter(slug__in=slugs)
        objects = list(qs.defer("search_text"))
        ids = [obj.pk for obj in objects]
        sectors = defaultdict(list)
        for initiative_id, sector_id in Initiative.sectors.through.objects.filter(
            initiative_id__in=ids
        ).values_list("initiative_id", "sector_id"):
            sectors[initiative_id].append(sector_id)
        provinces = defaultdict(list)
        for initiative_id, province_id in Initiative.provinces.through.objects.filter(
            initiative_id__in=ids
        ).values_list("initiative_id", "province_id"):
            provinces[initiative_id].append(province_id)
        partners = defaultdict(list)
        for initiative_id, institution_id, role in (
            Partnership.objects.filter(initiative_id__in=ids)
            .order_by("position", "id")
            .values_list("initiative_id", "institution_id", "role")
        ):
            partners[initiative_id].append((institution_id, role))
        links = defaultdict(list)
        for initiative_id, url, title, kind in (
            Link.objects.filter(initiative_id__in=ids)
            .order_by("position", "id")
            .values_list("initiative_id", "url", "title", "kind")
        ):
            links[initiative_id].append((url, title, kind))
        versions = latest_version_ids(Initiative, ids)  # the `version` column
        out = {}
        for obj in objects:
            canonical = {
                name: column_value(obj, name)
                for name in INITIATIVE_COLUMNS
                if name not in RELATIONS and name != "version"
            }
            canonical["version"] = versions.get(obj.pk)
            canonical["sectors"] = tuple(
                sorted(sectors[obj.pk], key=context.sector_rank.get)
            )
            canonical["provinces"] = tuple(
                sorted(provinces[obj.pk], key=context.province_rank.get)
            )
            canonical["partners"] = tuple(partners[obj.pk])
            canonical["links"] = tuple(links[obj.pk])
            out[obj.slug] = (obj, canonical)
        return out

    def render(self, column, value, context, native=False, structured=False):
        if column in RELATIONS:
            if structured:
                return relation_items(column, value, context)
            return render_relation(column, value, context)
        if value is None:
            return None if native else ""
        if column == "budget_amount":
            return Decimal(format_decimal(value)) if native else format_decimal(value)
        if column == "is_published":
            return "yes" if value else "no"
        if native:
            return value
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def comparable(self, column, value):
        if column in {"budget_amount"} and value is not None:
            return Decimal(value)
        return super().comparable(column, value)

    # -- import -------------------------------------------------------------

    def blank(self, column):
        if column in _TEXT or column == "budget_currency":
            return ""
        if column in RELATIONS:
            return ()
        if column in _KEEP_WHEN_BLANK:
            return _KEEP
        return None

    def parse(self, column, value, context):
        if column in _TEXT:
            return parse_text(value)
        if column in _INT:
            return parse_int(value)
        if column == "budget_amount":
            field = Initiative._meta.get_field("budget_amount")
            return parse_decimal(
                value,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
            )
        if column == "budget_currency":
            return self._currency(value)
        if column == "status":
            return self._status(value)
        if column in {"last_verified", "date_added"}:
            return parse_date(value)
        if column == "is_published":
            return parse_bool(value)
        if column in RELATIONS:
            return parse_relation(column, str(value), context)
        raise ValidationError(_("This column is not imported."))

    def check_unique(self, *, parsed, existing):
        taken = dict(
            Initiative.objects.exclude(number=None).values_list("number", "slug")
        )
        # A number that an initiative of the file gives up is free again.
        for _number, slug, values, _errors in parsed:
            if "number" in values:
                for value in [v for v, owner in taken.items() if owner == slug]:
                    if value != values["number"]:
                        del taken[value]
        in_file = {}
        for number, slug, values, errors in parsed:
            value = values.get("number")
            if value is None or errors.get("number"):
                continue
            if value in in_file:
                errors["number"].append(
                    _(
                        "The number %(value)s is already used in row %(row)s of this file."
                    )
                    % {"value": value, "row": in_file[value]}
                )
            elif taken.get(value, slug) != slug:
                errors["number"].append(
                    _("The number %(value)s already belongs to “%(slug)s”.")
                    % {"value": value, "slug": taken[value]}
                )
            in_file[value] = number

    def clean_exclude(self):
        return [
            *super().clean_exclude(),
            "hit_count",
            "search_text",
            *TITLE_SORT_KEYS.values(),
            "created_at",
            "updated_at",
        ]

    def build(self, *, slug, values, current, context):
        if current is None:
            instance = Initiative(slug=slug, hit_count=0)
            canonical = {
                name: column_value(instance, name)
                for name in INITIATIVE_COLUMNS
                if name not in RELATIONS and name != "version"
            }
            canonical.update(
                sectors=(), provinces=(), partners=(), links=(), version=None
            )
        else:
            old, old_canonical = current
            instance = Initiative(
                **{
                    f.attname: getattr(old, f.attname)
                    for f in Initiative._meta.concrete_fields
                    if f.attname != "search_text"
                }
            )
            instance._state.adding = False
            canonical = dict(old_canonical)
        for column, value in values.items():
            if column in {"slug", "hit_count"} or value is _KEEP:
                continue
            canonical[column] = value
            if column not in RELATIONS:
                setattr(instance, translated_attribute(Initiative, column), value)
        instance.slug = canonical["slug"] = slug
        return instance, canonical

    def write(self, *, plan):
        with in_default_language():
            write_initiatives(plan)


class _Keep:
    def __repr__(self):
        return "<keep>"


_KEEP = _Keep()
