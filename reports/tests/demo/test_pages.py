"""The pages on the demo province: figures that mean one thing, files that add up, drill-downs and
the brief in a fixed number of queries."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.template.defaultfilters import floatformat
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from members.models import MonthlyFigure, Organisation
from reports.dashboard import dashboard
from reports.drilldown import federation_cdcs
from reports.selectors import Scope, progress_report
from unionportal.lib.formatting import count as shown
from unionportal.lib.months import Month

from . import END

pytestmark = pytest.mark.xdist_group("demo")

WIDEST = {"start": "2018-01", "end": END.iso}


@pytest.fixture
def leader_client(province, client):
    client.force_login(get_user_model().objects.get(username="lanhdao"))  # the demo's leader
    return client


def _figure(html: str, key: str, *, within: str = "") -> int:
    """The number shown in the element data-figure="key" (after `within`, when given)."""
    html = html[html.index(within) :] if within else html
    text = re.search(rf'data-figure="{key}"[^>]*>\s*([−+]?[\d.]+)', html).group(1)
    return int(text.replace(".", "").replace("+", "").replace("−", "-"))


def test_the_drill_down_tile_and_table_say_which_decrease_each_one_is(leader_client):
    """The tile "Giảm" is the decrease (lost − transferred in), the table's column every loss:
    each labelled, and the tile is the table's total less its transfers in."""
    url = reverse("reports:federation_detail", kwargs={"code": "TPTN"})
    html = leader_client.get(url, WIDEST).content.decode()
    tile = _figure(html, "decrease")
    lost, transferred_in = _figure(html, "lost", within="<tfoot"), _figure(html, "transferred_in", within="<tfoot")
    assert lost > tile > 0 and tile == lost - transferred_in
    assert f"giảm (mọi lý do) {shown(lost)} − chuyển đến {shown(transferred_in)}" in html
    table = html[html.index('id="cdcs-lines"') :]
    assert "Giảm (mọi lý do)</th>" in table and ">Giảm</th>" not in table


def test_every_drill_down_and_the_brief_run_a_fixed_number_of_queries(
    leader_client, province, django_assert_max_num_queries
):
    for org in Organisation.objects.federations():
        with django_assert_max_num_queries(3):
            federation_cdcs(org=org, start=Month(2018, 1), end=END)
        with django_assert_max_num_queries(16):
            response = leader_client.get(reverse("reports:federation_detail", kwargs={"code": org.code}), WIDEST)
        assert response.status_code == 200
    # the bell's unread count included; the dashboard's card of CĐCS officers to fill takes two more
    for name, most in (("reports:brief", 21), ("reports:brief_docx", 21), ("reports:dashboard", 23)):
        with django_assert_max_num_queries(most):
            assert leader_client.get(reverse(name), WIDEST).status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's virtual-machine steps")
def test_the_drill_down_reads_the_monthly_rows_a_few_times_not_once_per_cdcs(province):
    """Work, not time: a correlated EXISTS per CĐCS over the federation's months made the city's
    drill-down read some 15 million rows (10 s); read in bulk, it is a few steps per monthly row."""
    connection.ensure_connection()
    steps = [0]

    def tick():
        steps[0] += 1
        return 0

    connection.connection.set_progress_handler(tick, 1000)
    try:
        for org in Organisation.objects.federations():
            steps[0] = 0
            federation_cdcs(org=org, start=Month(2018, 1), end=END)
            assert steps[0] * 1000 < 20 * MonthlyFigure.objects.count(), org.code
    finally:
        connection.connection.set_progress_handler(None, 0)


def test_the_laggards_follow_the_order_the_dashboard_states(leader_client):
    html = leader_client.get(reverse("reports:dashboard"), {"start": "2026-01", "end": END.iso}).content.decode()
    assert "xếp theo cột “Chậm”" in html
    table = html[html.index('id="dash-laggards"') :]
    table = table[: table.index("</table>")]
    shortfalls = [float(value) for value in re.findall(r'data-shortfall="([\d.]+)"', table)]
    assert len(shortfalls) >= 3 and shortfalls == sorted(shortfalls, reverse=True)
    board = dashboard(start=Month(2026, 1), end=END, scope=Scope(Organisation.objects.get(code="TN")))
    assert re.findall(r'<tr data-org="([\w-]+)"', table) == [laggard.row.org.code for laggard in board.laggards]
    for laggard in board.laggards:  # the column is the larger of the two gaps to the year's pace
        behind = [g.attainment for g in (laggard.members, laggard.unions) if g.behind]
        gaps = [attainment.expected_percent - attainment.percent for attainment in behind]
        assert laggard.shortfall == max(gaps)


def test_the_province_forecast_is_the_sum_of_the_rows_or_the_card_says_why_not(leader_client):
    response = leader_client.get(reverse("reports:dashboard"), {"start": "2026-01", "end": END.iso})
    funnel, html = response.context["board"].organising, response.content.decode()
    total = funnel.total
    if funnel.rows_expected_whole == total.expected_whole:
        assert 'id="organising-rounding"' not in html
    else:
        note = html[html.index('id="organising-rounding"') :]
        exact = floatformat(total.expected, "1g")
        assert f"được {exact} CĐCS, rồi làm tròn một lần thành {shown(total.expected_whole)}" in note
        assert f"cộng các dòng được {shown(funnel.rows_expected_whole)}" in note
    assert sum(row.expected for row in funnel.rows) == pytest.approx(total.expected)  # every enterprise has a row


def _sheet_table(sheet, caption: str) -> list[dict]:
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    at = next(i for i, row in enumerate(rows) if row[0] == caption) + 1
    headers, table = rows[at], []
    for row in rows[at + 1 :]:
        if row[0] is None:
            break
        table.append(dict(zip(headers, row, strict=False)))
    return table


@pytest.mark.parametrize("start", ["2018-01", "2024-01"])
def test_the_province_excel_has_the_moves_so_that_every_line_balances(leader_client, start):
    response = leader_client.get(reverse("reports:progress_export"), {"start": start, "end": END.iso, "org": "TN"})
    table = _sheet_table(load_workbook(io.BytesIO(response.content)).active, "Theo đơn vị")
    for row in table:
        moved, reorganised = row["Đoàn viên theo CĐCS chuyển đến / đi"], row["Đoàn viên do sắp xếp theo đề án"]
        assert row["Đoàn viên đầu kỳ"] + row["Tăng tuyệt đối"] + moved + reorganised == row["Đoàn viên cuối kỳ"], row[
            "Mã"
        ]
        unions = row["CĐCS đầu kỳ"] + row["CĐCS lập mới"] - row["CĐCS giảm"] + row["CĐCS chuyển đến / đi"]
        assert unions + row["CĐCS do sắp xếp theo đề án"] == row["CĐCS cuối kỳ"], row["Mã"]
    total = table[-1]
    assert total["Đơn vị"] == "Tổng" and total["Đoàn viên theo CĐCS chuyển đến / đi"] == 0
    assert sum(row["Đoàn viên theo CĐCS chuyển đến / đi"] for row in table[:-1]) == 0
    assert any(row["Đoàn viên theo CĐCS chuyển đến / đi"] for row in table[:-1])  # the demo moves CĐCS
    assert total["Đoàn viên do sắp xếp theo đề án"] == 0  # the July 2025 plan moves members, province-wide none


def test_the_worked_example_move_of_pho_yen_is_in_the_excel(leader_client):
    response = leader_client.get(reverse("reports:progress_export"), {"start": "2018-01", "end": "2021-03"})
    table = {row["Mã"]: row for row in _sheet_table(load_workbook(io.BytesIO(response.content)).active, "Theo đơn vị")}
    txpy = table["TXPY"]
    assert (txpy["Đoàn viên đầu kỳ"], txpy["Tăng tuyệt đối"]) == (10_491, 1_112)
    assert (txpy["Đoàn viên theo CĐCS chuyển đến / đi"], txpy["Đoàn viên cuối kỳ"]) == (-1_173, 10_430)


def test_the_dashboard_excel_has_a_total_row_and_readable_columns(leader_client):
    response = leader_client.get(reverse("reports:dashboard_export"), WIDEST)
    sheet = load_workbook(io.BytesIO(response.content))["Theo đơn vị"]
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Đơn vị")
    headers = [cell.value for cell in sheet[header_row]]
    lines = [row for row in sheet.iter_rows(min_row=header_row + 1) if row[0].value]
    total = lines[-1]
    assert total[0].value == "Tổng" and total[0].font.b
    report = progress_report(start=Month(2018, 1), end=END, scope=Scope(Organisation.objects.get(code="TN")))
    column = {name: index for index, name in enumerate(headers)}
    assert (
        total[column["Kết nạp mới"]].value
        == report.total.figures.admitted
        == sum(line[column["Kết nạp mới"]].value for line in lines[:-1])
    )
    assert total[column["Đoàn viên cuối kỳ"]].value == report.total.figures.members_end
    assert all(cell.alignment.wrap_text for cell in sheet[header_row])
    for name in ("Kết nạp mới", "Giảm", "Đoàn viên cuối kỳ", "Chỉ tiêu kết nạp 2026"):
        cells = [line[column[name]] for line in lines]
        assert {cell.number_format for cell in cells} == {"#,##0"}, name
        width = sheet.column_dimensions[get_column_letter(column[name] + 1)].width
        assert len(f"{max(cell.value or 0 for cell in cells):,}") < width <= 20, name  # "126,355" fits, not 40 wide
    name_width = sheet.column_dimensions["A"].width
    assert max(len(line[0].value) for line in lines) <= name_width <= 45
