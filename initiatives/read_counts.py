"""Where an initiative's read count is kept, and the count its page shows.

PostgreSQL: ``Initiative.hit_count``, incremented in the hit's own
transaction (``hit_count = hit_count + 1 RETURNING``). An import locks only
the rows it writes, so a hit waits only when the import changes that very
initiative (then ``lock_timeout`` bounds the wait, as before).

SQLite: one file has one write lock, and an editor's import of 20,000 rows
holds it for about 8 seconds. So the hit tables live in a second file
(``DATABASES["hits"]``, routers.py) and the exact count is ``ReadCount.count``
there, raised in the hit's transaction in that file: a visitor's hit never
waits for the import and is never lost to it. ``Initiative.hit_count``, which
lists, "most read" and exports order and show, is a copy:

- right after each counted read, the new count is copied if the main file's
  lock can be had within ``settings.HIT_COPY_WAIT_MS``;
- otherwise later, by ``flush()``: run by the import once it has committed,
  by the process whose copy could not wait at its next counted read that
  gets the lock (a batch per read), and by ``manage.py flush_read_counts``.

A copy only ever raises ``hit_count`` (SQLite's two-argument ``max``), so
copies in any order and repeated ones are harmless. The initiative page
shows the larger of the two.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models import F

from .models import Initiative, ReadCount
from .routers import hits_database

# Rows copied per transaction of the main database by flush().
FLUSH_BATCH = 500

# Set when a copy could not wait for the main database: this process flushes
# at its next counted read that can.
_flush_due = False


def kept_apart():
    """Whether the hit tables have a database of their own (SQLite)."""
    return hits_database() != DEFAULT_DB_ALIAS


def sql_names(connection, model, *field_names):
    """``model``'s table and the columns of ``field_names``, quoted for
    hand-written statements."""
    quote = connection.ops.quote_name
    columns = (quote(model._meta.get_field(name).column) for name in field_names)
    return quote(model._meta.db_table), *columns


def registry_count(initiative_id):
    """``Initiative.hit_count`` of the initiative, from the main database."""
    return (
        Initiative.objects.filter(pk=initiative_id)
        .values_list("hit_count", flat=True)
        .first()
        or 0
    )


def increment(initiative_id, *, base):
    """One more read, in the hit's transaction; the new count.

    ``base`` is the ``hit_count`` the main database holds (only used with a
    hits database of its own, where it starts an initiative's count)."""
    if kept_apart():
        return _raise_read_count(initiative_id, base)
    return _increment_hit_count(initiative_id)


def shown(initiative_id, *, base):
    """The count a page shows when this request did not count: ``base`` (the
    ``hit_count`` just read), or the hits database's count when larger."""
    if not kept_apart():
        return base
    counted = (
        ReadCount.objects.filter(initiative_id=initiative_id)
        .values_list("count", flat=True)
        .first()
    )
    return max(base, counted or 0)


def _increment_hit_count(initiative_id):
    connection = connections[DEFAULT_DB_ALIAS]
    table, hit_count, pk = sql_names(connection, Initiative, "hit_count", "id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {hit_count} = {hit_count} + 1 WHERE {pk} = %s "
            f"RETURNING {hit_count}",
            [initiative_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _raise_read_count(initiative_id, base):
    connection = connections[hits_database()]
    table, pk, count, copied = sql_names(
        connection, ReadCount, "initiative_id", "count", "copied"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({pk}, {count}, {copied}) VALUES (%s, %s, 0) "
            f"ON CONFLICT ({pk}) DO UPDATE SET "
            f"{count} = max({table}.{count} + 1, excluded.{count}) "
            f"RETURNING {count}",
            [initiative_id, base + 1],
        )
        return cursor.fetchone()[0]


def copy_to_registry(initiative_id, count):
    """After a counted read in the hits database: copy its count into
    ``hit_count`` if the main database's lock comes within the wait, and
    catch up with earlier copies that could not wait. Never raises."""
    global _flush_due
    if not kept_apart():
        return
    # Once a copy could not wait, the lock is likely still held (an import):
    # the next ones only try, and the first that gets it flushes the rest.
    wait_ms = 0 if _flush_due else settings.HIT_COPY_WAIT_MS
    try:
        _copy([(count, initiative_id)], wait_ms=wait_ms)
    except OperationalError:
        _flush_due = True
        return
    if _flush_due:
        # One batch per read, so that no visitor waits for all of them.
        flush(wait_ms=settings.HIT_COPY_WAIT_MS, limit=FLUSH_BATCH)


def is_flush_due():
    """Whether this process's last copy or flush could not have the lock."""
    return _flush_due


def flush(*, wait_ms=None, limit=None):
    """Copy the counts the main database has not got yet into ``hit_count``
    (at most ``limit`` initiatives, None: all); how many were copied.
    ``wait_ms``: how long each batch may wait for the main database's lock
    (None: its busy timeout). A database that cannot be had stops the flush
    (the rows stay due), never raises."""
    global _flush_due
    if not kept_apart():
        return 0
    _flush_due = False
    copied = 0
    try:
        due = list(
            ReadCount.objects.filter(count__gt=F("copied"))
            .order_by("initiative_id")
            .values_list("count", "initiative_id")[:limit]
        )
        # Rows copied after their reads are marked by a flush only.
        _flush_due = limit is not None and len(due) == limit
        for start in range(0, len(due), FLUSH_BATCH):
            batch = due[start : start + FLUSH_BATCH]
            _copy(batch, wait_ms=wait_ms)
            _mark_copied(batch)
            copied += len(batch)
    except OperationalError:
        _flush_due = True
    return copied


def _mark_copied(rows):
    connection = connections[hits_database()]
    table, pk, copied = sql_names(connection, ReadCount, "initiative_id", "copied")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {copied} = max({copied}, %s) WHERE {pk} = %s", rows
        )


def _copy(rows, *, wait_ms):
    """``hit_count = max(hit_count, count)`` for each ``(count, id)``, in one
    transaction of the main database that waits at most ``wait_ms`` for
    its lock."""
    connection = connections[DEFAULT_DB_ALIAS]
    table, hit_count, pk = sql_names(connection, Initiative, "hit_count", "id")
    sql = f"UPDATE {table} SET {hit_count} = max({hit_count}, %s) WHERE {pk} = %s"
    with _lock_wait(connection, wait_ms), connection.cursor() as cursor:
        if len(rows) == 1:  # one statement: a transaction of its own
            cursor.execute(sql, rows[0])
        else:
            with transaction.atomic(using=connection.alias):
                cursor.executemany(sql, rows)


@contextmanager
def _lock_wait(connection, wait_ms):
    """SQLite's busy timeout of ``connection`` set to ``wait_ms`` for a block
    (None: unchanged), then back to the configured one."""
    if wait_ms is None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        yield
    finally:
        timeout = connection.settings_dict["OPTIONS"].get("timeout", 5)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
