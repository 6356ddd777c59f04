"""The dashboard's tables as one workbook: the federations, the laggards, the months, and the numbers
behind every chart.

Every sheet is written by unionportal.lib.xlsx (formula escaping, header style); numbers stay
numbers, percentages are fractions formatted as such."""

import math

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from members.models import SectorGroup
from unionportal.lib.xlsx import COUNT_FORMAT, PERCENT_FORMAT, download_name, format_cells, table_workbook, write_table

from .dashboard import Dashboard, FederationLine, Gap, Laggard
from .texts import structure_note

TOTAL_FONT = Font(bold=True)


def dashboard_file_name(board: Dashboard) -> str:
    """bang-dieu-khien-TN-2021-01-2021-03.xlsx (with the sector group when there is one)."""
    report = board.report
    scope = report.scope
    return download_name("bang-dieu-khien", scope.org.code, report.start.iso, report.end.iso, scope.sector_group or "")


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def dashboard_workbook(board: Dashboard) -> Workbook:
    report = board.report
    heading = [
        _("Bảng điều khiển phát triển đoàn viên, thành lập CĐCS"),
        _("Đơn vị: %(org)s") % {"org": report.scope.org.name},
        _("Kỳ báo cáo: %(start)s – %(end)s") % {"start": report.start, "end": report.end},
        structure_note(report.scope.structure),
    ]
    if board.only_followed:
        heading.append(_("Chỉ các đơn vị tôi phụ trách"))
    headers, rows, formats = _federations(board)
    workbook = table_workbook(_("Theo đơn vị"), headers, rows, heading=heading)
    _format(workbook.active, len(heading) + 2, len(rows), formats)
    if _has_total(board):
        _total_style(workbook.active, len(heading) + 2 + len(rows), len(headers))
    _fit(workbook.active, len(heading) + 2, headers, rows)
    for title, (headers, rows, formats) in (
        (_("Chậm tiến độ"), _laggards(board)),
        (_("Theo tháng"), _months(board)),
        (_("Lý do giảm"), _reasons(board)),
        (_("Khu vực"), _sector_groups(board)),
        (_("Tỷ lệ ĐV trên lao động"), _density(board)),
        (_("Lũy kế so với chỉ tiêu"), _cumulative(board)),
    ):
        sheet = workbook.create_sheet(title[:31])
        write_table(sheet, headers, rows)
        _format(sheet, 1, len(rows), formats)
        _fit(sheet, 1, headers, rows)
    return workbook


# Column widths in characters: a number column as wide as its widest figure with separators,
# a text column as its longest text; headers wrap onto several lines rather than widen a column.
MIN_WIDTH, MAX_WIDTH, NUMBER_PADDING = 9, 45, 3


def _shown_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, float) and value < 10:  # a fraction shown as a percentage, "63.5%"
        return 6
    if isinstance(value, int | float):
        return len(f"{value:,.0f}")
    return len(str(value))


def _fit(sheet, header_row: int, headers, rows) -> None:
    """Each column as wide as what it shows, its header wrapped within (the longest word of the
    header decides the least width), the header row tall enough for the longest wrapped header."""
    lines = 1
    for column, title in enumerate(headers, start=1):
        widest = max([_shown_width(row[column - 1]) for row in rows] or [0])
        longest_word = max(len(word) for word in str(title).split())
        width = min(MAX_WIDTH, max(MIN_WIDTH, widest + NUMBER_PADDING, longest_word + 2))
        sheet.column_dimensions[get_column_letter(column)].width = width
        lines = max(lines, math.ceil(len(str(title)) / (width - 2)))
    sheet.row_dimensions[header_row].height = 15 * lines


def _total_style(sheet, row: int, columns: int) -> None:
    """The total row in bold, as on the page."""
    for column in range(1, columns + 1):
        sheet.cell(row=row, column=column).font = TOTAL_FONT


def _format(sheet, header_row: int, count: int, formats: dict[int, str]) -> None:
    rows = range(header_row + 1, header_row + 1 + count)
    for column, number_format in formats.items():
        format_cells(sheet, rows=rows, columns=[column], number_format=number_format)


def _federations(board: Dashboard):
    year = board.report.year
    headers = [
        _("Đơn vị"),
        _("Mã"),
        _("Kết nạp mới"),
        _("Giảm"),
        _("Tăng tuyệt đối"),
        _("Đoàn viên cuối kỳ"),
        _("CĐCS lập mới"),
        _("CĐCS giảm"),
        _("Tăng tuyệt đối CĐCS"),
        _("CĐCS cuối kỳ"),
        _("Chỉ tiêu kết nạp %(year)s") % {"year": year},
        _("Tỷ lệ đạt kết nạp %(year)s") % {"year": year},
        _("Chỉ tiêu CĐCS %(year)s") % {"year": year},
        _("Tỷ lệ đạt CĐCS %(year)s") % {"year": year},
        _("Tỷ lệ đạt kết nạp cả chương trình"),
        _("Tỷ lệ đạt CĐCS cả chương trình"),
        _("Thời gian đã qua của năm"),
        _("Đánh giá"),
        _("Xếp hạng"),
        _("Báo cáo tháng %(month)s") % {"month": board.report.end},
        _("Đoàn viên do sắp xếp tổ chức"),
        _("CĐCS do sắp xếp tổ chức"),
    ]
    status = headers.index(_("Báo cáo tháng %(month)s") % {"month": board.report.end})

    def line(item: FederationLine, name: str) -> list:
        row, f = item.row, item.row.figures
        return [
            name,
            row.org.code,
            f.admitted,
            f.decrease,
            f.net_members,
            f.members_end,
            f.unions_founded,
            f.unions_dissolved,
            f.net_unions,
            f.unions_end,
            row.year_members.quota,
            _fraction(row.year_members.percent),
            row.year_unions.quota,
            _fraction(row.year_unions.percent),
            _fraction(row.programme_members.percent),
            _fraction(row.programme_unions.percent),
            _fraction(row.year_members.expected_percent),
            "" if item.on_track is None else (_("Đạt tiến độ") if item.on_track else _("Chậm tiến độ")),
            item.rank,
            str(item.status_label),
            f.members_structural,
            f.unions_structural,
        ]

    formats = dict.fromkeys([*range(3, 12), 13, 21, 22], COUNT_FORMAT) | dict.fromkeys(
        [12, 14, 15, 16, 17], PERCENT_FORMAT
    )
    rows = [line(item, item.row.org.name) for item in board.lines]
    if _has_total(board):
        # The scope's own row: its quotas are its own (the province's from the confederation),
        # and with only the followed federations listed it still counts every federation.
        total = board.report.total
        name = _("Toàn tỉnh (mọi đơn vị, không chỉ các đơn vị trên)") if board.only_followed else _("Tổng")
        rows.append(line(FederationLine(row=total, rank=None, status=None), name))
        rows[-1][status] = ""  # a return is a federation's, the total has none
    return headers, rows, formats


def _has_total(board: Dashboard) -> bool:
    """The federation sheet closes with the scope's row unless that row is its only line."""
    return len(board.lines) > 1 or board.only_followed


def _laggards(board: Dashboard):
    headers = [
        _("Đơn vị"),
        _("Mã"),
        _("Chậm (điểm phần trăm, xếp theo cột này)"),
        _("Tỷ lệ đạt kết nạp"),
        _("Kết nạp còn thiếu"),
        _("Kết nạp mỗi tháng còn lại"),
        _("Tỷ lệ đạt CĐCS"),
        _("CĐCS còn thiếu"),
        _("CĐCS mỗi tháng còn lại"),
        _("Thời gian đã qua của năm"),
    ]

    def line(laggard: Laggard) -> list:
        def gap(g: Gap) -> list:
            return [_fraction(g.attainment.percent), g.needed, g.per_month]

        return [
            laggard.row.org.name,
            laggard.row.org.code,
            round(laggard.shortfall, 1),
            *gap(laggard.members),
            *gap(laggard.unions),
            _fraction(laggard.members.attainment.expected_percent),
        ]

    formats = {3: "0.0"} | dict.fromkeys([4, 7, 10], PERCENT_FORMAT) | dict.fromkeys([5, 6, 8, 9], COUNT_FORMAT)
    return headers, [line(laggard) for laggard in board.laggards], formats


def _months(board: Dashboard):
    headers = [
        _("Tháng"),
        _("Kết nạp mới"),
        _("Chuyển đến"),
        _("Giảm (mọi lý do)"),
        _("Giảm"),
        _("Tăng tuyệt đối"),
        _("Đoàn viên cuối tháng"),
        _("CĐCS lập mới"),
        _("CĐCS giảm"),
        _("CĐCS cuối tháng"),
        _("Chuyển đến theo CĐCS (sắp xếp tổ chức)"),
        _("Chuyển đi theo CĐCS (sắp xếp tổ chức)"),
        _("CĐCS thành lập theo đề án"),
        _("CĐCS hợp nhất, kết thúc theo đề án"),
    ]
    rows = [
        [
            str(point.month),
            t.admitted,
            t.transferred_in,
            t.lost,
            t.decrease,
            t.net_members,
            t.members_end,
            t.unions_founded,
            t.unions_dissolved,
            t.unions_end,
            t.reorg_in,
            t.reorg_out,
            t.unions_reorg_founded,
            t.unions_reorg_ended,
        ]
        for point in board.months
        for t in [point.totals]
    ]
    return headers, rows, dict.fromkeys(range(2, 15), COUNT_FORMAT)


# The numbers behind the charts, so that every table of the page is in the workbook.


def _reasons(board: Dashboard):
    rows = [[label, count] for _reason, label, count in board.lost_by_reason]
    return [_("Lý do giảm"), _("Số đoàn viên")], rows, {2: COUNT_FORMAT}


def _sector_groups(board: Dashboard):
    headers = [_("Khu vực"), _("Kết nạp mới"), _("Giảm"), _("CĐCS lập mới"), _("CĐCS giảm"),
               _("Đoàn viên cuối kỳ"), _("CĐCS cuối kỳ")]  # fmt: skip
    rows = [
        [
            SectorGroup(group).label,
            t.admitted,
            t.decrease,
            t.unions_founded,
            t.unions_dissolved,
            t.members_end,
            t.unions_end,
        ]  # fmt: skip
        for group, t in board.sector_groups.items()
    ]
    return headers, rows, dict.fromkeys(range(2, 8), COUNT_FORMAT)


def _density(board: Dashboard):
    headers = [_("Khu vực"), _("Đoàn viên"), _("Lao động"), _("Tỷ lệ đoàn viên / lao động")]
    rows = [[item.label, item.members, item.workers, _fraction(item.percent)] for item in board.density]
    return headers, rows, {2: COUNT_FORMAT, 3: COUNT_FORMAT, 4: PERCENT_FORMAT}


def _cumulative(board: Dashboard):
    headers = [_("Tháng"), _("Kết nạp lũy kế"), _("Chỉ tiêu lũy kế")]
    rows = [[str(point.month), point.admitted, point.quota] for point in board.cumulative]
    return headers, rows, {2: COUNT_FORMAT, 3: COUNT_FORMAT}
