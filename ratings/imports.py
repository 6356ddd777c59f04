"""What happens when a self-assessment sheet is uploaded, in three steps on unionportal.lib.sheets, as every import:

1. `scores_read(data)`: the bytes are checked and opened by unionportal.lib.sheets.workbook_read, then
   read: the header row (by "Mã CĐCS"), one column per criterion recognised by its code, scores
   as whole numbers; every problem noted with its row and column.
2. `scores_preview(read, rubric=…, federation=…)`: each line checked against the year's rubric
   and the federation's CĐCS (unknown or final CĐCS, scores above the maximum, another
   federation's or year's sheet), with each CĐCS's total and level before → after. Writes nothing.
3. `scores_import(...)`: previews again and, only when there is no problem, writes every line
   through services.assessments_self_save in one transaction. Everything or nothing."""

import re
from dataclasses import asdict, dataclass, field
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.access import can_write
from members.models import STOCK_MAX, Organisation
from unionportal.lib.sheets import (
    Column,
    Header,
    ImportRefused,
    Problem,
    cell_text,
    find_header,
    normal,
    parse_number,
    read_rows,
    sheet_named,
    title_values,
    workbook_read,
)

from .exports import CODE_HEADER, NAME_HEADER, ORG_LABEL, SHEET, YEAR_LABEL
from .models import RatingUpload, Rubric
from .scoring import score_problem
from .selectors import Rules, federation_rows, rubric_rules
from .services import Source, assessments_self_save

MAX_ROWS = 5000


@dataclass
class ScoreSheet:
    """What was read, as plain values (kept as JSON between preview and import)."""

    org_code: str = ""
    year: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # criterion code → header as written
    rows: list[dict] = field(default_factory=list)  # {"row": 6, "code": "DT01", "scores": {"1.1": 8, …}}
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "problems"}

    @classmethod
    def from_json(cls, data: dict) -> "ScoreSheet":
        return cls(**{key: value for key, value in data.items() if key in ("org_code", "year", "columns", "rows")})


_CODE_COLUMNS = [
    Column("number", "STT", ("tt", "số tt", "số thứ tự")),
    Column("code", CODE_HEADER, ("mã cđcs", "mã công đoàn cơ sở")),
    Column("name", NAME_HEADER, ("tên công đoàn cơ sở",)),
]
_CRITERION = re.compile(r"^\s*([^\s(]+)")


def scores_read(data: bytes, *, max_bytes: int | None = None) -> ScoreSheet:
    """Never raises for a bad file: its problems are in ScoreSheet.problems."""
    sheet = ScoreSheet()
    workbook_read(data, sheet.problems, lambda workbook: _read(workbook, sheet), max_bytes=max_bytes)
    return sheet


def _read(workbook, sheet: ScoreSheet) -> None:
    worksheet = sheet_named(workbook, SHEET, or_first=True)
    title = worksheet.name
    rows = worksheet.iter_rows()
    header = find_header(rows, _CODE_COLUMNS, key="code", title=lambda values: _title_value(values, sheet))
    if header is None:
        message = _("Không thấy dòng tiêu đề có cột “Mã CĐCS”. Hãy dùng mẫu tải từ cổng thông tin.")
        sheet.problems.append(Problem(title, None, "", message))
        return
    criteria = {}  # criterion code → position (the last column of a code read twice)
    for index, value in enumerate(header.values):
        text = cell_text(value)
        if index in header.positions.values() or not text:
            continue
        match = _CRITERION.match(text)
        if match:
            criteria[match.group(1)] = index
            sheet.columns[match.group(1)] = text
    scores = Header(header.row, {"code": header.positions["code"], **criteria}, header.values)
    build = partial(_score_row, sheet, title)
    sheet.rows = read_rows(rows, scores, max_rows=MAX_ROWS, problems=sheet.problems, sheet=title, build=build)


def _score_row(sheet: ScoreSheet, title: str, cells, number: int) -> dict | None:
    code = cell_text(cells.pop("code"))
    if not code:
        sheet.problems.append(Problem(title, number, CODE_HEADER, _("Thiếu mã CĐCS.")))
        return None
    scores = {}
    for crit, value in cells.items():
        try:
            scores[crit] = parse_number(value, maximum=STOCK_MAX)
        except ValueError as error:
            sheet.problems.append(Problem(title, number, sheet.columns[crit], _("Điểm %(error)s.") % {"error": error}))
    return {"row": number, "code": code, "scores": scores}


def _title_value(values, sheet: ScoreSheet) -> None:
    found = title_values(values, (ORG_LABEL, YEAR_LABEL))
    if ORG_LABEL in found:
        sheet.org_code = cell_text(found[ORG_LABEL])
    if YEAR_LABEL in found:
        sheet.year = cell_text(found[YEAR_LABEL])


@dataclass
class Change:
    row: int
    code: str
    name: str
    before: int | None  # total before, None: not assessed yet
    after: int
    level_before: str
    level_after: str
    complete: bool


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    scores: dict[int, dict[int, int | None]] = field(default_factory=dict)  # what the service is given

    def refuse(self, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(SHEET, row, column, message))


def scores_preview(sheet: ScoreSheet, *, rubric: Rubric, federation: Organisation) -> Preview:
    """What the sheet would write for the federation's CĐCS in the rubric's year, and every
    reason it cannot. Writes nothing."""
    preview = Preview(problems=list(sheet.problems))
    rules: Rules = rubric_rules(rubric=rubric)
    by_code = {criterion.code: criterion for criterion in rules.criteria}
    _check_sheet(sheet, preview, rubric=rubric, federation=federation, by_code=by_code)
    rows = {row.cdcs.code.casefold(): row for row in federation_rows(rubric=rubric, federation=federation)}
    seen = {}
    for item in sheet.rows:
        number, code = item["row"], item["code"]
        row = rows.get(code.casefold())
        if code.casefold() in seen:
            message = _("%(code)s đã có ở dòng %(row)s.") % {"code": code, "row": seen[code.casefold()]}
            preview.refuse(number, CODE_HEADER, message)
            continue
        seen[code.casefold()] = number
        if row is None:
            message = _("%(code)s không phải CĐCS %(org)s đánh giá năm %(year)s.") % {
                "code": code,
                "org": federation.code,
                "year": rubric.year,
            }
            preview.refuse(number, CODE_HEADER, message)
            continue
        _preview_row(item, row, preview, sheet=sheet, rules=rules, by_code=by_code)
    if not sheet.rows and not preview.problems:
        preview.refuse(None, "", _("Tệp không có dòng nào có mã CĐCS."))
    return preview


def _check_sheet(sheet: ScoreSheet, preview: Preview, *, rubric: Rubric, federation: Organisation, by_code) -> None:
    """The sheet as a whole: the federation's, the year's, open, with the year's criteria."""
    if sheet.org_code and normal(sheet.org_code) != normal(federation.code):
        message = _("Tệp này của đơn vị %(code)s, không phải %(org)s.") % {
            "code": sheet.org_code,
            "org": federation.code,
        }
        preview.refuse(None, ORG_LABEL, message)
    if sheet.year and sheet.year != str(rubric.year):
        message = _("Tệp này của năm %(file)s, không phải năm %(year)s.") % {"file": sheet.year, "year": rubric.year}
        preview.refuse(None, YEAR_LABEL, message)
    if rubric.is_closed:
        preview.refuse(None, "", _("Năm %(year)s đã khóa đánh giá: không nhận tệp.") % {"year": rubric.year})
    missing = [code for code in by_code if code not in sheet.columns]
    if sheet.rows and missing:
        preview.refuse(None, "", _("Thiếu cột tiêu chí: %(codes)s.") % {"codes": ", ".join(missing)})
    for code, header in sheet.columns.items():
        if code not in by_code:
            message = _("Cột “%(header)s” không phải tiêu chí năm %(year)s.") % {"header": header, "year": rubric.year}
            preview.refuse(None, header, message)


def _preview_row(item: dict, row, preview: Preview, *, sheet: ScoreSheet, rules: Rules, by_code) -> None:
    """One CĐCS's line: its scores checked against the criteria, and its total before → after."""
    number = item["row"]
    scores = {}
    for crit_code, value in item["scores"].items():
        criterion = by_code.get(crit_code)
        if criterion is None:
            continue
        problem = score_problem(value, criterion)
        if problem:
            preview.refuse(number, sheet.columns.get(crit_code, crit_code), problem)
        scores[criterion.id] = value
    entered = {pk: value for pk, value in scores.items() if value is not None}
    if row.self_scores == entered:
        preview.unchanged += 1
        return
    if row.is_final:
        message = _("%(code)s đã chốt kết quả, không sửa điểm tự chấm được nữa.") % {"code": row.cdcs.code}
        preview.refuse(number, CODE_HEADER, message)
        return
    result = rules.result(scores)
    old = row.assessment
    preview.scores[row.cdcs.pk] = scores
    preview.changes.append(
        Change(
            row=number,
            code=row.cdcs.code,
            name=row.cdcs.name,
            before=old.self_total if old else None,
            after=result.total,
            level_before=str(old.self_level or "") if old else "",
            level_after=result.level.name if result.level else "",
            complete=result.complete,
        )
    )


class ScoresRefused(ImportRefused):
    """The self-assessment sheet wrote nothing."""


def scores_import(
    *, sheet: ScoreSheet, rubric: Rubric, federation: Organisation, user, source: str = Source.UPLOAD
) -> Preview:
    """Write the sheet, or nothing (ScoresRefused)."""
    if user is not None and not can_write(user, federation):
        raise PermissionDenied(_("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": federation.name})
    try:
        with transaction.atomic():
            preview = scores_preview(sheet, rubric=rubric, federation=federation)
            if preview.problems:
                raise ScoresRefused(preview.problems)
            if preview.scores:
                assessments_self_save(
                    rubric=rubric, federation=federation, scores=preview.scores, user=user, source=source
                )
    except ScoresRefused:
        raise
    except ValidationError as error:
        raise ScoresRefused([Problem("", None, "", message) for message in error.messages]) from None
    return preview


# --- the upload record -------------------------------------------------------------------------


def upload_receive(*, data: bytes, file_name: str, rubric: Rubric, federation: Organisation, user):
    """Read and preview a sheet and keep what was read. Returns (upload, sheet, preview)."""
    sheet = scores_read(data)
    preview = scores_preview(sheet, rubric=rubric, federation=federation)
    upload = RatingUpload.receive(
        data=data,
        file_name=file_name or "tu-cham-diem.xlsx",
        user=user,
        problems=preview.problems,
        parsed=sheet.as_json(),
        rubric=rubric,
        federation=federation,
    )
    return upload, sheet, preview


def upload_finish(upload: RatingUpload, *, user, imported: Preview | None = None, refused: ScoresRefused | None = None):
    """Note what became of an upload; what was read stays (the sheet holds no personal data)."""
    counts = None if imported is None else {"rows_changed": len(imported.changes)}
    upload.finish(user=user, imported=counts, refused=refused, forget=False)
