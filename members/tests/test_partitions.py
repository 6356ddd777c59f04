"""members_monthlyfigure partitioned by year on PostgreSQL (migration 0015): each row in its year's
partition, later months in the default one, and the table's rules as before: one row per CĐCS
and month, the stock identity, the first of the month, ids from one sequence."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from members.figures.services import figures_record
from members.models import MonthlyFigure
from unionportal.lib.bulk import insert_many
from unionportal.lib.months import Month

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitioning is PostgreSQL's; SQLite keeps its table"
)

TABLE = MonthlyFigure._meta.db_table


def one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def partition_of(figure: MonthlyFigure) -> str:
    return one(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [figure.pk])


def test_the_monthly_figures_are_partitioned_by_year_from_1990_to_2036_before_and_after(db):
    assert one("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE]) == "r"
    assert (
        one(
            "SELECT attname FROM pg_partitioned_table "
            "JOIN pg_attribute ON attrelid = partrelid AND attnum = partattrs[0] WHERE partrelid = %s::regclass",
            [TABLE],
        )
        == "month"
    )
    partitions = one(
        "SELECT array_agg(inhrelid::regclass::text ORDER BY inhrelid::regclass::text) FROM pg_inherits "
        "WHERE inhparent = %s::regclass",
        [TABLE],
    )
    assert partitions == [
        f"{TABLE}_before_1990",
        f"{TABLE}_default",
        *(f"{TABLE}_y{year}" for year in range(1990, 2037)),
    ]
    primary_key = one(
        "SELECT array_agg(attname::text ORDER BY array_position(conkey, attnum)) FROM pg_constraint "
        "JOIN pg_attribute ON attrelid = conrelid AND attnum = ANY(conkey) "
        "WHERE conrelid = %s::regclass AND contype = 'p'",
        [TABLE],
    )
    assert primary_key == ["id", "month"]
    assert MonthlyFigure._meta.pk.name == "id"  # what Django knows is unchanged


def test_each_row_lands_in_its_years_partition_and_a_far_month_in_the_default_one(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=80, first_month=Month(2021, 4))
    later = figures_record(cdcs=cdcs, month=Month(2026, 3), admitted=5, user=None)
    far = MonthlyFigure.objects.create(
        cdcs=cdcs, federation=federation, month=Month(2041, 1).first_day, members_start=85, members_end=85
    )
    early = MonthlyFigure.objects.create(
        cdcs=cdcs, federation=federation, month=Month(1985, 1).first_day, members_start=80, members_end=80
    )
    first = MonthlyFigure.objects.get(cdcs=cdcs, month=Month(2021, 4).first_day)

    assert (partition_of(early), partition_of(first), partition_of(later), partition_of(far)) == (
        f"{TABLE}_before_1990",
        f"{TABLE}_y2021",
        f"{TABLE}_y2026",
        f"{TABLE}_default",
    )
    assert later.members_end == 85  # carried from April 2021 across the partitions


def test_one_row_per_cdcs_and_month_the_stock_identity_and_the_first_of_the_month_still_hold(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=80, first_month=Month(2021, 4))
    figure = dict(cdcs=cdcs, federation=federation, members_start=80, members_end=80)
    # PostgreSQL names the partition's own index of the unique (cdcs, month) in the message.
    refused = {
        r"\(cdcs_id, month\)=.* already exists": {**figure, "month": Month(2021, 4).first_day},
        "figure_stock_identity": {**figure, "month": Month(2021, 5).first_day, "members_end": 81},
        "figure_month_starts_on_first": {**figure, "month": Month(2021, 6).first_day.replace(day=2)},
    }
    for message, values in refused.items():
        with pytest.raises(IntegrityError, match=message), transaction.atomic():
            MonthlyFigure.objects.create(**values)
    assert MonthlyFigure.objects.filter(cdcs=cdcs).count() == 1


def test_ids_come_from_one_sequence_through_the_orm_and_copy(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=80, first_month=Month(2021, 4))
    rows = [
        MonthlyFigure(
            cdcs=cdcs, federation=federation, month=Month(year, 1).first_day, members_start=80, members_end=80
        )
        for year in (2022, 2030, 2045)
    ]
    insert_many(rows, returning=True)  # the COPY path: ids drawn from the table's sequence
    created = MonthlyFigure.objects.create(
        cdcs=cdcs, federation=federation, month=Month(2023, 1).first_day, members_start=80, members_end=80
    )
    ids = [row.pk for row in rows] + [created.pk]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert MonthlyFigure.objects.filter(pk__in=ids).count() == 4


def test_the_migration_goes_back_to_a_plain_table_and_forth_keeping_rows_and_ids(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=80, first_month=Month(2021, 4))
    figures_record(cdcs=cdcs, month=Month(2025, 12), admitted=3, user=None)
    before = list(MonthlyFigure.objects.order_by("pk").values_list("pk", "month", "members_end"))
    with connection.cursor() as cursor:  # the summary's deferred keys checked now: going back drops its tables
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    call_command("migrate", "members", "0014", verbosity=0)
    assert one("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE]) == "r"
    assert list(MonthlyFigure.objects.order_by("pk").values_list("pk", "month", "members_end")) == before
    call_command("migrate", "members", verbosity=0)

    assert one("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE]) == "p"
    assert list(MonthlyFigure.objects.order_by("pk").values_list("pk", "month", "members_end")) == before
    added = MonthlyFigure.objects.create(
        cdcs=cdcs, federation=federation, month=Month(2026, 1).first_day, members_start=83, members_end=83
    )
    assert added.pk > before[-1][0]
