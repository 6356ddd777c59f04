"""Property-based tests of the Excel importer (issue 9), with hypothesis.

Valid months: random flows for every CĐCS of two federations, consistent with the stock identity,
typed into the portal's template with openpyxl the way a federation fills it, read, previewed and
imported: the stored rows are what was generated, the identity holds on every row, the summary the
reports read agrees with the rows, and the province's report totals are the sum of the federations'.

Any sheet (issue 18): the template filled in any way, valid or not (rows reordered, columns swapped,
huge numbers, a CĐCS founded with or without its row, one dissolved with or without its losses,
later months locked, others saving meanwhile): a preview without problems means the confirmation
succeeds and writes exactly the previewed rows; a preview with problems means it writes nothing.

Malformed sheets: one thing wrong at a time (text, negative or fractional numbers, a missing code
column, a duplicate or unknown code, another month or federation, a broken stock identity, garbage
bytes, a truncated archive): the importer answers with problems, each a Vietnamese message, and
writes nothing (rows and audit unchanged); through the upload view too, never a 500.

Each example runs inside a savepoint that is rolled back, so examples do not see each other."""

import string
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from members.figures.exports import DISSOLVED_SHEET, FOUNDED_SHEET, HEADER_ROW, MONTH_COLUMNS, MONTH_SHEET
from members.figures.grid import FLOW_COLUMNS
from members.figures.services import figures_record
from members.figures.sheet import DISSOLVED_FIELD, sheet_read
from members.figures.sheet_import import SheetRefused, sheet_import, sheet_preview
from members.figures.summary import summary_differences
from members.figures.workflow import return_approve, return_submit
from members.models import (
    FLOW_MAX,
    LOSS_FIELDS,
    STOCK_MAX,
    AuditEntry,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    Upload,
)
from members.services.org import cdcs_dissolve
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month
from unionportal.testing.sheets import fill, headers, list_rows, template, to_bytes

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


# --- any sheet: a preview without problems is a confirmation that writes exactly it (issue 18) ----

MAY = Month(2021, 5)
SMALL = st.integers(0, 12)
HUGE = st.sampled_from([FLOW_MAX, FLOW_MAX + 1, STOCK_MAX + 1, 10**18])
FIGURE_HEADERS = [HEADER[key] for key in FLOW_COLUMNS]
LOSS_HEADERS = [HEADER[LOSS_FIELDS[reason]] for reason in REASONS]
NEW_CODE = "PN50"


@pytest.fixture
def shapes(federation, make_cdcs, federation_user):
    """Five CĐCS in the shapes a row can have in April: carried from March with May already
    entered (an April change runs into May), with April saved already, with no figures at all (its
    first month: the sheet gives its opening stock), carried from March with nothing after, and
    dissolved in April in the register (its members recorded lost to the dissolution)."""
    carried = make_cdcs(federation, opening=60, first_month=MARCH, code="PN01")
    saved = make_cdcs(federation, opening=35, first_month=MARCH, code="PN02")
    first = make_cdcs(federation, code="PN03")
    plain = make_cdcs(federation, opening=20, first_month=MARCH, code="PN04")
    closing = make_cdcs(federation, opening=30, first_month=MARCH, code="PN05")
    figures_record(cdcs=saved, month=APRIL, admitted=2, user=federation_user)
    figures_record(cdcs=carried, month=MAY, admitted=1, user=federation_user)
    cdcs_dissolve(cdcs=closing, on=date(2021, 4, 8), reason="Doanh nghiệp phá sản", user=federation_user)
    return [carried, saved, first, plain, closing]


@st.composite
def any_sheet(draw, codes: list[str]):
    """What someone may do with the month's template, and what others do meanwhile: half the time
    a plausible sheet (most pass; some run into what only the services know: a later month locked,
    a dissolution that does not end at zero), half the time one where mistakes slip in anywhere."""
    return draw(st.one_of(plausible_sheet(codes), messy_sheet(codes)))


def _shuffled_and_founded(draw, codes: list[str]) -> dict:
    return {
        "found": draw(st.booleans()),
        "founded_row": draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(FIGURE_HEADERS[:3]), SMALL))),
        "order": draw(st.permutations(codes)),
        "swap_columns": draw(st.booleans()),
    }


def _now_and_then(draw) -> bool:
    return draw(st.integers(0, 3)) == 0


@st.composite
def plausible_sheet(draw, codes: list[str]):
    rows, meanwhile = {}, {}
    for code in codes:
        cells = {}
        if code != "PN05" or _now_and_then(draw):  # PN05 was dissolved in the register: left alone, mostly
            cells = {header: draw(SMALL) for header in FIGURE_HEADERS[:2] if draw(st.booleans())}
        if code != "PN05":
            cells |= {header: draw(st.integers(0, 2)) for header in LOSS_HEADERS if draw(st.booleans())}
        if code == "PN03":  # its first month: the opening stock
            cells[HEADER["members_start"]] = draw(st.integers(20, 80))
        if draw(st.booleans()):
            cells[HEADER["workers"]] = draw(st.integers(0, 400))
        if code not in ("PN03", "PN05") and HEADER["admitted"] not in cells and draw(st.booleans()):
            meanwhile[code] = draw(st.integers(0, 9))  # someone saves admissions the sheet leaves alone
        rows[code] = cells
    lock_may = _now_and_then(draw)
    return {
        "rows": rows,
        "dissolve": draw(st.sampled_from([None, "PN02", "PN04"])),
        "dissolved_losses": draw(SMALL) if _now_and_then(draw) else None,
        "saved_meanwhile": {} if lock_may else meanwhile,
        "lock_may": lock_may,
        **_shuffled_and_founded(draw, codes),
    }


@st.composite
def messy_sheet(draw, codes: list[str]):
    def count():
        return draw(st.one_of(HUGE, st.none())) if draw(st.integers(0, 9)) == 0 else draw(SMALL)

    rows = {}
    for code in codes:
        cells = {header: count() for header in FIGURE_HEADERS[:2] + LOSS_HEADERS if draw(st.booleans())}
        if draw(st.integers(0, 9)) == 0:  # members lost to a dissolution, whether or not it is dissolved
            cells[HEADER[DISSOLVED_FIELD]] = draw(SMALL)
        if draw(st.integers(0, 4)) == 0:
            cells[HEADER["members_end"]] = draw(st.integers(0, 150))
        if code == "PN03" or draw(st.integers(0, 4)) == 0:
            cells[HEADER["members_start"]] = draw(st.one_of(st.none(), st.integers(0, 80)))
        if draw(st.booleans()):
            cells[HEADER["workers"]] = draw(st.integers(0, 400)) if draw(st.integers(0, 9)) else draw(HUGE)
        rows[code] = cells
    lock_may = draw(st.booleans())
    others = [code for code in codes if code != "PN05"]  # nobody can save a dissolved CĐCS with members left
    meanwhile = st.dictionaries(st.sampled_from(others), st.integers(0, 9), max_size=2)
    return {
        "rows": rows,
        "dissolve": draw(st.one_of(st.none(), st.sampled_from(codes))),  # PN01 has May entered: refused
        "dissolved_losses": draw(st.one_of(st.none(), SMALL)),  # typed in its "CĐCS giải thể" cell
        "saved_meanwhile": {} if lock_may else draw(meanwhile),
        "lock_may": lock_may,
        **_shuffled_and_founded(draw, codes),
    }


def _reorder(workbook, order: list[str], swap_columns: bool) -> None:
    """Rows in another order, and the first two figure columns swapped, headers included."""
    sheet = workbook[MONTH_SHEET]
    first, last = HEADER_ROW + 1, HEADER_ROW + len(order)
    by_code = {
        sheet.cell(row=row, column=2).value: [cell.value for cell in sheet[row]] for row in range(first, last + 1)
    }
    for row, code in zip(range(first, last + 1), order, strict=True):
        for column, value in enumerate(by_code[code], start=1):
            sheet.cell(row=row, column=column).value = value
    if swap_columns:
        columns = headers(sheet)
        left, right = columns[FIGURE_HEADERS[0]], columns[FIGURE_HEADERS[1]]
        for row in range(HEADER_ROW, last + 1):
            a, b = sheet.cell(row=row, column=left), sheet.cell(row=row, column=right)
            a.value, b.value = b.value, a.value


def _write_sheet(federation, how: dict, provincial_staff) -> bytes:
    workbook = template(federation, APRIL)  # downloaded, then others save
    for code, admitted in how["saved_meanwhile"].items():
        figures_record(
            cdcs=GrassrootsUnion.objects.get(code=code), month=APRIL, admitted=admitted, user=provincial_staff,
            members_start=40 if code == "PN03" else None,
        )  # fmt: skip
    if how["lock_may"]:  # every CĐCS needs its May row to be approved
        for code in ("PN02", "PN04"):
            figures_record(cdcs=GrassrootsUnion.objects.get(code=code), month=MAY, user=provincial_staff)
        figures_record(cdcs=GrassrootsUnion.objects.get(code="PN03"), month=MAY, members_start=9, user=provincial_staff)
        return_submit(federation=federation, month=MAY, user=provincial_staff)
        return_approve(federation=federation, month=MAY, user=provincial_staff, warnings_confirmed=True)
    for code, cells in how["rows"].items():
        fill(workbook, {code: {header: value for header, value in cells.items() if value is not None}})
        sheet = workbook[MONTH_SHEET]
        columns = headers(sheet)
        row = next(r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == code)
        for header, value in cells.items():
            if value is None:
                sheet.cell(row=row, column=columns[header]).value = None  # emptied
    if how["dissolve"]:
        list_rows(workbook, DISSOLVED_SHEET, [{"Mã CĐCS": how["dissolve"], "Ngày giải thể": "20/04/2021",
                                               "Lý do giải thể": "Doanh nghiệp phá sản"}])  # fmt: skip
        sheet = workbook[MONTH_SHEET]
        row = next(
            r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == how["dissolve"]
        )
        sheet.cell(row=row, column=headers(sheet)[HEADER[DISSOLVED_FIELD]]).value = how["dissolved_losses"]
    _reorder(workbook, how["order"], how["swap_columns"])
    if how["found"]:
        founded = {"Mã CĐCS": NEW_CODE, "Tên CĐCS": "CĐCS Công ty Mới", "Khu vực": "Hợp tác xã",
                   "Ngày thành lập": "15/04/2021", "Số lao động": 50}  # fmt: skip
        list_rows(workbook, FOUNDED_SHEET, [founded])
        if how["founded_row"] is not None:
            fill(workbook, {NEW_CODE: how["founded_row"]})
    return to_bytes(workbook)


def _month_figures(federation) -> dict[str, dict[str, int]]:
    keys = ("members_start", *FLOW_COLUMNS, "members_end", "workers")
    rows = MonthlyFigure.objects.filter(federation=federation, month=APRIL.first_day).values("cdcs__code", *keys)
    return {row.pop("cdcs__code"): row for row in rows}


def _everything() -> tuple:
    figures = MonthlyFigure.objects.order_by("pk").values_list("pk", "month", *FLOW_COLUMNS, "members_end", "workers")
    unions = GrassrootsUnion.objects.order_by("pk").values_list("code", "dissolved_on")
    return list(figures), list(unions)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_sheet_previewed_without_problems_is_confirmed_writing_exactly_the_preview(
    data, federation, shapes, federation_user, provincial_staff
):
    how = data.draw(any_sheet([cdcs.code for cdcs in shapes]))
    with rolled_back():
        sheet = sheet_read(_write_sheet(federation, how, provincial_staff))
        preview = sheet_preview(sheet, federation=federation, month=APRIL, user=federation_user)
        before, everything = _month_figures(federation), _everything()
        event("refused" if preview.problems else "confirmed")
        if preview.problems:  # and the other way round: what the preview refuses, the import refuses
            with pytest.raises(SheetRefused):
                sheet_import(
                    sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user
                )
            assert _everything() == everything
            return
        imported = sheet_import(
            sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user
        )
        after = _month_figures(federation)
        previewed = {change.cdcs.code: change.after for change in preview.changes}
        assert {code: after[code] for code in previewed} == previewed
        assert {code: values for code, values in after.items() if code not in previewed} == {
            code: values for code, values in before.items() if code not in previewed
        }
        assert [(c.cdcs.code, c.before, c.after) for c in imported.changes] == [
            (c.cdcs.code, c.before, c.after) for c in preview.changes
        ]
        assert GrassrootsUnion.objects.filter(code=NEW_CODE).exists() == bool(preview.founded)
        dissolved = set(GrassrootsUnion.objects.filter(dissolved_on__isnull=False).values_list("code", flat=True))
        assert dissolved == {"PN05", *(item["code"] for item in preview.dissolved)}
        assert _identity_holds()
