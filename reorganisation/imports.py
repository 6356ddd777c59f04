"""A plan's Excel list read back (reorganisation.workbook writes it), the first of an import's three
steps on unionportal.lib.sheets: the bytes checked as every upload is (sheets.workbook_read: size,
kind, zip bomb, extent, formulas without a value), each sheet found by name, its headers by name or
alias under any title rows, blank rows skipped, and each cell read as people fill it: the effective
month as 07/2025 or an Excel date, the action in words (the drop-down's, the model's, or a few
others people use), sectors and kinds by their labels. What a cell cannot be is a Problem naming
its sheet, row and column. Nothing here reads the database: reorganisation.uploads matches the
codes and asks the plan's own checks (plan_problems)."""

from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.utils.translation import gettext as _

from members.models import Sector
from targets.models import Programme
from unionportal.lib.sheets import (
    Column,
    Problem,
    cell_text,
    find_header,
    header_of,
    normal,
    parse_month,
    parse_number,
    read_rows,
    sheet_named,
    workbook_read,
)
from unionportal.lib.xlsx import unescape_text

from .models import UNION_KINDS, Plan, PlanLine
from .workbook import (
    ACTION_ALIASES,
    ACTION_WORDS,
    ENDING_COLUMNS,
    ENDINGS_SHEET,
    LINE_COLUMNS,
    LINES_SHEET,
    NEW_CDCS_COLUMNS,
    NEW_CDCS_SHEET,
    NEW_UNION_COLUMNS,
    NEW_UNIONS_SHEET,
    PLAN_ALIASES,
    PLAN_LABELS,
    PLAN_SHEET,
    QUOTA_COLUMNS,
    QUOTAS_SHEET,
    READ_ONLY,
    RULE_WORDS,
)

QUOTA_MAX = 10_000_000  # a year's quota of a whole province is far below


def _words(pairs) -> dict[str, str]:
    return {normal(word): value for value, words in pairs for word in words}


ACTIONS = _words(
    (action, (ACTION_WORDS[action], label, action, *ACTION_ALIASES[action]))
    for action, label in PlanLine.Action.choices
)
RULES = _words((rule, (RULE_WORDS[rule], label, rule)) for rule, label in Plan.QuotaRule.choices)
RULES |= {normal("theo số đoàn viên"): Plan.QuotaRule.MEMBERS, normal("theo số nhập cho từng đơn vị"): "typed"}
SECTORS = _words((value, (label, value)) for value, label in Sector.choices)
KINDS = _words((value, (label, value)) for value, label in UNION_KINDS)


@dataclass
class PlanRead:
    """What a plan's workbook holds, each line with its row in its sheet (PlanLine.line_no is the
    row of the CĐCS sheet); kept as JSON on the upload until it is confirmed."""

    header: dict = field(default_factory=dict)  # name, decision, effective_month ("2025-07"), quota_rule, note
    header_rows: dict = field(default_factory=dict)  # header key → its row on the "Đề án" sheet
    endings: list[dict] = field(default_factory=list)  # {"row", "code"}
    new_unions: list[dict] = field(default_factory=list)  # {"row", "code", "name", "kind"}
    lines: list[dict] = field(default_factory=list)  # {"row", "cdcs", "action", "union_code", "target_code"}
    new_cdcs: list[dict] = field(default_factory=list)  # {"row", "code", "name", "employer", "sector", "union_code"}
    quotas: list[dict] = field(default_factory=list)  # {"row", "from_code", "union_code", "programme", "year", …}
    problems: list[Problem] = field(default_factory=list)

    PARTS = ("header", "header_rows", "endings", "new_unions", "lines", "new_cdcs", "quotas")

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in self.PARTS}

    @classmethod
    def from_json(cls, data: dict) -> "PlanRead":
        return cls(**{name: data.get(name) or ({} if name.startswith("header") else []) for name in cls.PARTS})


def plan_read(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> PlanRead:
    """Read a plan's bytes. Never raises for a bad file: its problems are in .problems."""
    read = PlanRead()
    max_rows = settings.UPLOAD_MAX_ROWS if max_rows is None else max_rows
    workbook_read(data, read.problems, partial(_read_workbook, read=read, max_rows=max_rows), max_bytes=max_bytes)
    return read


def _read_workbook(workbook, *, read: PlanRead, max_rows: int) -> None:
    sheet = sheet_named(workbook, PLAN_SHEET)
    if sheet is None:
        message = _("Không thấy trang “%(sheet)s”. Hãy dùng mẫu tải từ trang Sắp xếp tổ chức.") % {"sheet": PLAN_SHEET}
        read.problems.append(Problem(PLAN_SHEET, None, "", message))
        return
    _read_header(sheet.iter_rows(), read)
    lists = (
        (ENDINGS_SHEET, ENDING_COLUMNS, "code", True, _ending_row, read.endings),
        (NEW_UNIONS_SHEET, NEW_UNION_COLUMNS, "code", False, _new_union_row, read.new_unions),
        (LINES_SHEET, LINE_COLUMNS, "cdcs", True, _line_row, read.lines),
        (NEW_CDCS_SHEET, NEW_CDCS_COLUMNS, "code", False, _new_cdcs_row, read.new_cdcs),
        (QUOTAS_SHEET, QUOTA_COLUMNS, "from_code", False, _quota_row, read.quotas),
    )
    for name, columns, key, required, build, into in lists:
        into.extend(_read_list(workbook, read.problems, name, columns, key, required, build, max_rows))


def _read_header(rows, read: PlanRead) -> None:
    """The label/value rows of the "Đề án" sheet, wherever they are."""
    labels = {normal(alias): key for key, label in PLAN_LABELS.items() for alias in (label, *PLAN_ALIASES[key])}
    for number, values in enumerate(rows, start=1):
        cells = [value for value in values if cell_text(value)]
        if not cells or (key := labels.get(normal(cells[0]))) is None or key in read.header_rows:
            continue
        read.header_rows[key] = number
        read.header[key] = cells[1] if len(cells) > 1 else None

    def refuse(key, message):
        read.problems.append(Problem(PLAN_SHEET, read.header_rows.get(key), PLAN_LABELS[key], message))

    header = read.header
    for key in ("name", "decision", "note"):
        header[key] = unescape_text(cell_text(header.get(key)))
    if not header["name"]:
        refuse("name", _("Thiếu tên đề án."))
    month_cell = header.get("effective_month")
    month = parse_month(month_cell)
    header["effective_month"] = month.iso if month else ""
    if month is None:
        typed = cell_text(month_cell)[:20]
        refuse("effective_month", _("Tháng có hiệu lực “%(text)s” không đúng: hãy ghi dạng mm/yyyy, ví dụ 07/2025.")
               % {"text": typed} if typed else _("Thiếu tháng có hiệu lực (mm/yyyy)."))  # fmt: skip
    rule = cell_text(header.get("quota_rule"))
    header["quota_rule"] = RULES.get(normal(rule), "") if rule else Plan.QuotaRule.MEMBERS
    if not header["quota_rule"]:
        words = " / ".join(f"“{word}”" for word in RULE_WORDS.values())
        refuse("quota_rule", _("Cách chuyển chỉ tiêu “%(text)s” không có: ghi %(words)s.")
               % {"text": rule[:40], "words": words})  # fmt: skip


def _read_list(workbook, problems, name, columns, key, required, build, max_rows) -> list[dict]:
    sheet = sheet_named(workbook, name)
    if sheet is None:
        if required:
            message = _("Không thấy trang “%(sheet)s”. Hãy dùng mẫu tải từ trang Sắp xếp tổ chức.") % {"sheet": name}
            problems.append(Problem(name, None, "", message))
        return []
    rows = sheet.iter_rows()
    header = find_header(rows, columns, key=key)
    if header is None:
        message = _("Không thấy dòng tiêu đề có cột “%(column)s”.") % {"column": header_of(columns, key)}
        problems.append(Problem(name, None, "", message))
        return []
    for skipped in READ_ONLY.get(name, ()):
        header.positions.pop(skipped, None)
    refuse = partial(_refuse, problems, name, columns)
    return read_rows(rows, header, max_rows=max_rows, problems=problems, sheet=name,
                     build=lambda cells, number: build(cells, number, refuse))  # fmt: skip


def _refuse(problems, sheet: str, columns: list[Column], row: int, key: str, message: str) -> None:
    problems.append(Problem(sheet, row, header_of(columns, key), message))


def _code(cells, key) -> str:
    return unescape_text(cell_text(cells.get(key)))


def _needed(item: dict, keys, number, refuse) -> bool:
    missing = [key for key in keys if not item[key]]
    for key in missing:
        refuse(number, key, _("Ô này không được để trống."))
    return not missing


def _ending_row(cells, number, refuse) -> dict | None:
    item = {"row": number, "code": _code(cells, "code")}
    return item if _needed(item, ("code",), number, refuse) else None


def _new_union_row(cells, number, refuse) -> dict | None:
    item = {"row": number, "code": _code(cells, "code"), "name": _code(cells, "name")}
    kind = cell_text(cells.get("kind"))
    item["kind"] = KINDS.get(normal(kind), "")
    ok = _needed(item, ("code", "name"), number, refuse)
    if not item["kind"]:
        words = "; ".join(str(label) for _value, label in UNION_KINDS)
        refuse(
            number,
            "kind",
            _("Loại “%(text)s” không có: chọn một trong: %(words)s.") % {"text": kind[:40], "words": words},
        )
        return None
    return item if ok else None


def _line_row(cells, number, refuse) -> dict | None:
    item = {key: _code(cells, key) for key in ("cdcs", "union_code", "target_code")}
    item["row"] = number
    action = cell_text(cells.get("action"))
    item["action"] = ACTIONS.get(normal(action), "")
    ok = _needed(item, ("cdcs",), number, refuse)
    if not item["action"]:
        words = " / ".join(f"“{word}”" for word in ACTION_WORDS.values())
        message = (
            _("Hình thức “%(text)s” không có: ghi %(words)s.") % {"text": action[:40], "words": words}
            if action
            else _("Thiếu hình thức sắp xếp: ghi %(words)s.") % {"words": words}
        )
        refuse(number, "action", message)
        return None
    wrong = line_code_problems(item["action"], item["union_code"], item["target_code"])
    for key, message in wrong:
        refuse(number, key, message)
    return item if ok and not wrong else None


def line_code_problems(action: str, union_code: str, target_code: str) -> list[tuple[str, str]]:
    """(column key, message) for the codes a line's action needs or refuses: a move names the
    union it goes to; a merger or an end names the CĐCS that takes in the members and no union
    (the CĐCS goes with the one that takes it in); going to the province names neither."""
    Action = PlanLine.Action
    found = []
    if action == Action.MOVE and not union_code:
        found.append(("union_code", _("Chuyển công đoàn cấp trên: hãy ghi mã công đoàn cấp trên đến.")))
    if action in (Action.MERGE, Action.END) and not target_code:
        found.append(("target_code", _("Hợp nhất hoặc kết thúc: hãy ghi mã CĐCS nhận đoàn viên.")))
    if action in (Action.MERGE, Action.END, Action.TO_PROVINCE) and union_code:
        message = (
            _("Chuyển về LĐLĐ tỉnh: để trống mã công đoàn cấp trên.")
            if action == Action.TO_PROVINCE
            else _("Hợp nhất hoặc kết thúc: để trống mã công đoàn cấp trên (CĐCS đi theo CĐCS nhận đoàn viên).")
        )
        found.append(("union_code", message))
    if action in (Action.MOVE, Action.TO_PROVINCE) and target_code:
        found.append(("target_code", _("Chỉ ghi mã CĐCS nhận khi hợp nhất hoặc kết thúc hoạt động.")))
    return found


def _new_cdcs_row(cells, number, refuse) -> dict | None:
    item = {key: _code(cells, key) for key in ("code", "name", "employer", "union_code")}
    item["row"] = number
    sector = cell_text(cells.get("sector"))
    item["sector"] = SECTORS.get(normal(sector), "")
    ok = _needed(item, ("code", "name", "employer"), number, refuse)
    if not item["sector"]:
        words = "; ".join(str(label) for label in Sector.labels)
        refuse(
            number,
            "sector",
            _("Khu vực “%(text)s” không có: chọn một trong: %(words)s.") % {"text": sector[:40], "words": words},
        )
        return None
    return item if ok else None


def _quota_row(cells, number, refuse) -> dict | None:
    item = {key: _code(cells, key) for key in ("from_code", "union_code", "programme")}
    item["row"] = number
    ok = _needed(item, ("from_code", "programme"), number, refuse)
    for key, maximum in (("year", 2100), ("new_members", QUOTA_MAX), ("new_unions", QUOTA_MAX),
                         ("trained_officers", QUOTA_MAX)):  # fmt: skip
        try:
            item[key] = parse_number(cells.get(key), maximum=maximum) or 0
        except ValueError as error:
            refuse(number, key, str(error).capitalize() + ".")
            ok = False
    if ok and not item["year"]:
        refuse(number, "year", _("Thiếu năm."))
        ok = False
    return item if ok else None


def programme_of(text: str, programmes: list[Programme]) -> Programme | None:
    """The programme a quota line names, by its document number or its name."""
    wanted = normal(text)
    return next((p for p in programmes if wanted in (normal(p.document_number), normal(p.name), normal(str(p)))), None)
