"""A draft plan from what a person gave, on the page or in an Excel list (both a PlanRead: the header,
the unions that end, those founded, one line per CĐCS, the CĐCS founded, typed quotas), checked
before anything is kept:

1. `draft_problems(read)`: the codes matched with the portal (unions that can end, CĐCS that
   exist, each once, programmes of typed quotas), each refusal on its sheet and row; then the
   plan's own checks (reorganisation.planning.plan_problems: every CĐCS of an ending union has a
   line, targets resolve and are active, no chains, months open, …) on a draft made through
   plan_create_draft and rolled back, each problem of a line on its row (PlanLine.line_no is the
   row). Writes nothing.
2. `draft_create(read, user=…)`: the same in one transaction, kept when there is no problem;
   ImportRefused (nothing kept) otherwise.

The page and the Excel list differ only in what a row is: the row of the list's sheet, or the
line's place in the page's table."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import GrassrootsUnion, Organisation
from targets.models import Programme
from unionportal.lib.months import Month
from unionportal.lib.sheets import ImportRefused, Problem, header_of, whole_file_problem

from .imports import PlanRead, programme_of
from .listing import endable_unions
from .models import Plan
from .planning import plan_problems
from .services import plan_create_draft
from .workbook import (
    ENDING_COLUMNS,
    ENDINGS_SHEET,
    LINE_COLUMNS,
    LINES_SHEET,
    NEW_CDCS_COLUMNS,
    NEW_CDCS_SHEET,
    NEW_UNION_COLUMNS,
    NEW_UNIONS_SHEET,
    QUOTA_COLUMNS,
    QUOTAS_SHEET,
)

CHUNK = 900  # IN lists in chunks: SQLite builds of old take 999 parameters


class _Rollback(Exception):
    """Undoes the draft made only to be checked."""


def draft_problems(read: PlanRead, *, user) -> list[Problem]:
    """Every reason the plan read cannot be kept as a draft; nothing written. The plan's own
    checks run on the rows that passed their own (when the header can make a plan at all), so
    that one upload tells everything: a row refused, and what the plan lacks without it."""
    if read.problems and not read.header_rows:  # no workbook, or not the plan's: nothing more to say
        return list(read.problems)
    problems = list(read.problems) + codes_problems(read)
    if not _header_usable(read):
        return problems
    try:
        with transaction.atomic():
            _plan, checked = _made_and_checked(_without(read, problems), user)
            raise _Rollback
    except _Rollback:
        pass
    return problems + [problem for problem in checked if problem not in problems]


def draft_create(read: PlanRead, *, user) -> Plan:
    """The draft plan, or ImportRefused with every problem and nothing kept."""
    problems = list(read.problems) + codes_problems(read)
    if problems:
        raise ImportRefused(draft_problems(read, user=user))
    with transaction.atomic():
        plan, problems = _made_and_checked(read, user)
        if problems:
            raise ImportRefused(problems)  # leaving the block rolls the draft back
    return plan


def _header_usable(read: PlanRead) -> bool:
    header = read.header
    return bool(header.get("name") and header.get("effective_month") and header.get("quota_rule"))


def _without(read: PlanRead, problems: list[Problem]) -> PlanRead:
    """The rows of `read` that no problem names (a refused row is left out of the plan checked)."""
    refused = {(problem.sheet, problem.row) for problem in problems if problem.row}
    sheets = {
        "endings": ENDINGS_SHEET, "new_unions": NEW_UNIONS_SHEET, "lines": LINES_SHEET,
        "new_cdcs": NEW_CDCS_SHEET, "quotas": QUOTAS_SHEET,
    }  # fmt: skip
    kept = PlanRead(header=read.header, header_rows=read.header_rows)
    for part, sheet in sheets.items():
        setattr(kept, part, [item for item in getattr(read, part) if (sheet, item["row"]) not in refused])
    return kept


def _made_and_checked(read: PlanRead, user) -> tuple[Plan | None, list[Problem]]:
    try:
        plan = plan_create_draft(**draft_arguments(read), user=user)
    except ValidationError as error:
        return None, [whole_file_problem(message) for message in error.messages]
    return plan, [_placed(problem, read) for problem in plan_problems(plan)]


def _placed(problem, read: PlanRead) -> Problem:
    """A problem of the plan's checks on the row of its line (the list's "CĐCS" sheet)."""
    if problem.line_no:
        code = next((line["cdcs"] for line in read.lines if line["row"] == problem.line_no), "")
        return Problem(LINES_SHEET, problem.line_no, "", problem.message, cdcs=code)
    return whole_file_problem(problem.message)


def draft_arguments(read: PlanRead) -> dict:
    """plan_create_draft's arguments from what was read (codes matched already)."""
    header = read.header
    return {
        "name": header["name"],
        "decision": header.get("decision", ""),
        "effective_month": Month.parse(header["effective_month"]),
        "quota_rule": header.get("quota_rule") or Plan.QuotaRule.MEMBERS,
        "note": header.get("note", ""),
        "endings": [item["code"] for item in read.endings],
        "new_unions": [{key: item[key] for key in ("code", "name", "kind")} for item in read.new_unions],
        "new_cdcs": [
            {key: item[key] for key in ("code", "name", "employer", "sector", "union_code")} for item in read.new_cdcs
        ],
        "lines": [
            {
                "line_no": item["row"],
                "cdcs_code": item["cdcs"],
                "action": item["action"],
                "union_code": item["union_code"],
                "target_code": item["target_code"],
            }
            for item in read.lines
        ],  # fmt: skip
        "quotas": [
            {
                "from_code": item["from_code"],
                "union_code": item["union_code"],
                "programme": item["programme_id"],
                "year": item["year"],
                "new_members": item["new_members"],
                "new_unions": item["new_unions"],
                "trained_officers": item["trained_officers"],
            }
            for item in read.quotas
        ],  # fmt: skip
    }


# --- the codes --------------------------------------------------------------------------------


def codes_problems(read: PlanRead) -> list[Problem]:
    """The codes of the list matched with the portal; each refusal on its sheet and row. Fills in
    each typed quota's programme_id."""
    problems: list[Problem] = []
    month = Month.parse(read.header["effective_month"]) if read.header.get("effective_month") else None

    def refuse(sheet, columns, row, key, message, cdcs=""):
        problems.append(Problem(sheet, row, header_of(columns, key), message, cdcs=cdcs))

    endable = set(endable_unions(month).values_list("code", flat=True))  # without a month: active today
    known = dict(Organisation.objects.values_list("code", "name"))
    seen: dict[str, int] = {}
    for item in read.endings:
        code, row = item["code"], item["row"]
        if code in seen:
            refuse(ENDINGS_SHEET, ENDING_COLUMNS, row, "code", _twice(code, seen[code], row))
        elif code not in known:
            refuse(
                ENDINGS_SHEET,
                ENDING_COLUMNS,
                row,
                "code",
                _("Không có công đoàn cấp trên mã “%(code)s”.") % {"code": code[:20]},
            )
        elif code not in endable:
            message = _("%(name)s không thể kết thúc theo đề án này (đã kết thúc, đã hợp nhất hoặc không phải "
                        "công đoàn cấp trên).") % {"name": known[code]}  # fmt: skip
            refuse(ENDINGS_SHEET, ENDING_COLUMNS, row, "code", message)
        seen.setdefault(code, row)
    _new_codes_problems(read, refuse)
    _lines_problems(read, refuse)
    _quotas_problems(read, refuse, {item["code"] for item in read.endings})
    if not read.endings and not problems:
        problems.append(Problem(ENDINGS_SHEET, None, "", _("Đề án chưa có công đoàn cấp trên nào kết thúc hoạt động.")))
    return problems


def _twice(code: str, first: int, row: int) -> str:
    return _("Mã %(code)s ghi ở cả dòng %(first)s và dòng %(row)s: mỗi mã chỉ một dòng.") % {
        "code": code, "first": first, "row": row,
    }  # fmt: skip


def _new_codes_problems(read: PlanRead, refuse) -> None:
    for sheet, columns, items in ((NEW_UNIONS_SHEET, NEW_UNION_COLUMNS, read.new_unions),
                                  (NEW_CDCS_SHEET, NEW_CDCS_COLUMNS, read.new_cdcs)):  # fmt: skip
        seen: dict[str, int] = {}
        for item in items:
            code, row = item["code"], item["row"]
            if code in seen:
                refuse(sheet, columns, row, "code", _twice(code, seen[code], row))
            seen.setdefault(code, row)


def _lines_problems(read: PlanRead, refuse) -> None:
    codes = sorted({item["cdcs"] for item in read.lines})
    existing = set()
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        existing.update(GrassrootsUnion.objects.filter(code__in=chunk).values_list("code", flat=True))
    seen: dict[str, int] = {}
    for item in read.lines:
        code, row = item["cdcs"], item["row"]
        if code in seen:
            refuse(LINES_SHEET, LINE_COLUMNS, row, "cdcs", _twice(code, seen[code], row), cdcs=code)
        elif code not in existing:
            message = _("Không tìm thấy CĐCS mã “%(code)s” trong sổ CĐCS.") % {"code": code[:20]}
            refuse(LINES_SHEET, LINE_COLUMNS, row, "cdcs", message, cdcs=code)
        seen.setdefault(code, row)


def _quotas_problems(read: PlanRead, refuse, endings: set[str]) -> None:
    programmes = list(Programme.objects.all()) if read.quotas else []
    by_pk = {programme.pk: programme for programme in programmes}
    for item in read.quotas:
        row = item["row"]
        if item["from_code"] not in endings:
            message = _("“%(code)s” không có trong trang %(sheet)s: chỉ chuyển chỉ tiêu của đơn vị kết thúc.") % {
                "code": item["from_code"][:20], "sheet": ENDINGS_SHEET,
            }  # fmt: skip
            refuse(QUOTAS_SHEET, QUOTA_COLUMNS, row, "from_code", message)
        programme = by_pk.get(item.get("programme_id")) or programme_of(item["programme"], programmes)
        if programme is None:
            message = _("Không có chương trình “%(text)s” (ghi số văn bản của chương trình).") % {
                "text": item["programme"][:40]
            }
            refuse(QUOTAS_SHEET, QUOTA_COLUMNS, row, "programme", message)
        item["programme_id"] = programme.pk if programme else None
