"""The bulk writers behind the importer and the grid write exactly what the ORM would, on both
databases: text with quotes, commas, new lines and backslashes, JSON, NULLs, dates."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from members.audit import audit_entry, audit_many
from members.figures.services import figures_record
from members.models import AuditEntry, Member, MemberTransfer, MonthlyFigure
from organising.models import Enterprise
from organising.services import ListChanges, enterprises_import
from unionportal.lib import bulk
from unionportal.lib.bulk import COPY_FROM, insert_many, update_many
from unionportal.lib.months import Month

AWKWARD = 'CĐCS "Hòa Bình", số 2\nđường \\N; 50% ,'


def test_insert_many_writes_text_json_and_nulls_as_given(federation):
    audit_many(
        [
            audit_entry(None, "bulk.test", None, federation=federation, month=Month(2021, 3), note=AWKWARD, none=None),
            audit_entry(None, "bulk.test", None),
        ]
    )
    first, second = AuditEntry.objects.filter(action="bulk.test").order_by("id")
    assert first.data == {"note": AWKWARD, "none": None}
    assert (first.federation, first.month, first.at is not None) == (federation, Month(2021, 3).first_day, True)
    assert (second.federation, second.month, second.object_repr, second.user) == (None, None, "", None)


def test_insert_many_returns_the_new_keys_and_update_many_changes_each_row_its_way(federation, make_cdcs):
    first = make_cdcs(federation, opening=10, first_month=Month(2021, 3))
    second = make_cdcs(federation, opening=20, first_month=Month(2021, 3))
    rows = [
        MonthlyFigure(cdcs=cdcs, federation=federation, month=Month(2021, 4).first_day, members_start=start,
                      members_end=start, workers=50)
        for cdcs, start in ((first, 10), (second, 20))
    ]  # fmt: skip
    insert_many(rows, returning=True)
    assert [row.pk for row in rows] == list(
        MonthlyFigure.objects.filter(month=Month(2021, 4).first_day).order_by("id").values_list("id", flat=True)
    )
    rows[0].acknowledged_warnings, rows[0].workers = ["jump", AWKWARD], 7
    rows[1].acknowledged_warnings, rows[1].workers = [], 0
    update_many(rows, ["acknowledged_warnings", "workers"])
    saved = {row.pk: row for row in MonthlyFigure.objects.filter(pk__in=[row.pk for row in rows])}
    assert (saved[rows[0].pk].acknowledged_warnings, saved[rows[0].pk].workers) == (["jump", AWKWARD], 7)
    assert (saved[rows[1].pk].acknowledged_warnings, saved[rows[1].pk].workers) == ([], 0)


@pytest.mark.parametrize("copy_from", [1_000, 1], ids=["values", "copy"])
def test_update_many_finds_each_monthly_row_whether_it_carries_its_month_or_only_its_key(
    federation, make_cdcs, monkeypatch, copy_from
):
    """On PostgreSQL the rows are kept a table per year and matched on their month too; a row made
    from its key alone is still found, and so is a row whose month is what changes."""
    monkeypatch.setattr(bulk, "COPY_FROM", copy_from)
    cdcs = [make_cdcs(federation, opening=10, first_month=Month(2021, 3)) for _ in range(3)]
    for union in cdcs:
        figures_record(cdcs=union, month=Month(2022, 1), admitted=1, user=None)
    loaded = list(MonthlyFigure.objects.filter(month=Month(2021, 3).first_day).order_by("id"))
    for row in loaded:
        row.workers = 70
    update_many(loaded, ["workers"])
    january = list(MonthlyFigure.objects.filter(month=Month(2022, 1).first_day).order_by("id"))
    update_many([MonthlyFigure(pk=row.pk, workers=80) for row in january], ["workers"])
    moved = january[0]
    moved.month = Month(2022, 2).first_day
    update_many([moved], ["month"])

    workers = dict(MonthlyFigure.objects.values_list("month", "workers").order_by("month").distinct())
    assert workers == {Month(2021, 3).first_day: 70, Month(2022, 1).first_day: 80, Month(2022, 2).first_day: 80}
    assert MonthlyFigure.objects.filter(month=Month(2022, 2).first_day).get().pk == moved.pk


def test_a_figure_written_through_the_bulk_path_is_audited(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=10, first_month=Month(2021, 3), code="T-1")
    figures_record(cdcs=cdcs, month=Month(2021, 4), admitted=2, user=None)
    entry = AuditEntry.objects.filter(action="figures.record", month=Month(2021, 4).first_day).get()
    assert entry.object_repr == "T-1 04/2021" and entry.data["changes"]["admitted"] == [None, 2]


def test_an_enterprise_written_through_the_bulk_path_is_stored_and_audited_with_its_awkward_name(federation):
    """A CĐCS code can no longer hold such text (unionportal.lib.text's rule); a name can."""
    enterprise = Enterprise(name=AWKWARD, tax_code="4600100001", federation=federation, sector="private")
    enterprises_import(changes=ListChanges(created=[enterprise]), on=date(2021, 4, 1), user=None)
    assert Enterprise.objects.get().name == AWKWARD
    assert AuditEntry.objects.get(action="enterprise.create").object_repr == f"{AWKWARD} (4600100001)"


def test_dates_and_times_read_back_as_written(federation, make_cdcs):
    """The bulk path converts dates and aware datetimes itself, not through the ORM's fields: they
    must read back as the same day and the same instant, on either database."""
    cdcs, other = make_cdcs(federation), make_cdcs(federation)
    moment = timezone.make_aware(datetime(2021, 3, 31, 23, 30, 15, 250), timezone.get_current_timezone())
    member = Member(cdcs=cdcs, full_name="A", search_name=" a ", joined_on=date(2021, 3, 31), born_on=date(1990, 1, 2))
    insert_many([member], returning=True)
    insert_many([MemberTransfer(member=member, from_cdcs=cdcs, to_cdcs=other, status="rejected", decided_at=moment)])

    saved = Member.objects.get(pk=member.pk)
    assert (saved.joined_on, saved.born_on) == (date(2021, 3, 31), date(1990, 1, 2))
    assert abs(saved.created_at - timezone.now()) < timedelta(minutes=1)  # auto_now_add, not shifted by hours
    assert MemberTransfer.objects.get().decided_at == moment
    assert MemberTransfer.objects.filter(decided_at__date=date(2021, 3, 31)).exists()  # the local day


def test_update_many_of_many_rows_writes_text_json_nulls_and_times_as_given(federation):
    """From COPY_FROM rows, PostgreSQL updates through a scratch table filled by COPY: the same
    values read back, on either database."""
    entries = [audit_entry(None, "bulk.test", None, number=number) for number in range(COPY_FROM + 5)]
    insert_many(entries, returning=True)
    moment = timezone.make_aware(datetime(2021, 3, 31, 23, 30, 15, 250), timezone.get_current_timezone())
    for number, entry in enumerate(entries):
        entry.object_repr = AWKWARD if number % 2 else ""
        entry.data = {"note": AWKWARD, "number": number} if number % 3 else {}
        entry.federation, entry.month, entry.at = (
            (federation, date(2021, 3, 1), moment) if number % 2 else (None, None, moment)
        )
    update_many(entries, ["object_repr", "data", "federation", "month", "at"])
    saved = {entry.pk: entry for entry in AuditEntry.objects.filter(action="bulk.test")}
    for number, entry in enumerate(entries):
        row = saved[entry.pk]
        expected = (AWKWARD, {"note": AWKWARD, "number": number} if number % 3 else {}, federation.pk, date(2021, 3, 1))
        if not number % 2:
            expected = ("", expected[1], None, None)
        assert (row.object_repr, row.data, row.federation_id, row.month) == expected
        assert row.at == moment
