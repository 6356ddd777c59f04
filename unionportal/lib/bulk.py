"""Writing thousands of rows in a few statements, where the ORM's bulk methods are slow.

bulk_update builds a CASE expression per row and field (seconds of Python for 1,000 rows, and
minutes of PostgreSQL planning for 20,000); bulk_create compiles every value through the ORM's
SQL machinery. These build one parameterised statement per batch instead."""

from django.db import connection
from django.db.models import Model

# Parameters per statement: PostgreSQL takes 65,535; SQLite as many as it was built for.
BATCH_PARAMETERS = 30_000


def _batches(items: list, width: int):
    limit = min(BATCH_PARAMETERS, connection.features.max_query_params or BATCH_PARAMETERS)
    size = max(1, limit // max(width, 1))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update_many(rows: list[Model], names: list[str]) -> None:
    """UPDATE the fields `names` of existing rows of one model, each row to its own values.

    PostgreSQL: one UPDATE … FROM (VALUES …) per batch. SQLite runs in the process, where one
    prepared statement executed per row (executemany) is as fast."""
    if not rows:
        return
    meta = type(rows[0])._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), meta.pk
    params = [[field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = "UPDATE {} SET {} WHERE {} = %s".format(
                table, ", ".join(f"{quote(field.column)} = %s" for field in fields), quote(pk.column)
            )
            cursor.executemany(sql, [values + [row.pk] for values, row in zip(params, rows, strict=True)])
            return
        columns = ["pk", *(f"v{index}" for index in range(len(fields)))]
        casts = [f"%s::{pk.db_type(connection)}", *(f"%s::{field.db_type(connection)}" for field in fields)]
        row_sql = "(" + ", ".join(casts) + ")"
        assignments = ", ".join(f"{quote(field.column)} = v.v{index}" for index, field in enumerate(fields))
        for batch in _batches(list(zip(rows, params, strict=True)), len(fields) + 1):
            sql = "UPDATE {} SET {} FROM (VALUES {}) AS v ({}) WHERE {}.{} = v.pk".format(
                table, assignments, ", ".join([row_sql] * len(batch)), ", ".join(columns), table, quote(pk.column)
            )
            cursor.execute(sql, [value for row, values in batch for value in (row.pk, *values)])


def insert_many(objects: list[Model]) -> None:
    """INSERT new rows of one model whose primary keys the caller does not need back (an audit
    trail, say): every concrete field but an auto primary key, pre_save applied (auto_now_add)."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = [field for field in meta.concrete_fields if not (field.primary_key and field.auto_created)]
    quote = connection.ops.quote_name
    values = []
    for obj in objects:
        values.append([field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields])
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for batch in _batches(values, len(fields)):
            sql = "INSERT INTO {} ({}) VALUES {}".format(
                quote(meta.db_table),
                ", ".join(quote(field.column) for field in fields),
                ", ".join([row_sql] * len(batch)),
            )
            cursor.execute(sql, [value for row in batch for value in row])
