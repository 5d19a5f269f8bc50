"""The initiative import's batch writes in raw SQL: a few hundred rows a statement.

``UPDATE ... FROM (VALUES ...)``, multi-row ``INSERT`` and ``DELETE ... IN``
keep 10,000 rows within a few dozen statements on SQLite and PostgreSQL alike
(each statement is one round trip and fires the statement triggers once). No
signals run: the import writes the search text itself.
"""

from django.db import connection

CHUNK = 900  # ids per query: below SQLite's old 999-variable limit
BATCH = 500  # objects per bulk_create()


def _prep(field, value):
    return field.get_db_prep_save(value, connection)


def _rows_per_statement(width):
    # Few statements (each fires the statement triggers once and is one round
    # trip), under SQLite's 32,766 parameters per statement.
    return max(1, min(500, 30_000 // width))


def _placeholder(field):
    if connection.vendor == "postgresql":
        # VALUES lists need their types spelled out on PostgreSQL.
        return f"CAST(%s AS {field.db_type(connection)})"
    return "%s"


def update_rows(model, instances, fields):
    """UPDATE ... FROM (VALUES ...): a few hundred rows per statement."""
    qn = connection.ops.quote_name
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    table = qn(model._meta.db_table)
    row = "(" + ", ".join(_placeholder(f) for f in fields) + ")"
    assignments = ", ".join(
        f"{qn(f.column)} = v.column{n}" for n, f in enumerate(fields[1:], start=2)
    )
    size = _rows_per_statement(len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            chunk = instances[start : start + size]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES "
                + ", ".join([row] * len(chunk))
                + f") AS v WHERE {table}.{qn(fields[0].column)} = v.column1",
                [_prep(f, getattr(obj, f.attname)) for obj in chunk for f in fields],
            )


def insert_rows(model, fields, rows, *, prepared=False):
    """Multi-row INSERTs, a few hundred rows per statement; ``prepared``
    rows hold values the database takes as they are (ints and strings)."""
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in fields]
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = _rows_per_statement(len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                head + ", ".join([row] * len(chunk)),
                [v for values in chunk for v in values]
                if prepared
                else [
                    _prep(f, v)
                    for values in chunk
                    for f, v in zip(fields, values, strict=True)
                ],
            )


def delete_rows(model, initiative_ids):
    """Delete the rows of these initiatives without signals (search text is
    written by the import itself)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(initiative_ids), CHUNK):
            chunk = initiative_ids[start : start + CHUNK]
            cursor.execute(
                "DELETE FROM {} WHERE {} IN ({})".format(
                    qn(model._meta.db_table),
                    qn(model._meta.get_field("initiative").column),
                    ", ".join(["%s"] * len(chunk)),
                ),
                chunk,
            )
