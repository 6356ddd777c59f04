"""What happens when a federation-month sheet is uploaded (tải tệp Excel lên), in three steps, each
on unionportal.lib.sheets (the workbook core every import shares):

1. `sheet_read(data)` (here): the bytes checked and opened by sheets.workbook_read, then read
   with the month sheet's column lists (members.figures.exports: MONTH_COLUMNS, FOUNDED_COLUMNS,
   DISSOLVED_COLUMNS) into plain values, tolerant of how people fill sheets ("1.234", "1,234",
   " 12 ", numbers as text, blank rows, reordered headers) and strict where it matters (negative
   or fractional numbers, figures above their ceiling, formulas without a value), with sheet,
   row and column on every problem.
2. `sheet_preview(sheet, federation=…, month=…, user=…)` (members.figures.sheet_import, planned by
   members.figures.sheet_plan): what the file would change, per CĐCS old → new and in total, and
   every problem, each naming its sheet, row, cell (F12) and CĐCS. The services write it all and
   the rows are read back, in a transaction that is rolled back: the preview's checks are the
   import's, and its changes are what the import writes.
3. `sheet_import(...)` (members.figures.sheet_import): in one transaction, checks that nobody saved
   the month since the preview and writes through the services; everything or nothing.

The web upload (members.views.uploads) and `manage.py import_month` both use these."""

from dataclasses import asdict, dataclass, field
from functools import partial
from operator import itemgetter

from django.conf import settings
from django.utils.translation import gettext as _

from members.figures.exports import (
    BASE_KEYS,
    BASE_SHEET,
    BASE_VERSION_LABEL,
    DISSOLVED_COLUMNS,
    DISSOLVED_SHEET,
    FOUNDED_COLUMNS,
    FOUNDED_SHEET,
    MONTH_COLUMNS,
    MONTH_LABEL,
    MONTH_SHEET,
    ORG_CODE_LABEL,
)
from members.figures.grid import FLOW_COLUMNS, column_label
from members.figures.services import FigureEntry
from members.models import LOSS_FIELDS, STOCK_MAX, GrassrootsUnion, LossReason, Organisation, ceiling_of
from unionportal.lib.months import Month
from unionportal.lib.sheets import (
    Header,
    Problem,
    cell_text,
    column_letters,
    find_header,
    missing_columns,
    missing_problem,
    month_text,
    parse_day,
    parse_month,
    parse_number,
    read_rows,
    sheet_named,
    title_values,
    workbook_read,
)

FIGURE_KEYS = ("members_start", *FLOW_COLUMNS, "members_end", "workers")
DISSOLVED_FIELD = LOSS_FIELDS[LossReason.CDCS_DISSOLVED]


@dataclass
class Sheet:
    """What was read from a workbook, as plain values (kept as JSON between preview and import)."""

    org_code: str | None = None
    month: str | None = None  # "YYYY-MM"
    rows: list[dict] = field(default_factory=list)  # {"row": 12, "code": "DT01", "values": {...}}
    founded: list[dict] = field(default_factory=list)
    dissolved: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → {key: column letter}, e.g. "F"
    # What the template was filled from (exports.BASE_SHEET): {"org_code", "month", "version",
    # "rows": {code: {key: int | None}}}; {"unreadable": True} when
    # damaged; None when the file has none (typed from scratch, or a template older than it).
    base: dict | None = None

    def cell(self, sheet: str, key: str, row: int | None) -> str:
        letter = self.columns.get(sheet, {}).get(key)
        return f"{letter}{row}" if letter and row else ""

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "problems"}

    @classmethod
    def from_json(cls, data: dict) -> "Sheet":
        return cls(**data)


def sheet_read(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> Sheet:
    """Read a workbook's bytes. Never raises for a bad file: its problems are in Sheet.problems."""
    sheet = Sheet()
    max_rows = settings.UPLOAD_MAX_ROWS if max_rows is None else max_rows
    workbook_read(data, sheet.problems, lambda workbook: _read_workbook(workbook, sheet, max_rows), max_bytes=max_bytes)
    return sheet


def _read_workbook(workbook, sheet: Sheet, max_rows: int) -> None:
    month_sheet = sheet_named(workbook, MONTH_SHEET, or_first=True)
    rows = month_sheet.iter_rows()
    header = _read_title_and_header(rows, sheet, month_sheet.name)
    if header is None:
        return
    sheet.columns[MONTH_SHEET] = column_letters(header.positions)
    sheet.rows = _rows(rows, header, sheet, month_sheet.name, MONTH_SHEET, _month_row, max_rows)
    for name, columns, target, build in (
        (FOUNDED_SHEET, FOUNDED_COLUMNS, sheet.founded, _founded_row),
        (DISSOLVED_SHEET, DISSOLVED_COLUMNS, sheet.dissolved, _dissolved_row),
    ):
        worksheet = sheet_named(workbook, name)
        if worksheet is None:
            continue
        rows = worksheet.iter_rows()
        found = find_header(rows, columns, key="code")
        if found is not None:
            sheet.columns[name] = column_letters(found.positions)
            target.extend(_rows(rows, found, sheet, worksheet.name, name, build, max_rows))
    worksheet = sheet_named(workbook, BASE_SHEET)
    if worksheet is not None:
        sheet.base = _read_base(worksheet.iter_rows(), max_rows)


def _rows(rows, header: Header, sheet: Sheet, title: str, where: str, build, max_rows: int) -> list[dict]:
    """The rows of one of the workbook's sheets, each built by `build` with its problems noted."""
    cell = _Cells(sheet, title, where, header)
    return read_rows(rows, header, max_rows=max_rows, problems=sheet.problems, sheet=title, build=partial(build, cell))


def _read_base(rows, max_rows: int) -> dict:
    """The template's record of what it was filled from (exports._base_sheet); a record that
    does not read as one is unusable, never a reason to refuse the file."""
    try:
        title = [cell_text(value) for value in next(rows)]
        header = [cell_text(value) for value in next(rows)]
        if title[0] != ORG_CODE_LABEL or title[4] != BASE_VERSION_LABEL:
            raise ValueError(title)
        month = parse_month(title[3])
        keys = [(index, key) for index, key in enumerate(header) if key in BASE_KEYS]
        version = parse_number(title[5], maximum=STOCK_MAX)
        base = {"org_code": title[1], "month": month.iso, "version": version, "rows": {}}
        for number, values in enumerate(rows):
            if number >= max_rows:
                raise ValueError(number)
            code = cell_text(values[0])
            if code:
                base["rows"][code] = {
                    key: parse_number(values[index] if index < len(values) else None, maximum=STOCK_MAX)
                    for index, key in keys
                }
        return base
    except (StopIteration, IndexError, ValueError, AttributeError):
        return {"unreadable": True}


def _title_value(values, sheet: Sheet) -> None:
    found = title_values(values, (ORG_CODE_LABEL, MONTH_LABEL))
    if ORG_CODE_LABEL in found:
        sheet.org_code = cell_text(found[ORG_CODE_LABEL])
    if MONTH_LABEL in found:
        sheet.month = month_text(found[MONTH_LABEL])


def _read_title_and_header(rows, sheet: Sheet, title: str) -> Header | None:
    found = find_header(rows, MONTH_COLUMNS, key="code", title=lambda values: _title_value(values, sheet))
    if found is None:
        message = _("Không thấy dòng tiêu đề có cột “Mã CĐCS”. Hãy dùng mẫu tải từ cổng thông tin.")
        sheet.problems.append(Problem(title, None, "", message))
        return None
    missing = missing_columns(found.positions, MONTH_COLUMNS, FLOW_COLUMNS)
    if missing:
        sheet.problems.append(missing_problem(title, found.row, missing))
        return None
    if not sheet.org_code or not sheet.month:
        message = _("Không thấy “%(org)s” và “%(month)s” ở đầu trang tính. Hãy dùng mẫu tải từ cổng thông tin.")
        sheet.problems.append(Problem(title, None, "", message % {"org": ORG_CODE_LABEL, "month": MONTH_LABEL}))
    return found


class _Cells:
    """Where a row's problems go: the sheet's title, its column headers and cell names."""

    def __init__(self, sheet: Sheet, title: str, where: str, header: Header):
        self.sheet, self.title, self.where = sheet, title, where
        columns = {FOUNDED_SHEET: FOUNDED_COLUMNS, DISSOLVED_SHEET: DISSOLVED_COLUMNS}.get(where, MONTH_COLUMNS)
        self.headers = {column.key: column.header for column in columns}

    def problem(self, number: int, key: str, message: str, code: str | None = None) -> None:
        cell = self.sheet.cell(self.where, key, number)
        self.sheet.problems.append(Problem(self.title, number, self.headers[key], message, cell=cell, cdcs=code or ""))

    def code(self, cells, number: int) -> str | None:
        code = cell_text(cells.get("code"))
        if not code:
            self.problem(number, "code", _("Thiếu mã CĐCS."))
            return None
        return code


def _month_row(cell: _Cells, cells, number: int) -> dict | None:
    code = cell.code(cells, number)
    values = {}
    for key in FIGURE_KEYS:
        if key not in cells:
            continue
        try:
            values[key] = parse_number(cells[key], maximum=ceiling_of(key))
        except ValueError as error:
            cell.problem(number, key, f"{error}.", code)
    return {"row": number, "code": code, "values": values} if code else None


def _founded_row(cell: _Cells, cells, number: int) -> dict | None:
    code = cell.code(cells, number)
    item = {"row": number, "code": code}
    for key in ("name", "employer", "sector", "founding_decision"):
        item[key] = cell_text(cells.get(key))
    try:
        item["founded_on"] = parse_day(cells.get("founded_on")).isoformat()
    except ValueError as error:
        cell.problem(number, "founded_on", f"{error}.", code)
    try:
        item["workers"] = parse_number(cells.get("workers"), maximum=STOCK_MAX) or 0
    except ValueError as error:
        cell.problem(number, "workers", f"{error}.", code)
    return item if code else None


def _dissolved_row(cell: _Cells, cells, number: int) -> dict | None:
    code = cell.code(cells, number)
    item = {"row": number, "code": code, "reason": cell_text(cells.get("reason"))}
    try:
        item["dissolved_on"] = parse_day(cells.get("dissolved_on")).isoformat()
    except ValueError as error:
        cell.problem(number, "dissolved_on", f"{error}.", code)
    return item if code else None


# --- what a sheet would change (members.figures.sheet_plan fills it) ---------------------------------


@dataclass
class Change:
    """One CĐCS's figures of the month: what is saved and what the import writes."""

    cdcs: GrassrootsUnion
    row: int | None  # of the month sheet; None: only its dissolution writes it
    before: dict[str, int] | None  # None: no figures saved yet for the month
    after: dict[str, int]
    changed: list[str]  # the figures that differ
    new_cdcs: bool = False


@dataclass
class Kept:
    """A cell the file left as the template had it, where someone has saved another value since:
    the saved value stays."""

    cell: str
    code: str
    label: str
    shown: int | None  # in the template
    saved: int  # now, and after the import


@dataclass
class Preview:
    federation: Organisation
    month: Month
    version: int  # of the month's return, when previewed
    changes: list[Change] = field(default_factory=list)  # rows that change something, in file order
    unchanged: int = 0
    missing: list[GrassrootsUnion] = field(default_factory=list)  # active that month, not in the file
    founded: list[dict] = field(default_factory=list)
    dissolved: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing before confirming; not in the way
    kept: list[Kept] = field(default_factory=list)
    totals_before: dict[str, int] = field(default_factory=dict)
    totals_after: dict[str, int] = field(default_factory=dict)
    # The plan: what members.figures.sheet_import writes through the services, and what it starts from.
    entries: list[FigureEntry] = field(default_factory=list, repr=False)
    rows: dict[str, int] = field(default_factory=dict, repr=False)  # CĐCS code → its row in the month sheet
    unions: dict[str, GrassrootsUnion] = field(default_factory=dict, repr=False)  # code → CĐCS (unsaved: founded)
    saved: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)  # code → its figures before
    columns: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)  # as Sheet.columns

    def refuse(self, sheet: str, row: int | None, column: str, message: str, *, cell: str = "", cdcs: str = ""):
        self.problems.append(Problem(sheet, row, column, message, cell=cell, cdcs=cdcs))

    def cell(self, sheet: str, key: str, row: int | None) -> str:
        letter = self.columns.get(sheet, {}).get(key)
        return f"{letter}{row}" if letter and row else ""

    @property
    def blocked(self) -> bool:
        """Not this federation-month's sheet, unreadable, locked or not the user's to change: row
        checks would only add noise."""
        return any(problem.row is None and problem.column == "" and not problem.cdcs for problem in self.problems)

    def set_totals(self, after: dict[str, dict[str, int]]) -> None:
        """The month's totals as saved and as they would be: `after` has the rows that change."""
        keys = ("members_start", *FLOW_COLUMNS, "members_end")
        self.totals_before, self.totals_after = (
            _column_sums(rows, keys) for rows in (self.saved, {**self.saved, **after})
        )

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.founded or self.dissolved)

    @property
    def can_import(self) -> bool:
        return not self.problems and self.has_changes

    @property
    def totals(self) -> list[tuple[str, int, int]]:
        return [
            (column_label(key), self.totals_before.get(key, 0), self.totals_after.get(key, 0))
            for key in ("members_start", *FLOW_COLUMNS, "members_end")
        ]


def _column_sums(rows: dict[str, dict[str, int]], keys: tuple[str, ...]) -> dict[str, int]:
    """Each key's sum over the rows: a month sheet's 20,000 of them, column by column."""
    if not rows:
        return dict.fromkeys(keys, 0)
    columns = zip(*map(itemgetter(*keys), rows.values()), strict=True)
    return dict(zip(keys, map(sum, columns), strict=True))
