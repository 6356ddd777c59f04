"""Property-based tests of the Excel importer (issue 9), with hypothesis.

Valid months: random flows for every CĐCS of two federations, consistent with the stock identity,
typed into the portal's template with openpyxl the way a federation fills it, read, previewed and
imported: the stored rows are what was generated, the identity holds on every row, the summary the
reports read agrees with the rows, and the province's report totals are the sum of the federations'.

Malformed sheets: one thing wrong at a time (text, negative or fractional numbers, a missing code
column, a duplicate or unknown code, another month or federation, a broken stock identity, garbage
bytes, a truncated archive): the importer answers with problems, each a Vietnamese message, and
writes nothing (rows and audit unchanged); through the upload view too, never a 500.

Each example runs inside a savepoint that is rolled back, so examples do not see each other."""

import string
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.exports import HEADER_ROW, MONTH_COLUMNS, MONTH_SHEET
from members.grid import FLOW_COLUMNS
from members.imports import SheetRefused, sheet_import, sheet_preview, sheet_read
from members.models import LOSS_FIELDS, AuditEntry, LossReason, MonthlyFigure, Upload
from members.summary import summary_differences
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month

from .sheets import fill, headers, template, to_bytes

MARCH, APRIL = Month(2021, 3), Month(2021, 4)
HEADER = {column.key: column.header for column in MONTH_COLUMNS}
# A CĐCS "lost to its own dissolution" needs a row on the dissolved sheet too: not a plain flow.
REASONS = [reason for reason in LOSS_FIELDS if reason != LossReason.CDCS_DISSOLVED]
EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(federation, other_federation, make_cdcs):
    """Two federations with three and two CĐCS, opening stocks in March (one of them empty)."""
    stocks = {federation: (120, 35, 0), other_federation: (60, 8)}
    return {
        org: [make_cdcs(org, opening=stock, first_month=MARCH) for stock in opening] for org, opening in stocks.items()
    }


@st.composite
def flows(draw, start: int) -> dict[str, int]:
    """One CĐCS's month: the members it gains, then losses that never take it below zero."""
    month = {"admitted": draw(st.integers(0, 300)), "transferred_in": draw(st.integers(0, 40))}
    available = start + month["admitted"] + month["transferred_in"]
    for reason in REASONS:
        lost = draw(st.integers(0, min(available, 60)))
        month[LOSS_FIELDS[reason]] = lost
        available -= lost
    month["workers"] = draw(st.integers(available, available + 500))
    month["typed_end"] = draw(st.booleans())  # the end stock typed in, or left for the portal to compute
    return month


def _typed(month: dict, start: int) -> dict[str, object]:
    values = {HEADER[column]: month.get(column, 0) for column in FLOW_COLUMNS}
    values[HEADER["workers"]] = month["workers"]
    if month["typed_end"]:
        values[HEADER["members_end"]] = _end(month, start)
    return values


def _end(month: dict, start: int) -> int:
    lost = sum(month.get(LOSS_FIELDS[reason], 0) for reason in REASONS)
    return start + month["admitted"] + month["transferred_in"] - lost


def _identity_holds() -> bool:
    for figure in MonthlyFigure.objects.all():
        lost = sum(getattr(figure, column) for column in LOSS_FIELDS.values())
        if figure.members_end != figure.members_start + figure.admitted + figure.transferred_in - lost:
            return False
    return True


@pytest.mark.django_db
@EXAMPLES
@given(data=st.data())
def test_random_valid_months_are_stored_as_generated_and_add_up(
    data, world, province, federation_user, provincial_staff
):
    with rolled_back():
        generated = {}
        for org, unions in world.items():
            months = {cdcs: data.draw(flows(MonthlyFigure.objects.get(cdcs=cdcs).members_end)) for cdcs in unions}
            starts = {cdcs: MonthlyFigure.objects.get(cdcs=cdcs).members_end for cdcs in unions}
            typed = {cdcs.code: _typed(month, starts[cdcs]) for cdcs, month in months.items()}
            sheet = sheet_read(to_bytes(fill(template(org, APRIL), typed)))
            assert sheet.problems == []
            preview = sheet_preview(sheet, federation=org, month=APRIL, user=provincial_staff)
            assert preview.problems == []
            sheet_import(sheet=sheet, federation=org, month=APRIL, version=preview.version, user=provincial_staff)
            generated.update({cdcs: (month, starts[cdcs]) for cdcs, month in months.items()})

        for cdcs, (month, start) in generated.items():
            figure = MonthlyFigure.objects.get(cdcs=cdcs, month=APRIL.first_day)
            stored = {column: getattr(figure, column) for column in (*FLOW_COLUMNS, "workers")}
            assert stored == {column: month.get(column, 0) for column in (*FLOW_COLUMNS, "workers")}
            assert (figure.members_start, figure.members_end) == (start, _end(month, start))
        assert _identity_holds()
        assert summary_differences() == []

        report = progress_report(start=APRIL, end=APRIL, scope=Scope(province))
        total = report.total.figures
        assert total.admitted == sum(month["admitted"] for month, _start in generated.values())
        assert total.members_end == sum(_end(month, start) for month, start in generated.values())
        for name in ("admitted", "transferred_in", "lost", "members_start", "members_end", "net_members"):
            assert getattr(total, name) == sum(getattr(row.figures, name) for row in report.rows), name
        assert total.members_end == total.members_start + total.net_members


# --- malformed sheets ----------------------------------------------------------------------------

NOT_NUMBERS = st.text(alphabet=string.ascii_letters + "đĐêÊôơưăâ-_/?", min_size=1, max_size=12).filter(
    lambda text: not text.strip("-").isdigit()
)


@st.composite
def breakage(draw, codes: list[str]):
    """One thing wrong with a filled template: (kind, how to break the workbook or its bytes)."""
    kind = draw(
        st.sampled_from(
            [
                "text",
                "negative",
                "fraction",
                "no_code_column",
                "duplicate",
                "unknown_code",
                "wrong_month",
                "wrong_org",
                "identity",
                "garbage",
                "truncated",
            ]
        )
    )
    code = draw(st.sampled_from(codes))
    column = draw(st.sampled_from([HEADER[key] for key in ("admitted", "transferred_in", *LOSS_FIELDS.values())]))
    if kind == "text":
        return kind, {"cells": {code: {column: draw(NOT_NUMBERS)}}}
    if kind == "negative":
        return kind, {"cells": {code: {column: -draw(st.integers(1, 10_000))}}}
    if kind == "fraction":
        return kind, {"cells": {code: {column: draw(st.integers(0, 100)) + 0.5}}}
    if kind == "identity":
        return kind, {"cells": {code: {HEADER["admitted"]: 5, HEADER["members_end"]: draw(st.integers(0, 10_000))}}}
    if kind == "unknown_code":
        return kind, {"extra_code": draw(st.sampled_from(["ZZ01", "KHONGCO", "PB01-X"]))}
    if kind == "wrong_month":
        return kind, {"title": ("month", draw(st.sampled_from(["03/2021", "05/2021", "04/2020", "13/2021"])))}
    if kind == "wrong_org":
        return kind, {"title": ("org", draw(st.sampled_from(["PB", "XX", ""])))}
    if kind == "garbage":
        return kind, {"bytes": draw(st.binary(min_size=0, max_size=2000))}
    if kind == "truncated":
        return kind, {"cut": draw(st.floats(0.05, 0.95))}
    return kind, {}


def _broken(federation, kind: str, how: dict) -> bytes:
    if kind == "garbage":
        return how["bytes"]
    workbook = template(federation, APRIL)
    sheet = workbook[MONTH_SHEET]
    columns = headers(sheet)
    codes = [sheet.cell(row=row, column=columns["Mã CĐCS"]).value for row in range(HEADER_ROW + 1, sheet.max_row + 1)]
    fill(workbook, {code: {HEADER["admitted"]: 1} for code in codes if code})  # a change, so a preview is possible
    if "cells" in how:
        fill(workbook, how["cells"])
    if kind == "identity":
        code, values = next(iter(how["cells"].items()))
        start = sheet.cell(row=HEADER_ROW + 1 + codes.index(code), column=columns[HEADER["members_start"]]).value
        if values[HEADER["members_end"]] == (start or 0) + 5:
            values[HEADER["members_end"]] += 1
            fill(workbook, how["cells"])
    if "extra_code" in how:
        fill(workbook, {how["extra_code"]: {HEADER["admitted"]: 3}})
    if kind == "duplicate":
        row = sheet.max_row + 1
        sheet.cell(row=row, column=columns["Mã CĐCS"], value=codes[0])
        sheet.cell(row=row, column=columns[HEADER["admitted"]], value=2)
    if kind == "no_code_column":
        sheet.cell(row=HEADER_ROW, column=columns["Mã CĐCS"]).value = None  # cell(value=None) would keep it
    if "title" in how:
        field, value = how["title"]
        sheet["C4" if field == "org" else "C5"] = value
    data = to_bytes(workbook)
    if kind == "truncated":
        data = data[: int(len(data) * how["cut"])]
    return data


def _counts() -> tuple[int, int, list]:
    figures = MonthlyFigure.objects.order_by("pk").values_list("pk", "admitted", "members_end")
    return MonthlyFigure.objects.count(), AuditEntry.objects.count(), list(figures)


@pytest.mark.django_db
@EXAMPLES
@given(data=st.data())
def test_malformed_sheets_are_refused_with_a_message_and_write_nothing(
    data, world, federation, federation_user, client_for
):
    client = client_for(federation_user)
    codes = [cdcs.code for cdcs in world[federation]]
    kind, how = data.draw(breakage(codes))
    with rolled_back():
        bytes_ = _broken(federation, kind, how)
        before = _counts()

        sheet = sheet_read(bytes_)
        preview = sheet_preview(sheet, federation=federation, month=APRIL, user=federation_user)
        problems = sheet.problems + ([] if sheet.problems else preview.problems)
        assert problems, f"{kind} was not refused"
        assert all(isinstance(problem.message, str) and problem.message.strip() for problem in problems)
        if not sheet.problems:
            with pytest.raises(SheetRefused) as refused:
                sheet_import(
                    sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user
                )
            assert refused.value.problems
        assert _counts() == before

        # The same file through the browser's upload: a page with the reasons, never a 500.
        url = reverse("members:upload", kwargs={"code": federation.code, "month": APRIL})
        response = client.post(url, {"file": SimpleUploadedFile("so-lieu.xlsx", bytes_)})
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            upload = Upload.objects.latest("pk")
            assert upload.outcome == Upload.Outcome.REFUSED and upload.problems
            page = client.get(response.url)
            assert page.status_code == 200 and upload.problems[0]["message"] in page.content.decode()
            confirm = reverse("members:upload_confirm", kwargs={"code": federation.code, "pk": upload.pk})
            assert client.post(confirm).status_code == 302  # "already dealt with": nothing imported
        else:
            assert response.context["form"].errors
        assert _counts() == before
