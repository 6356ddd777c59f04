"""The report page as an Excel workbook: the same heading, the same tables, numbers as numbers.

Every cell goes through unionportal.lib.xlsx (formula escaping, header style), so that a name
typed as "=HYPERLINK(…)" arrives in Excel as text."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook

from members.models import LossReason, SectorGroup
from unionportal.lib.xlsx import (
    COUNT_FORMAT,
    PERCENT_FORMAT,
    download_name,
    format_cells,
    write_heading,
    write_table,
)

from .selectors import Attainment, ProgressReport, Row
from .texts import progress_sentence, structural_sentence, structure_note

NAME_WIDTH, NUMBER_WIDTH = 42, 14


def progress_file_name(report: ProgressReport) -> str:
    """bao-cao-TN-2018-01-2021-03.xlsx (with the sector group when the report has one)."""
    scope = report.scope
    return download_name("bao-cao", scope.org.code, report.start.iso, report.end.iso, scope.sector_group or "")


def progress_workbook(report: ProgressReport) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Báo cáo")
    row = write_heading(sheet, _heading(report)) + 1
    row = _table(sheet, row, _("Tóm tắt: %(sentence)s") % {"sentence": progress_sentence(report)}, None)
    structural = structural_sentence(report.total.figures, province=report.scope.org.is_province)
    if structural:
        row = _table(sheet, row, structural, None)
    if report.programme and not report.scope.sector_group:
        row = _table(sheet, row, _("Tiến độ thực hiện chỉ tiêu"), _attainment_table(report))
    elif report.scope.sector_group:
        row = _table(sheet, row, _("Chỉ tiêu được giao theo đơn vị, không theo khu vực."), None)
    else:
        message = _("Chưa có chương trình nào giao chỉ tiêu cho năm %(year)s.") % {"year": report.year}
        row = _table(sheet, row, message, None)
    row = _table(sheet, row, _("Biến động đoàn viên trong kỳ"), _members_table(report))
    row = _table(sheet, row, _("Công đoàn cơ sở"), _unions_table(report))
    if len(report.rows) > 1:
        _table(sheet, row, _("Theo đơn vị"), _federation_table(report))
    sheet.freeze_panes = None  # write_table freezes below each table's header; here tables follow one another
    sheet.column_dimensions["A"].width = NAME_WIDTH
    for letter in "BCDEFGHIJKLMNOPQR":
        sheet.column_dimensions[letter].width = NUMBER_WIDTH
    return workbook


def _heading(report: ProgressReport) -> list[str]:
    org = report.scope.org
    lines = [
        _("Báo cáo phát triển đoàn viên, thành lập CĐCS"),
        _("Đơn vị: %(org)s") % {"org": _("Toàn tỉnh (%(name)s)") % {"name": org.name} if org.is_province else org.name},
        _("Kỳ báo cáo: %(start)s – %(end)s") % {"start": report.start, "end": report.end},
        _("Khu vực: %(scope)s")
        % {"scope": SectorGroup(report.scope.sector_group).label if report.scope.sector_group else _("Tất cả khu vực")},
    ]
    if report.programme:
        programme = report.programme
        lines.append(
            _("Chương trình: %(number)s (%(first)s–%(last)s)")
            % {"number": programme.document_number, "first": programme.first_year, "last": programme.last_year}
        )
    lines.append(structure_note(report.scope.structure))
    return lines


@dataclass
class _Table:
    """Headers, rows, and the number format of each column that needs one (1-based)."""

    headers: list[str]
    rows: list[Sequence]
    formats: dict[int, str] = field(default_factory=dict)


def _table(sheet, row: int, caption: str, table: _Table | None) -> int:
    """A bold caption, then the table under it; returns the row after a blank line."""
    write_heading(sheet, [caption], start_row=row)
    if table is None:
        return row + 2
    end = write_table(sheet, table.headers, table.rows, start_row=row + 1)
    for column, number_format in table.formats.items():
        format_cells(sheet, rows=range(row + 2, end), columns=[column], number_format=number_format)
    return end + 1


def _on_track(attainment: Attainment) -> str:
    if attainment.on_track is None:
        return ""
    return _("Đạt tiến độ") if attainment.on_track else _("Chậm tiến độ")


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def _attainment_table(report: ProgressReport) -> _Table:
    total, year = report.total, report.year
    lines = [
        (_("Kết nạp đoàn viên năm %(year)s") % {"year": year}, total.year_members),
        (_("Thành lập CĐCS năm %(year)s") % {"year": year}, total.year_unions),
        (_("Kết nạp đoàn viên cả chương trình"), total.programme_members),
        (_("Thành lập CĐCS cả chương trình"), total.programme_unions),
    ]
    return _Table(
        [_("Chỉ tiêu"), _("Giao"), _("Thực hiện"), _("Tỷ lệ đạt"), _("Thời gian đã qua"), _("Đánh giá")],
        [
            (label, a.quota, a.actual, _fraction(a.percent), _fraction(a.expected_percent), _on_track(a))
            for label, a in lines
        ],
        {2: COUNT_FORMAT, 3: COUNT_FORMAT, 4: PERCENT_FORMAT, 5: PERCENT_FORMAT},
    )


def _members_table(report: ProgressReport) -> _Table:
    figures = report.total.figures
    rows = [
        (_("Đầu kỳ"), figures.members_start),
        (_("Kết nạp mới"), figures.admitted),
        (_("Chuyển đến"), figures.transferred_in),
        (_("Giảm (mọi lý do)"), figures.lost),
        *((_("trong đó: %(reason)s") % {"reason": LossReason(reason).label}, count)
          for reason, count in figures.lost_by_reason.items()),
        (_("Giảm (tổng giảm trừ số chuyển đến)"), figures.decrease),
        (_("Tăng tuyệt đối"), figures.net_members),
    ]  # fmt: skip
    if not report.scope.org.is_province:
        rows.append((_("Chuyển CĐCS đến / đi"), figures.members_moved))
    rows += [
        (_("Sắp xếp tổ chức theo đề án (chuyển đến − chuyển đi theo CĐCS)"), figures.members_reorganised),
        (_("trong đó: chuyển đến theo CĐCS hợp nhất, kết thúc"), figures.reorg_in),
        (_("trong đó: chuyển đi theo CĐCS hợp nhất, kết thúc"), figures.reorg_out),
        (_("Cuối kỳ"), figures.members_end),
    ]
    return _Table([_("Đoàn viên"), _("Số lượng")], rows, {2: COUNT_FORMAT})


def _unions_table(report: ProgressReport) -> _Table:
    figures = report.total.figures
    rows = [
        (_("Đầu kỳ"), figures.unions_start),
        (_("Thành lập mới"), figures.unions_founded),
        (_("Giảm (giải thể)"), figures.unions_dissolved),
        (_("Tăng tuyệt đối"), figures.net_unions),
    ]
    if not report.scope.org.is_province:
        rows.append((_("Chuyển CĐCS đến / đi"), figures.unions_moved))
    rows += [
        (_("Sắp xếp tổ chức theo đề án (thành lập − hợp nhất, kết thúc)"), figures.unions_reorganised),
        (_("trong đó: thành lập theo đề án"), figures.unions_reorg_founded),
        (_("trong đó: hợp nhất, kết thúc theo đề án"), figures.unions_reorg_ended),
        (_("Cuối kỳ"), figures.unions_end),
    ]
    return _Table([_("CĐCS"), _("Số lượng")], rows, {2: COUNT_FORMAT})


def _federation_table(report: ProgressReport) -> _Table:
    """One line per federation and the total: on each, start + net + moved + reorganised = end,
    for members and for CĐCS (a CĐCS moved between federations carries its members; the total's
    moves are 0)."""
    with_quotas = report.programme is not None and not report.scope.sector_group
    headers = [
        _("Đơn vị"),
        _("Mã"),
        _("Đoàn viên đầu kỳ"),
        _("Kết nạp"),
        _("Giảm"),
        _("Tăng tuyệt đối"),
        _("Đoàn viên theo CĐCS chuyển đến / đi"),
        _("Đoàn viên do sắp xếp theo đề án"),
        _("Đoàn viên cuối kỳ"),
        _("CĐCS đầu kỳ"),
        _("CĐCS lập mới"),
        _("CĐCS giảm"),
        _("CĐCS chuyển đến / đi"),
        _("CĐCS do sắp xếp theo đề án"),
        _("CĐCS cuối kỳ"),
    ]
    formats = dict.fromkeys(range(3, len(headers) + 1), COUNT_FORMAT)
    if with_quotas:
        headers += [
            _("Chỉ tiêu kết nạp %(year)s") % {"year": report.year},
            _("Tỷ lệ đạt"),
            _("Đánh giá"),
        ]
        formats.update({len(headers) - 2: COUNT_FORMAT, len(headers) - 1: PERCENT_FORMAT})

    def line(name: str, code: str, row: Row) -> list:
        f = row.figures
        values = [
            name,
            code,
            f.members_start,
            f.admitted,
            f.decrease,
            f.net_members,
            f.members_moved,
            f.members_reorganised,
            f.members_end,
            f.unions_start,
            f.unions_founded,
            f.unions_dissolved,
            f.unions_moved,
            f.unions_reorganised,
            f.unions_end,
        ]
        if with_quotas:
            values += [row.year_members.quota, _fraction(row.year_members.percent), _on_track(row.year_members)]
        return values

    rows = [line(_federation_name(row), row.org.code, row) for row in report.rows]  # the ended line: no code
    rows.append(line(_("Tổng"), report.total.org.code, report.total))
    return _Table(headers, rows, formats)


def _federation_name(row: Row) -> str:
    org = row.org
    if org.merged_into_id:
        return _("%(name)s (đã hợp nhất vào %(into)s từ %(since)s)") % {
            "name": org.name,
            "into": org.merged_into.name,
            "since": org.merged_from,
        }
    return org.name
