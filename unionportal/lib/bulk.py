"""Writing thousands of rows in a few statements, where the ORM's bulk methods are slow.

bulk_update builds a CASE expression per row and field (seconds of Python for 1,000 rows, and
minutes of PostgreSQL planning for 20,000); bulk_create compiles every value through the ORM's
SQL machinery. These build one parameterised statement per batch instead."""

import io
import json
from datetime import UTC, date
from functools import cache, partial

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import BooleanField, CharField, DateField, DateTimeField, IntegerField, JSONField, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

# Parameters per statement: PostgreSQL takes 65,535; SQLite as many as it was built for.
BATCH_PARAMETERS = 30_000
COPY_FROM = 1_000  # rows: from here, update_many on PostgreSQL goes through COPY (_update_by_copy)


def _batches(items: list, width: int):
    limit = min(BATCH_PARAMETERS, connection.features.max_query_params or BATCH_PARAMETERS)
    size = max(1, limit // max(width, 1))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def update_many(rows: list[Model], names: list[str]) -> None:
    """UPDATE the fields `names` of existing rows of one model, each row to its own values.

    PostgreSQL: one UPDATE … FROM (VALUES …) per batch; from COPY_FROM rows, the rows are copied
    into a scratch table that one UPDATE … FROM reads (_update_by_copy). SQLite runs in the
    process, where one prepared statement executed per row (executemany) is as fast.

    A model whose table PostgreSQL partitions says by which field (`partition_key`): each row is
    then also matched on it, so that PostgreSQL looks for it in its own partition only, not in
    every one (30 ms → 0.5 ms for a federation's month). Rows made with their key alone, without
    that field, or an update of that field itself, are matched on the key only."""
    if not rows:
        return
    model = type(rows[0])
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), meta.pk
    prepare = [_preparer(field) for field in fields]
    params = [
        [to_db(getattr(row, field.attname)) for field, to_db in zip(fields, prepare, strict=True)] for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = "UPDATE {} SET {} WHERE {} = %s".format(
                table, ", ".join(f"{quote(field.column)} = %s" for field in fields), quote(pk.column)
            )
            cursor.executemany(sql, [values + [row.pk] for values, row in zip(params, rows, strict=True)])
            return
        keys = [pk]
        partition = getattr(model, "partition_key", None)
        if partition and partition not in names and all(getattr(row, partition, None) is not None for row in rows):
            keys.append(meta.get_field(partition))
        key_values = [[getattr(row, field.attname) for field in keys] for row in rows]
        if len(rows) >= COPY_FROM:
            _update_by_copy(
                cursor, meta, keys, fields, [(*key, *values) for key, values in zip(key_values, params, strict=True)]
            )
            return
        columns = [*(f"k{index}" for index in range(len(keys))), *(f"v{index}" for index in range(len(fields)))]
        casts = [f"%s::{field.db_type(connection)}" for field in (*keys, *fields)]
        row_sql = "(" + ", ".join(casts) + ")"
        assignments = ", ".join(f"{quote(field.column)} = v.v{index}" for index, field in enumerate(fields))
        matches = " AND ".join(f"{table}.{quote(field.column)} = v.k{index}" for index, field in enumerate(keys))
        for batch in _batches(list(zip(key_values, params, strict=True)), len(keys) + len(fields)):
            sql = "UPDATE {} SET {} FROM (VALUES {}) AS v ({}) WHERE {}".format(
                table, assignments, ", ".join([row_sql] * len(batch)), ", ".join(columns), matches
            )
            cursor.execute(sql, [value for key, values in batch for value in (*key, *values)])


class QuickLoad:
    """A model read by the thousand (a federation's 3,000 CĐCS and their month, on each page of
    its grid): its instances made from the database without Model.__init__, which sets each field
    through the model's machinery and costs three times as much. Model.from_db is Django's hook
    for this; it does what __init__ would (each column's value, the state of a saved row), and
    leaves it to Django when fields are deferred or anything listens to pre_init or post_init
    (none does in this project: no image field, no model signal)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        if len(values) != len(cls._meta.concrete_fields) or pre_init.receivers or post_init.receivers:
            return super().from_db(db, field_names, values)
        new = cls.__new__(cls)
        new.__dict__.update(zip(_attnames(cls), values, strict=True))
        new._state = ModelState()
        new._state.adding, new._state.db = False, db
        return new


@cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _update_by_copy(cursor, meta, keys, fields, rows: list[tuple]) -> None:
    """update_many on PostgreSQL for many rows: a VALUES list of 20,000 rows of 14 fields is
    280,000 expressions for PostgreSQL to parse and plan, twice the time of COPY into a scratch
    table (dropped at once, and at the end of the transaction whatever happens) and one UPDATE.
    Each row is the values of `keys` (what it is matched on), then those of `fields`."""
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    scratch = quote(f"bulk_update_{meta.db_table}")
    columns = ", ".join(
        [
            *(f"k{index} {field.db_type(connection)}" for index, field in enumerate(keys)),
            *(f"v{index} {field.db_type(connection)}" for index, field in enumerate(fields)),
        ]
    )
    assignments = ", ".join(f"{quote(field.column)} = v.v{index}" for index, field in enumerate(fields))
    matches = " AND ".join(f"{table}.{quote(field.column)} = v.k{index}" for index, field in enumerate(keys))
    text = "".join(",".join(map(_csv, row)) + "\n" for row in rows)
    with transaction.atomic():
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} ({columns}) ON COMMIT DROP")
        cursor.copy_expert(f"COPY {scratch} FROM STDIN WITH (FORMAT csv, NULL '\\N')", io.StringIO(text))
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {scratch} AS v WHERE {matches}")
        cursor.execute(f"DROP TABLE {scratch}")


def insert_many(objects: list[Model], *, returning: bool = False) -> None:
    """INSERT new rows of one model: every concrete field but an auto primary key, pre_save
    applied (auto_now_add). With `returning`, the objects get their new primary keys: on
    PostgreSQL drawn from the table's sequence before the COPY, on SQLite 3.35+ returned by the
    multi-row VALUES in order."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = [field for field in meta.concrete_fields if not (field.primary_key and field.auto_created)]
    rows = [[field.pre_save(obj, True) for field in fields] for obj in objects]
    inserted = _insert(meta, fields, rows, returning=returning)
    if returning:
        for obj, pk in zip(objects, inserted, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias


def insert_rows(model: type[Model], names: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """INSERT rows given as plain tuples of the fields `names` (attnames: "cdcs_id"), without
    building a model object per row: tens of thousands of them cost seconds. Every other field
    takes its default; auto_now_add fields must be among `names`. Returns the new primary keys
    with `returning` (in order), else []."""
    if not rows:
        return []
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    given = [by_attname[name] for name in names]
    rest = [
        field
        for field in meta.concrete_fields
        if field.attname not in names and not (field.primary_key and field.auto_created)
    ]
    defaults = [field.get_default() for field in rest]
    return _insert(meta, given + rest, [[*row, *defaults] for row in rows], returning=returning)


def _insert(meta, fields, rows: list[list], *, returning: bool) -> list[int]:
    quote = connection.ops.quote_name
    prepare = [_preparer(field) for field in fields]
    values = [[to_db(value) for value, to_db in zip(row, prepare, strict=True)] for row in rows]
    placeholders = [_placeholder(field) for field in fields]
    row_sql = "(" + ", ".join(placeholders) + ")"
    columns = ", ".join(quote(field.column) for field in fields)
    suffix = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    inserted = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than VALUES
            if returning:  # the new keys drawn from the table's sequence first, then written by COPY
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                inserted = [pk for (pk,) in cursor.fetchall()]
                columns = f"{quote(meta.pk.column)}, {columns}"
                values = [[pk, *row] for pk, row in zip(inserted, values, strict=True)]
            text = "".join(",".join(map(_csv, row)) + "\n" for row in values)
            copy = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            cursor.copy_expert(copy, io.StringIO(text))
        else:
            for batch in _batches(values, len(fields)):
                rows_sql = ", ".join([row_sql] * len(batch))
                params = [value for row in batch for value in row]
                cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows_sql}{suffix}", params)
                if returning:
                    inserted.extend(pk for (pk,) in cursor.fetchall())
    return inserted


def _same(value):
    return value


def _iso_date(value):
    """A date as SQLite stores it (what the ORM's DateField would give, for a fraction of the cost)."""
    return None if value is None else value.isoformat()


def _utc_text(value):
    """An aware datetime as SQLite stores it with USE_TZ: UTC, without the offset (as the ORM does)."""
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def _csv(value) -> str:
    """A value as COPY … (FORMAT csv, NULL '\\N') reads it."""
    if type(value) is int:  # most of what is written, first
        return str(value)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    return '"' + str(value).replace('"', '""') + '"'


def _preparer(field):
    """How a field's value goes into a statement. Whole numbers, text and foreign keys go as
    they are (the ORM's get_db_prep_save costs microseconds a value for nothing here), JSON as
    text cast by the statement (psycopg2's Json adapter costs tens of µs a value), the rest
    (dates above all, which SQLite stores as text) through the ORM."""
    if isinstance(field, JSONField):
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    if isinstance(field, IntegerField | CharField | BooleanField) or field.is_relation:
        return _same
    if connection.vendor == "postgresql" and isinstance(field, DateField):  # DateTimeField too
        return _same  # psycopg2 adapts dates and aware datetimes; COPY writes them as ISO text
    if type(field) is DateField:
        return _iso_date
    if type(field) is DateTimeField and settings.USE_TZ:
        return _utc_text
    # The connection itself, not django.db.connection: that proxy looks the connection up in a
    # thread-local store on every attribute read, tens of thousands of times for one batch.
    return partial(field.get_db_prep_save, connection=connections[connection.alias])


def _placeholder(field) -> str:
    return "%s::jsonb" if isinstance(field, JSONField) and connection.vendor == "postgresql" else "%s"
