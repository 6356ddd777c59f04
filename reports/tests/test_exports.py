"""The report as an Excel file: the page's figures, as numbers, and names that cannot run as formulas."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.figures.services import figures_record
from members.models import LossReason
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.lib.xlsx import XLSX_TYPE

URL = reverse("reports:progress_export")
PAGE = reverse("reports:progress")
RANGE = {"start": "2018-01", "end": "2021-03", "org": "TN"}
HOSTILE_NAMES = ['=HYPERLINK("http://x.example","bấm")', "+1", "@SUM(A1:A2)", "-2"]


@pytest.fixture
def figures(province, federation, other_federation, make_cdcs):
    big = make_cdcs(federation, opening=100_000, first_month=Month(2017, 12), sector="fdi")
    figures_record(cdcs=big, month=Month(2018, 5), admitted=30_018, lost={LossReason.JOB: 10_979}, user=None)
    small = make_cdcs(other_federation, opening=40, first_month=Month(2017, 12))
    figures_record(cdcs=small, month=Month(2019, 6), admitted=2, lost={LossReason.DIED: 1}, user=None)
    make_cdcs(federation, founded_on=date(2019, 2, 1))
    programme = Programme.objects.create(
        name="Chương trình 04", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=2023,
    )  # fmt: skip
    for org, members in ((province, 40_000), (federation, 30_000), (other_federation, 10_000)):
        for year in programme.years:
            Quota.objects.create(programme=programme, organisation=org, year=year, new_members=members, new_unions=4)


def _sheet(response):
    assert response.status_code == 200, response
    assert response["Content-Type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(response.content)).active


def _table(sheet, caption: str) -> list[dict]:
    """The rows of the table under `caption`, as dicts keyed by its headers."""
    rows = [list(row) for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0].value == caption)
    headers = [cell.value for cell in rows[start + 1] if cell.value is not None]
    table = []
    for row in rows[start + 2 :]:
        if row[0].value is None:
            break
        table.append({header: cell for header, cell in zip(headers, row, strict=False)})
    return table


def test_the_excel_file_holds_the_pages_figures_as_numbers(figures, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-TN-2018-01-2021-03.xlsx"'
    sheet = _sheet(response)
    heading = [sheet.cell(row=n, column=1).value for n in range(1, 7)]
    assert heading == [
        "Báo cáo phát triển đoàn viên, thành lập CĐCS",
        "Đơn vị: Toàn tỉnh (LĐLĐ tỉnh Thái Nguyên)",
        "Kỳ báo cáo: 01/2018 – 03/2021",
        "Khu vực: Tất cả khu vực",
        "Chương trình: 04/CTr-LĐLĐ (2018–2023)",
        "Số liệu theo cơ cấu tổ chức của từng tháng: mỗi tháng tính cho đơn vị CĐCS trực thuộc trong tháng đó.",
    ]
    assert "đã kết nạp mới 30.020 đoàn viên; giảm 10.980 đoàn viên" in sheet.cell(row=8, column=1).value

    federations = {row["Mã"].value: row for row in _table(sheet, "Theo đơn vị")}
    assert set(federations) == {"DT", "PB", "TN"}
    total = federations["TN"]
    assert total["Đơn vị"].value == "Tổng"
    assert (total["Kết nạp"].value, total["Giảm"].value, total["Tăng tuyệt đối"].value) == (30_020, 10_980, 19_040)
    assert all(type(total[name].value) is int for name in ("Kết nạp", "Giảm", "Đoàn viên cuối kỳ", "CĐCS lập mới"))
    assert federations["DT"]["Chỉ tiêu kết nạp 2021"].value == 30_000
    rate = federations["DT"]["Tỷ lệ đạt"]
    assert rate.value == pytest.approx(0)  # nothing admitted in 2021 up to March
    assert rate.number_format == "0.0%"
    assert total["Kết nạp"].number_format == "#,##0"

    attainment = {row["Chỉ tiêu"].value: row for row in _table(sheet, "Tiến độ thực hiện chỉ tiêu")}
    programme_members = attainment["Kết nạp đoàn viên cả chương trình"]
    assert programme_members["Giao"].value == 6 * 40_000
    assert programme_members["Thực hiện"].value == 30_020
    assert programme_members["Tỷ lệ đạt"].value == pytest.approx(30_020 / 240_000)
    assert programme_members["Thời gian đã qua"].value == pytest.approx(39 / 72)
    assert programme_members["Đánh giá"].value == "Chậm tiến độ"

    movement = {row["Đoàn viên"].value: row["Số lượng"].value for row in _table(sheet, "Biến động đoàn viên trong kỳ")}
    assert movement["Đầu kỳ"] == 100_040
    assert movement["trong đó: Nghỉ việc, chuyển công tác"] == 10_979
    assert movement["trong đó: Từ trần"] == 1
    assert movement["Cuối kỳ"] == 100_040 + 19_040
    unions = {row["CĐCS"].value: row["Số lượng"].value for row in _table(sheet, "Công đoàn cơ sở")}
    assert (unions["Đầu kỳ"], unions["Thành lập mới"], unions["Cuối kỳ"]) == (2, 1, 3)


def test_names_that_look_like_formulas_arrive_as_text(figures, client_for, provincial_staff, make_federation):
    for number, name in enumerate(HOSTILE_NAMES):
        make_federation(f"X{number}", name)
    sheet = _sheet(client_for(provincial_staff).get(URL, RANGE))
    names = {row["Mã"].value: row["Đơn vị"] for row in _table(sheet, "Theo đơn vị")}
    for number, name in enumerate(HOSTILE_NAMES):
        cell = names[f"X{number}"]
        assert cell.data_type == "s"
        assert cell.value == "'" + name
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_a_federation_user_exports_their_own_federation(figures, client_for, federation_user):
    response = client_for(federation_user).get(URL, {**RANGE, "org": "DT", "sector_group": "non_state"})
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-DT-2018-01-2021-03-non-state.xlsx"'
    sheet = _sheet(response)
    assert sheet.cell(row=2, column=1).value == "Đơn vị: LĐLĐ huyện Đại Từ"
    assert sheet.cell(row=4, column=1).value == "Khu vực: Khu vực ngoài nhà nước"
    movement = {row["Đoàn viên"].value: row["Số lượng"].value for row in _table(sheet, "Biến động đoàn viên trong kỳ")}
    assert movement["Kết nạp mới"] == 30_018
    assert movement["Chuyển CĐCS đến / đi"] == 0  # shown for a federation, as on the page


def test_without_parameters_the_file_is_the_default_page(figures, client_for, leader):
    sheet = _sheet(client_for(leader).get(URL))
    assert sheet.cell(row=2, column=1).value == "Đơn vị: Toàn tỉnh (LĐLĐ tỉnh Thái Nguyên)"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({**RANGE, "start": "2021-05"}, "Tháng cuối phải sau hoặc bằng tháng đầu."),
        ({**RANGE, "start": "tháng ba"}, "Tháng không hợp lệ"),
        ({**RANGE, "end": "2099-03"}, "chưa đến"),
        ({**RANGE, "org": "PB"}, "Hãy chọn một lựa chọn hợp lệ"),  # another federation's report
        ({**RANGE, "sector_group": "<script>"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_a_bad_query_sends_the_user_back_to_the_page_with_a_message(
    figures, client_for, federation_user, params, message
):
    client = client_for(federation_user)
    response = client.get(URL, {**params, "org": params["org"] if params["org"] != "TN" else "DT"})
    assert response.status_code == 302
    assert response.url.startswith(PAGE + "?")
    page = client.get(response.url)
    html = page.content.decode()
    assert "Không tải được tệp Excel" in html and message in html
    assert page.context.get("report") is None


def test_the_page_links_to_the_file_with_its_query(figures, client_for, leader):
    html = client_for(leader).get(PAGE, {**RANGE, "sector_group": "state"}).content.decode()
    assert f'href="{URL}?start=2018-01&amp;end=2021-03&amp;org=TN&amp;sector_group=state"' in html
    assert "Tải Excel" in html


def test_users_without_a_role_get_no_file(figures, client_for, no_role_user, client):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    assert client_for(no_role_user).get(URL, RANGE).status_code == 403
