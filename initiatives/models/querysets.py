"""The QuerySets of the registry: the rules that every caller shares (what
the public sees, the list's order, folded search) and multi-row writes that
keep the derived columns and the search text (search.py) right."""

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone, translation

from .. import search, text

# The list's order: the official list's numbers, then titles the Turkish way.
# Initiatives without a number come last on every database (SQLite and
# PostgreSQL put NULLs at opposite ends); the admin orders the same way.
LIST_ORDER = (F("number").asc(nulls_last=True), "title_sort_key", "id")

# The alphabetical order of the titles a page shows: a sort key per language,
# each made from that language's title, or the other's where it has none
# (what the page shows instead).
TITLE_SORT_KEYS = {"tr": "title_sort_key", "en": "title_sort_key_en"}


def title_sort_key_field(language=None):
    """The sort key of the titles in ``language`` (the active one)."""
    language = language or translation.get_language()
    return TITLE_SORT_KEYS.get(language, TITLE_SORT_KEYS["tr"])


def fill_title_sort_keys(obj, *, only_empty=False):
    """Set ``obj``'s sort key of each language from its titles (no query)."""
    for language, field in TITLE_SORT_KEYS.items():
        if only_empty and getattr(obj, field):
            continue
        with translation.override(language):
            setattr(obj, field, text.sort_key(obj.title or ""))


def a_year_before(day):
    """The same day a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# pg_trgm looks words up by their three-character pieces.
TRIGRAM = 3


class FoldedSearchQuerySet(models.QuerySet):
    folded_search_field = "search_text"

    def search(self, query):
        """Rows whose folded column contains every word of ``query``.

        Folding is Turkish-aware (text.fold), so "izmir", "IZMIR", "İzmir" and
        "izmır" all match "İzmir", the same on every database.
        """
        qs, field = self, self.folded_search_field
        for term in text.search_terms(query):
            if len(term) < TRIGRAM and connections[self.db].vendor == "postgresql":
                # The trigram index of the search text (migration 0021) has
                # nothing to look up for a shorter word and would read all of
                # itself, slower than the rows: match an expression that it is
                # not an index of, so the planner reads the rows (same result).
                scanned = Concat(F(field), Value(""), output_field=models.TextField())
                qs = qs.alias(_scanned=scanned).filter(_scanned__contains=term)
            else:
                qs = qs.filter(**{f"{field}__contains": term})
        return qs


class NameSlugQuerySet(FoldedSearchQuerySet):
    """Writes of names keep the derived columns and the search text right."""

    # A slug is the folded name (text.turkish_slugify).
    folded_search_field = "slug"

    def update(self, **kwargs):
        model = self.model
        if not search.writes_text(kwargs, model.search_sources):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = list(model._base_manager.using(self.db).filter(pk__in=pks))
            for row in rows:
                row.fill_derived_text()
            models.QuerySet.bulk_update(
                model._base_manager.using(self.db).all(), rows, model.derived_fields
            )
            model.refresh_initiatives(pks)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            if not obj.sort_key:
                obj.fill_derived_text()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs, fields = list(objs), list(fields)
        if not search.writes_text(fields, self.model.search_sources):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        for obj in objs:
            obj.fill_derived_text()
        fields += [f for f in self.model.derived_fields if f not in fields]
        with transaction.atomic(using=self.db, savepoint=False):
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            self.model.refresh_initiatives([obj.pk for obj in objs])
        return count


class InstitutionQuerySet(NameSlugQuerySet):
    folded_search_field = "search_text"


class SectorQuerySet(NameSlugQuerySet):
    # Names in both languages and other names (search.sector_search_text).
    folded_search_field = "search_text"


class InitiativeQuerySet(FoldedSearchQuerySet):
    def published(self):
        """What the public may see: published initiatives only."""
        return self.filter(is_published=True)

    def hidden(self):
        """What the public may not see: the complement of ``published()``."""
        # `IN (false)`, not `NOT is_published`: SQLite searches its index for
        # the first and scans every row for the second.
        return self.filter(is_published__in=[False])

    def visible_to(self, user):
        """What ``user`` may read at the public address: the published
        initiatives, and drafts too for those who may change initiatives
        (they preview them there before publishing)."""
        if user is not None and user.has_perm("initiatives.change_initiative"):
            return self.all()
        return self.published()

    def in_list_order(self):
        return self.order_by(*LIST_ORDER)

    def sharing_with(self, initiative, *, sector_ids, province_ids, limit):
        """Up to ``limit`` of these initiatives (``initiative`` left out) that
        share a sector or province with it, most shared first, then most
        read, then by title.

        The shared count is a count of through rows (one per initiative and
        sector, or province), grouped over the few thousand links of those
        sectors and provinces: no COUNT(DISTINCT) over a join of every
        initiative. Then one level of shared count at a time, most first, on
        narrow rows (id, reads, sort key), ``limit`` each; the database stops
        at the first ``limit`` rows, so the many initiatives that share only
        one sector are read only when those that share more are too few
        (reading them all cost most of the page at 100,000 initiatives).
        Only the ``limit`` chosen are read whole.
        """
        links, params = [], []
        for through, column, ids in (
            (self.model.sectors.through, "sector_id", sector_ids),
            (self.model.provinces.through, "province_id", province_ids),
        ):
            if ids:
                marks = ", ".join(["%s"] * len(ids))
                links.append(
                    f"SELECT initiative_id FROM {through._meta.db_table} "
                    f"WHERE {column} IN ({marks})"
                )
                params += list(ids)
        if not links:
            return []
        candidates, candidate_params = (
            self.exclude(pk=initiative.pk)
            .order_by()
            .values("id", "hit_count", "title_sort_key")
            .query.sql_with_params()
        )
        levels = []
        for shared in range(len(sector_ids) + len(province_ids), 0, -1):
            levels.append(
                f"SELECT * FROM (SELECT c.id, s.shared, c.hit_count, "
                f"c.title_sort_key FROM s INNER JOIN ({candidates}) c "
                f"ON c.id = s.initiative_id WHERE s.shared = %s "
                f"ORDER BY c.hit_count DESC, c.title_sort_key, c.id "
                f"LIMIT {int(limit)}) level{shared}"
            )
            params += [*candidate_params, shared]
        sql = (
            f"WITH s AS (SELECT initiative_id, COUNT(*) AS shared FROM "
            f"({' UNION ALL '.join(links)}) l GROUP BY initiative_id) "
            f"SELECT i.* FROM {self.model._meta.db_table} i INNER JOIN "
            f"(SELECT * FROM ({' UNION ALL '.join(levels)}) levels "
            f"LIMIT {int(limit)}) top ON top.id = i.id "
            f"ORDER BY top.shared DESC, top.hit_count DESC, top.title_sort_key, "
            f"top.id"
        )
        return list(self.model.objects.raw(sql, params))

    def verification_due(self, today=None):
        """Initiatives whose facts nobody has checked in the last 12 months:
        never verified, or last verified more than a year before ``today``."""
        year_ago = a_year_before(today or timezone.localdate())
        return self.filter(Q(last_verified=None) | Q(last_verified__lt=year_ago))

    def never_verified(self):
        return self.filter(last_verified=None)

    def refresh_search_text(self):
        """Recompute the search text of these initiatives; how many changed."""
        return search.refresh_search_text(self.values_list("pk", flat=True))

    # Multi-row writes keep title_sort_key and search_text right, as save()
    # does. A writer that sets search_text itself (the import, which knows
    # the relations of its rows) is trusted with it. Writes of other columns
    # (hit_count, is_published...) stay one statement.

    def update(self, **kwargs):
        # The sort keys are made from the titles in each language.
        sort_keys_later = not set(TITLE_SORT_KEYS.values()) <= set(
            kwargs
        ) and search.writes_text(kwargs, search.TRANSLATED_SOURCES["title"])
        # django-modeltranslation writes ``title`` to the active language's
        # column (title_tr or title_en): that changes the search text too.
        refresh = "search_text" not in kwargs and search.writes_text(
            kwargs, search.INITIATIVE_TEXT_FIELDS
        )
        if not (refresh or sort_keys_later):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            if sort_keys_later:  # read the titles the update gave
                rows = self.model._base_manager.filter(pk__in=pks)
                objs = [
                    self.model(pk=pk, title_tr=title_tr, title_en=title_en)
                    for pk, title_tr, title_en in rows.values_list(
                        "pk", "title_tr", "title_en"
                    )
                ]
                for obj in objs:
                    fill_title_sort_keys(obj)
                models.QuerySet.bulk_update(
                    self.model._base_manager.all(), objs, list(TITLE_SORT_KEYS.values())
                )
            if refresh:
                search.refresh_search_text(pks)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        # New rows have no relations yet: their own columns are the whole text.
        objs = list(objs)
        for obj in objs:
            fill_title_sort_keys(obj, only_empty=True)
            if not obj.search_text:
                obj.search_text = search.initiative_search_text(**obj.search_values())
        created = super().bulk_create(objs, *args, **kwargs)
        if kwargs.get("update_conflicts"):
            search.refresh_search_text(obj.pk for obj in objs)
        return created

    def bulk_update(self, objs, fields, batch_size=None):
        objs, fields = list(objs), list(fields)
        sort_keys = list(TITLE_SORT_KEYS.values())
        if not set(sort_keys) <= set(fields) and search.writes_text(
            fields, search.TRANSLATED_SOURCES["title"]
        ):
            for obj in objs:
                fill_title_sort_keys(obj)
            fields += [f for f in sort_keys if f not in fields]
        if "search_text" in fields or not search.writes_text(
            fields, search.INITIATIVE_TEXT_FIELDS
        ):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        with transaction.atomic(using=self.db, savepoint=False):
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            search.refresh_search_text(obj.pk for obj in objs)
        return count


class PartnershipQuerySet(models.QuerySet):
    """Partners' names and acronyms are part of their initiatives' search
    text: multi-row writes refresh it (save and delete go through signals)."""

    # What a list of an institution's initiatives shows of each.
    LISTED_INITIATIVE_FIELDS = (
        "slug",
        "title",
        *(f"title_{code}" for code, _name in settings.LANGUAGES),
        "start_year",
        "end_year",
    )

    def of_published_by_title(self, institution):
        """``institution``'s partnerships in published initiatives, each with
        its initiative (only what a list shows of it: an institution may take
        part in hundreds), in the alphabetical order of the titles in the
        active language (their stored sort key), then by initiative."""
        Initiative = self.model._meta.get_field("initiative").related_model
        return (
            self.filter(
                institution=institution,
                initiative__in=Initiative.objects.published(),
            )
            .select_related("initiative")
            .only(
                "role",
                "initiative_id",
                "institution_id",
                *(f"initiative__{f}" for f in self.LISTED_INITIATIVE_FIELDS),
            )
            .order_by(f"initiative__{title_sort_key_field()}", "initiative_id", "id")
        )

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            rows = list(self.values_list("pk", "initiative_id"))
            count = super().update(**kwargs)
            moved = self.model._base_manager.filter(pk__in=[pk for pk, _i in rows])
            search.refresh_search_text(
                {i for _pk, i in rows}
                | set(moved.values_list("initiative_id", flat=True))
            )
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            search.refresh_search_text(obj.initiative_id for obj in objs)
        return created

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            before = self.model._base_manager.filter(pk__in=[o.pk for o in objs])
            initiatives = set(before.values_list("initiative_id", flat=True))
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            search.refresh_search_text(
                initiatives | {obj.initiative_id for obj in objs}
            )
        return count

    def delete(self):
        # Each deleted row sends post_delete (signals.py): refresh once.
        with search.deferred_refresh():
            return super().delete()
