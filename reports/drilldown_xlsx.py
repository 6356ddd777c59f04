"""The drill-down tables as Excel files: the same lines and total as the pages, numbers as
numbers, every cell through unionportal.lib.xlsx (formula escaping, header style)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from members.models import LossReason, SectorGroup
from unionportal.lib.months import Month
from unionportal.lib.xlsx import COUNT_FORMAT, download_name, format_cells, table_workbook

from .drilldown import CdcsLine, CdcsMonths, FederationDrilldown, Move
from .selectors import Figures
from .texts import structure_note

DATE_FORMAT = "DD/MM/YYYY"


def _losses(figures: Figures) -> list[int]:
    return [figures.lost_by_reason[reason.value] for reason in LossReason]


def _move_text(move: Move) -> str:
    values = {"org": move.other.name, "month": move.month}
    return (_("từ %(org)s (%(month)s)") if move.incoming else _("sang %(org)s (%(month)s)")) % values


def federation_file(drilldown: FederationDrilldown) -> str:
    """chi-tiet-DT-2021-03-2021-05.xlsx"""
    d = drilldown
    return download_name("chi-tiet", d.org.code, d.start.iso, d.end.iso, d.sector_group or "")


def _federation_headers() -> list[str]:
    return [
        _("Mã CĐCS"),
        _("Tên CĐCS"),
        _("Đoàn viên đầu kỳ"),
        _("Kết nạp mới"),
        _("Chuyển đến"),
        *(_("Giảm: %(reason)s") % {"reason": reason.label} for reason in LossReason),
        _("Giảm (mọi lý do)"),
        _("Tăng tuyệt đối"),
        _("Chuyển CĐCS đến (đoàn viên)"),
        _("Chuyển CĐCS đi (đoàn viên)"),
        _("Chuyển từ / sang đơn vị"),
        _("Đoàn viên cuối kỳ"),
        _("Thành lập"),
        _("Giải thể"),
        _("Sắp xếp theo đề án (đoàn viên)"),
        _("Thành lập theo đề án"),
        _("Hợp nhất, kết thúc theo đề án"),
    ]


def _line(code: str, name: str, f: Figures, moves: str, events: tuple) -> list:
    """One line of the table; `events`: founded, dissolved, founded and ended by a plan (days on a
    CĐCS's line, counts on the total's)."""
    founded, dissolved, plan_founded, plan_ended = events
    return [
        code,
        name,
        f.members_start,
        f.admitted,
        f.transferred_in,
        *_losses(f),
        f.lost,
        f.net_members,
        f.members_moved_in,
        f.members_moved_out,
        moves,
        f.members_end,
        founded,
        dissolved,
        f.members_reorganised,
        plan_founded,
        plan_ended,
    ]


def _cdcs_line(item: CdcsLine) -> list:
    moves = "; ".join(_move_text(move) for move in item.moves)
    events = (item.founded_on, item.dissolved_on, item.reorg_founded_on, item.reorg_ended_on)
    return _line(item.cdcs.code, item.cdcs.name, item.figures, moves, events)


def _federation_heading(d: FederationDrilldown) -> list[str]:
    total = d.total
    return [
        _("Chi tiết theo CĐCS: %(org)s") % {"org": d.org.name},
        _("Kỳ báo cáo: %(start)s – %(end)s") % {"start": d.start, "end": d.end},
        _("Khu vực: %(scope)s")
        % {"scope": SectorGroup(d.sector_group).label if d.sector_group else _("Tất cả khu vực")},
        _(
            "CĐCS: đầu kỳ %(start)s, thành lập %(founded)s, giải thể %(dissolved)s, "
            "chuyển đến %(moved_in)s, chuyển đi %(moved_out)s, thành lập theo đề án %(plan_founded)s, "
            "hợp nhất, kết thúc theo đề án %(plan_ended)s, cuối kỳ %(end)s"
        )
        % {
            "start": total.unions_start,
            "founded": total.unions_founded,
            "dissolved": total.unions_dissolved,
            "moved_in": total.unions_moved_in,
            "moved_out": total.unions_moved_out,
            "plan_founded": total.unions_reorg_founded,
            "plan_ended": total.unions_reorg_ended,
            "end": total.unions_end,
        },
        structure_note(d.structure),
    ]


def federation_workbook(drilldown: FederationDrilldown) -> Workbook:
    d, total = drilldown, drilldown.total
    headers = _federation_headers()
    rows = [_cdcs_line(item) for item in d.lines]
    events = (total.unions_founded, total.unions_dissolved, total.unions_reorg_founded, total.unions_reorg_ended)
    rows.append(_line("", _("Tổng"), total, "", events))
    heading = _federation_heading(d)
    workbook = table_workbook(_("Chi tiết CĐCS"), headers, rows, heading=heading)
    sheet = workbook.active
    first = len(heading) + 3  # heading, a blank row, the header row
    body = range(first, first + len(rows))
    moves_column = headers.index(_("Chuyển từ / sang đơn vị")) + 1
    counts = [*range(3, moves_column), moves_column + 1, moves_column + 4]
    format_cells(sheet, rows=body, columns=counts, number_format=COUNT_FORMAT)
    dates = [moves_column + 2, moves_column + 3, moves_column + 5, moves_column + 6]
    format_cells(sheet, rows=body[:-1], columns=dates, number_format=DATE_FORMAT)
    sheet.column_dimensions["B"].width = 40
    return workbook


def cdcs_months_file(months: CdcsMonths) -> str:
    """so-lieu-thang-DT01-2021-03-2021-05.xlsx"""
    return download_name("so-lieu-thang", months.cdcs.code, months.start.iso, months.end.iso)


def cdcs_months_workbook(months: CdcsMonths) -> Workbook:
    headers = [
        _("Tháng"),
        _("Công đoàn cấp trên"),
        _("Đoàn viên đầu kỳ"),
        _("Kết nạp mới"),
        _("Chuyển đến"),
        *(_("Giảm: %(reason)s") % {"reason": reason.label} for reason in LossReason),
        _("Giảm (mọi lý do)"),
        _("Tăng tuyệt đối"),
        _("Đoàn viên cuối kỳ"),
        _("Số lao động"),
    ]
    rows = [
        [
            str(Month.of(row.figure.month)),
            row.figure.federation.name,
            row.figure.members_start,
            row.figure.admitted,
            row.figure.transferred_in,
            *row.lost_by_reason,
            row.lost,
            row.net_members,
            row.figure.members_end,
            row.figure.workers,
        ]
        for row in months.rows
    ]
    total = months.total
    rows.append(
        [
            _("Tổng"),
            "",
            total.members_start,
            total.admitted,
            total.transferred_in,
            *_losses(total),
            total.lost,
            total.net_members,
            total.members_end,
            None,
        ]
    )
    heading = [
        _("Số liệu tháng của %(cdcs)s") % {"cdcs": months.cdcs},
        _("Kỳ báo cáo: %(start)s – %(end)s") % {"start": months.start, "end": months.end},
    ]
    workbook = table_workbook(_("Số liệu tháng"), headers, rows, heading=heading)
    first = len(heading) + 3
    format_cells(
        workbook.active,
        rows=range(first, first + len(rows)),
        columns=range(3, len(headers) + 1),
        number_format=COUNT_FORMAT,
    )
    workbook.active.column_dimensions["B"].width = 36
    return workbook
