"""The plan of a month sheet (members.figures.sheet): what it would write, read against what is
saved, and every check that needs the sheet's cells, including the three-way comparison with what
the template was filled from. members.figures.sheet_import hands the plan to the services
(cdcs_found, cdcs_dissolve, figures_record_many: the rules that refuse a write live there, once)
and reads back what they wrote; its preview does so in a transaction that it rolls back, so a
preview without problems is a confirmation that succeeds, and its changes are the rows as written."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members.access import can_write, cdcs_visible_to
from members.figures.exports import (
    BASE_KEYS,
    DISSOLVED_COLUMNS,
    DISSOLVED_SHEET,
    FOUNDED_COLUMNS,
    FOUNDED_SHEET,
    MONTH_SHEET,
    column_header,
)
from members.figures.grid import FLOW_COLUMNS, GridRow, column_label, grid_read, return_read
from members.figures.locks import locked_message
from members.figures.services import FigureEntry
from members.figures.sheet import DISSOLVED_FIELD, FIGURE_KEYS, Change, Kept, Preview, Sheet
from members.models import LOSS_FIELDS, GrassrootsUnion, MonthlyFigure, Organisation, Sector
from members.services.common import who_and_when
from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.sheets import header_of, normal


def sheet_plan(sheet: Sheet, *, federation: Organisation, month: Month, user) -> Preview:
    """The sheet read against the federation-month as saved: every problem its cells show, the
    entries for figures_record_many, the CĐCS it founds and dissolves, and the changes as planned
    (the preview replaces them by what the services wrote). Reads only."""
    monthly_return = return_read(federation=federation, month=month)
    preview = Preview(federation=federation, month=month, version=monthly_return.version, columns=sheet.columns)
    preview.problems.extend(sheet.problems)
    if user is not None and not can_write(user, federation):
        preview.refuse("", None, "", _("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": federation.name})
        return preview
    if monthly_return.is_locked:
        preview.refuse("", None, "", locked_message(monthly_return))
    _check_identity(sheet, preview)
    if preview.blocked:
        return preview

    grid = grid_read(federation=federation, month=month, warnings=False)
    by_code = {row.cdcs.code: row for row in grid.rows}
    folded = {code.casefold(): row for code, row in by_code.items()}
    preview.unions = {code: row.cdcs for code, row in by_code.items()}
    preview.saved = saved_figures(federation, month)
    base = _base_rows(sheet, preview, monthly_return)
    founded = _preview_founded(sheet, preview)
    preview.unions.update(founded)
    dissolving = _preview_dissolved(sheet, preview, by_code, folded)
    others = _other_cdcs(sheet, by_code, folded, user)
    seen: dict[str, int] = {}
    for item in sheet.rows:
        code, number = item["code"], item["row"]
        row = by_code.get(code) or folded.get(code.casefold())
        key = row.cdcs.code if row else code
        code_cell = preview.cell(MONTH_SHEET, "code", number)
        if key in seen:
            message = _("CĐCS %(code)s trùng với dòng %(first)s.") % {"code": code, "first": seen[key]}
            preview.refuse(MONTH_SHEET, number, "Mã CĐCS", message, cell=code_cell, cdcs=code)
            continue
        seen[key] = number
        if row is None and code in founded:
            row = GridRow(cdcs=founded[code], month=month, previous_end=None, figure=None)
        if row is None:
            message = _unknown(code, others, federation, month)
            preview.refuse(MONTH_SHEET, number, "Mã CĐCS", message, cell=code_cell, cdcs=code)
            continue
        dissolves = row.cdcs.code in dissolving or _dissolved_in(row, month)
        change = _plan_row(row, item, preview, base, dissolving=dissolves)
        if change is None:
            continue
        preview.rows[row.cdcs.code] = number
        change.new_cdcs = code in founded
        if change.changed:
            preview.changes.append(change)
        else:
            preview.unchanged += 1
    preview.missing = [row.cdcs for row in grid.rows if row.cdcs.code not in seen]
    _notes(preview, sheet, listed=set(seen))
    preview.set_totals({change.cdcs.code: change.after for change in preview.changes})
    return preview


def _notes(preview: Preview, sheet: Sheet, *, listed: set[str]) -> None:
    """What the user should know before confirming, though nothing is wrong."""
    for item in preview.founded:
        if item["code"] not in listed:
            preview.notes.append(
                _(
                    "CĐCS %(code)s (trang “%(founded)s”, dòng %(row)s) chưa có dòng số liệu ở trang “%(sheet)s”: "
                    "CĐCS sẽ được thành lập nhưng tháng %(month)s chưa có số liệu của nó (cần có trước khi gửi "
                    "báo cáo). Nếu đã có đoàn viên, hãy ghi vào một dòng trống cuối trang “%(sheet)s”."
                )
                % {
                    "code": item["code"],
                    "founded": FOUNDED_SHEET,
                    "row": item["row"],
                    "sheet": MONTH_SHEET,
                    "month": preview.month,
                }
            )
    if sheet.base is None and any(change.before for change in preview.changes):
        preview.notes.append(
            _(
                "Tệp không có phần ghi nhớ số liệu lúc tải mẫu (tệp tự lập, hoặc mẫu tải trước khi cổng có phần "
                "này): mỗi ô số liệu trong tệp sẽ thay số đang lưu, kể cả số người khác lưu sau khi bạn lập tệp. "
                "Hãy xem kỹ các thay đổi bên dưới, hoặc tải mẫu mới."
            )
        )


def _check_identity(sheet: Sheet, preview: Preview) -> None:
    """The sheet must be this federation's and this month's."""
    if sheet.org_code and sheet.org_code.casefold() != preview.federation.code.casefold():
        message = _("Tệp này là báo cáo của đơn vị mã %(code)s, không phải của %(org)s (mã %(own)s).") % {
            "code": sheet.org_code,
            "org": preview.federation.name,
            "own": preview.federation.code,
        }
        preview.refuse(MONTH_SHEET, None, "", message)
    if sheet.month and sheet.month != preview.month.iso:
        try:
            month = Month.parse(sheet.month)
        except ValueError:  # "2021-13" or any text: said as the file has it
            month = sheet.month
        message = _("Tệp này là báo cáo tháng %(file)s, không phải tháng %(month)s.") % {
            "file": month,
            "month": preview.month,
        }
        preview.refuse(MONTH_SHEET, None, "", message)


def _dissolved_in(row: GridRow, month: Month) -> bool:
    return bool(row.cdcs.dissolved_on and Month.of(row.cdcs.dissolved_on) == month)


def saved_figures(federation: Organisation, month: Month) -> dict[str, dict[str, int]]:
    """The federation-month's figures as saved: CĐCS code → {figure: value}."""
    rows = MonthlyFigure.objects.filter(federation=federation, month=month.first_day).values("cdcs__code", *FIGURE_KEYS)
    return {row.pop("cdcs__code"): row for row in rows}


def _base_rows(sheet: Sheet, preview: Preview, monthly_return) -> dict[str, dict] | None:
    """What the template was filled from, by CĐCS code (None: the file does not say)."""
    base = sheet.base
    if not base:
        return None
    if base.get("unreadable"):
        preview.notes.append(
            _(
                "Phần ghi nhớ số liệu lúc tải mẫu của tệp bị hỏng, nên không dùng được: mỗi ô số liệu trong tệp "
                "sẽ thay số đang lưu. Hãy xem kỹ các thay đổi bên dưới, hoặc tải mẫu mới."
            )
        )
        return None
    if base["org_code"].casefold() != preview.federation.code.casefold() or base["month"] != preview.month.iso:
        preview.notes.append(
            _(
                "Phần ghi nhớ số liệu lúc tải mẫu của tệp là của đơn vị hoặc tháng khác, nên không dùng được: "
                "mỗi ô số liệu trong tệp sẽ thay số đang lưu. Hãy xem kỹ các thay đổi bên dưới, hoặc tải mẫu mới."
            )
        )
        return None
    if base["version"] != preview.version:
        preview.notes.append(
            _(
                "Số liệu tháng %(month)s đã được lưu lại sau khi mẫu này được tải (lần cuối: %(who)s lúc %(when)s). "
                "Ô bạn để nguyên giữ số đang lưu; ô bạn sửa được ghi; ô mà cả hai cùng sửa thành hai số khác "
                "nhau thì được nêu là lỗi để thống nhất."
            )
            % {"month": preview.month, **who_and_when(monthly_return.changed_by, monthly_return.changed_at)}
        )
    return base["rows"]


_ABSENT = object()  # a column the file does not have


def _effective(key: str, value, saved_value):
    """What a cell means: an empty flow is 0; an empty workers or opening stock keeps what is saved."""
    if value is not None:
        return value
    return 0 if key in FLOW_COLUMNS else saved_value


def _plan_row(row: GridRow, item: dict, preview: Preview, base: dict | None, *, dissolving: bool) -> Change | None:
    """One CĐCS's row of the month sheet: the entry for figures_record_many (preview.entries) and
    the change it makes as planned (the preview replaces it by what the services wrote)."""
    number, code, typed = item["row"], row.cdcs.code, item["values"]
    figure = row.figure
    base_row = base.get(code) if base is not None else None
    problems_before = len(preview.problems)
    values = {}
    for key in BASE_KEYS:
        if key == "members_start" and not row.needs_opening:
            continue
        values[key] = _merge_cell(key, typed.get(key, _ABSENT), figure, base, base_row, preview, number, code)
    members_start = values.get("members_start")
    if not row.needs_opening:
        # The carried stock: only a cell changed from what the template showed is checked against it.
        start_typed = typed.get("members_start")
        shown = base_row.get("members_start") if base_row else _ABSENT
        members_start = None if start_typed == shown else start_typed
    if len(preview.problems) > problems_before:
        return None

    flows = {key: values[key] for key in FLOW_COLUMNS}
    start = row.start if not row.needs_opening else values["members_start"]
    if dissolving and not flows[DISSOLVED_FIELD] and start is not None:
        # The members it still has leave with it, as cdcs_dissolve would record them.
        remaining = start + flows["admitted"] + flows["transferred_in"] - sum(flows[f] for f in LOSS_FIELDS.values())
        flows[DISSOLVED_FIELD] = max(remaining, 0)
    members_end = typed.get("members_end")
    entry = FigureEntry(
        cdcs=row.cdcs,
        admitted=flows["admitted"],
        transferred_in=flows["transferred_in"],
        lost={reason: flows[field] for reason, field in LOSS_FIELDS.items()},
        members_end=members_end,
        members_start=members_start,
        workers=values["workers"],
    )
    start = start if start is not None else 0
    end = start + flows["admitted"] + flows["transferred_in"] - sum(flows[f] for f in LOSS_FIELDS.values())
    workers = values["workers"]
    if workers is None:
        workers = figure.workers if figure else (row.values.get("workers") or 0)
    after = {"members_start": start, **flows, "members_end": end, "workers": workers}
    before = {key: getattr(figure, key) for key in after} if figure else None
    changed = [key for key in after if before is None or after[key] != before[key]]
    checks = (members_start is not None and members_start != start) or (members_end not in (None, end))
    if changed or checks:
        preview.entries.append(entry)  # a typed start or end that does not add up is the services' to refuse
    return Change(row.cdcs, number, before, after, changed)


def _merge_cell(key: str, typed, figure, base: dict | None, base_row, preview: Preview, number: int, code: str):
    """One cell, three ways: `typed` in the file, what the template showed (`base_row`, when the
    file has what its template was filled from), and what is saved now (`figure`, None: nothing).
    A cell left as the template showed it keeps what is saved now (someone may have saved since);
    a changed cell is written, unless someone else changed the saved value too and differently:
    then it is a problem naming both values, and nothing is written."""
    now = getattr(figure, key) if figure is not None else None
    if typed is _ABSENT:  # the file has no such column
        return _effective(key, None, now)
    value = _effective(key, typed, now)
    if base is None or figure is None:  # a sheet typed from scratch, or nothing saved to keep
        return value
    if base_row is not None:
        shown = base_row.get(key)
        filled_from = 0 if shown is None and key in FLOW_COLUMNS else shown  # an empty cell of the template
        if typed == shown:
            if now != filled_from:
                label = column_label(key)
                preview.kept.append(Kept(preview.cell(MONTH_SHEET, key, number), code, label, shown, now))
            return now
        if now == filled_from:
            return value  # nobody else changed it
    if value == now:
        return value  # both made the same change
    cell = preview.cell(MONTH_SHEET, key, number)
    shown = base_row.get(key) if base_row is not None else None
    message = _(
        "Tệp ghi %(typed)s, nhưng %(who)s đã lưu %(saved)s lúc %(when)s, sau khi mẫu này được tải "
        "(khi tải mẫu là %(shown)s). Chưa ghi gì: muốn giữ số đã lưu thì sửa ô %(cell)s thành %(saved)s; "
        "muốn ghi số của tệp thì tải mẫu mới, điền lại rồi tải lên."
    ) % {
        "typed": count(typed) if typed is not None else _("ô trống"),
        "saved": count(now),
        "shown": count(shown) if shown is not None else _("ô trống"),
        "cell": cell or column_label(key),
        **who_and_when(figure.updated_by, figure.updated_at),
    }
    preview.refuse(MONTH_SHEET, number, column_header(key), message, cell=cell, cdcs=code)
    return now


def _other_cdcs(sheet: Sheet, by_code, folded, user) -> dict[str, GrassrootsUnion | None]:
    """The CĐCS named in the sheet that are not this federation-month's (to say why); None for
    those the user may not see (another federation's), which are not named."""
    codes = {item["code"] for item in sheet.rows if item["code"] not in by_code}
    codes = {code for code in codes if code.casefold() not in folded}
    if not codes:
        return {}
    found = {cdcs.code: cdcs for cdcs in GrassrootsUnion.objects.filter(code__in=codes)}
    visible = (
        set(found) if user is None else set(cdcs_visible_to(user).filter(code__in=codes).values_list("code", flat=True))
    )
    return {code: cdcs if code in visible else None for code, cdcs in found.items()}


def _unknown(code: str, others: dict, federation: Organisation, month: Month) -> str:
    if code not in others:
        return _("Không có CĐCS mã “%(code)s” (CĐCS mới thành lập thì khai ở trang “%(sheet)s”).") % {
            "code": code,
            "sheet": FOUNDED_SHEET,
        }
    cdcs = others[code]
    if cdcs is None:  # another federation's: neither its name nor whether it is active
        return _("CĐCS mã “%(code)s” không trực thuộc %(org)s trong tháng %(month)s.") % {
            "code": code,
            "org": federation.name,
            "month": month,
        }
    if not cdcs.is_active_in(month):
        return _("%(cdcs)s không hoạt động trong tháng %(month)s.") % {"cdcs": cdcs, "month": month}
    return _("%(cdcs)s không trực thuộc %(org)s trong tháng %(month)s.") % {
        "cdcs": cdcs,
        "org": federation.name,
        "month": month,
    }


def _preview_founded(sheet: Sheet, preview: Preview) -> dict[str, GrassrootsUnion]:
    """Check the "CĐCS thành lập" rows; returns code → the CĐCS it would create (unsaved)."""
    month, federation = preview.month, preview.federation
    existing = {
        cdcs.code: cdcs
        for cdcs in GrassrootsUnion.objects.filter(
            code__in=[item["code"] for item in sheet.founded]
        ).with_federation_at(month)
    }
    sectors = {normal(label): value for value, label in Sector.choices} | {value: value for value in Sector.values}
    founded, seen = {}, set()
    for item in sheet.founded:
        code, number = item["code"], item["row"]

        def problem(key, message, number=number, code=code):
            cell = preview.cell(FOUNDED_SHEET, key, number)
            preview.refuse(FOUNDED_SHEET, number, header_of(FOUNDED_COLUMNS, key), message, cell=cell, cdcs=code)

        if code.casefold() in seen:  # "dt50" below "DT50" too: codes differ in more than case
            problem("code", _("CĐCS %(code)s khai hai lần.") % {"code": code})
            continue
        seen.add(code.casefold())
        if "founded_on" not in item:
            continue
        founded_on = date.fromisoformat(item["founded_on"])
        cdcs = existing.get(code)
        if cdcs is not None:
            if cdcs.federation_at_id == federation.pk and cdcs.founded_on == founded_on:
                continue  # founded already, by this same sheet uploaded before
            problem("code", _("Mã %(code)s đã có: %(cdcs)s.") % {"code": code, "cdcs": cdcs})
            continue
        if Month.of(founded_on) != month:
            problem("founded_on", _("Ngày thành lập phải trong tháng %(month)s.") % {"month": month})
            continue
        sector = sectors.get(normal(item["sector"]))
        if sector is None:
            problem("sector", _("Khu vực “%(text)s” không có trong danh sách.") % {"text": item["sector"]})
            continue
        cdcs = GrassrootsUnion(
            code=code,
            name=item["name"],
            employer=item["employer"] or item["name"],
            sector=sector,
            workers=item.get("workers") or 0,
            founded_on=founded_on,
            founding_decision=item["founding_decision"],
        )
        try:
            cdcs.full_clean(validate_unique=False)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                problem(column, " ".join(messages))
            continue
        preview.founded.append(item | {"sector": sector})
        founded[code] = cdcs
    return founded


def _preview_dissolved(sheet: Sheet, preview: Preview, by_code, folded) -> set[str]:
    """Check the "CĐCS giải thể" rows; returns the codes that would be dissolved this month."""
    dissolving, month = set(), preview.month
    for item in sheet.dissolved:
        number = item["row"]
        row = by_code.get(item["code"]) or folded.get(item["code"].casefold())

        def problem(key, message, number=number, code=item["code"]):
            cell = preview.cell(DISSOLVED_SHEET, key, number)
            header = header_of(DISSOLVED_COLUMNS, key)
            preview.refuse(DISSOLVED_SHEET, number, header, message, cell=cell, cdcs=code)

        if "dissolved_on" not in item:
            continue
        on = date.fromisoformat(item["dissolved_on"])
        if row is None:
            message = _("Không có CĐCS mã “%(code)s” trong %(org)s tháng %(month)s.") % {
                "code": item["code"],
                "org": preview.federation.name,
                "month": month,
            }
            problem("code", message)
            continue
        if row.cdcs.dissolved_on == on:
            dissolving.add(row.cdcs.code)
            continue  # dissolved already, by this same sheet uploaded before
        if row.cdcs.dissolved_on:
            problem("code", _("%(cdcs)s đã giải thể.") % {"cdcs": row.cdcs})
        elif Month.of(on) != month:
            problem("dissolved_on", _("Ngày giải thể phải trong tháng %(month)s.") % {"month": month})
        elif not item["reason"]:
            problem("reason", _("Cần ghi lý do giải thể."))
        else:
            dissolving.add(row.cdcs.code)
            preview.dissolved.append(item | {"code": row.cdcs.code, "name": row.cdcs.name})
    return dissolving
