"""Every report surface shows what a reorganisation plan did on a line of its own ("Do sắp xếp tổ
chức") and reads the range restated on today's structure when asked (structure=today): the report
page, the dashboard, the drill-down, the brief, the Excel files, the JSON API and the command. On
the province of unionportal.testing.reorganised.reorganised_province, 03–06/2021."""

import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from unionportal.testing.html import attr, find, find_all, page, text

RANGE = {"start": "2021-03", "end": "2021-06"}
TODAY = {**RANGE, "structure": "today"}
STRUCTURAL = (
    "Do sắp xếp tổ chức: 02 CĐCS hợp nhất, kết thúc; thành lập 01 CĐCS mới từ các CĐCS hợp nhất; "
    "50 đoàn viên chuyển theo CĐCS (không tính vào kết nạp mới, giảm và thành lập mới)."
)


@pytest.fixture
def world(reorganised):
    return reorganised


def _figure(root, key: str) -> str:
    return text(find(root, data_figure=key))


def test_the_report_page_shows_the_plan_apart_and_says_which_structure(world, client_for, leader):
    root = page(client_for(leader).get(reverse("reports:progress"), {**RANGE, "org": "TN"}))
    assert "giảm 15 đoàn viên" in text(find(root, id="sentence"))
    assert text(find(root, id="structural-sentence")) == STRUCTURAL
    card = find(root, id="structural")
    assert [_figure(card, key) for key in ("reorg_in", "reorg_out", "unions_reorg_founded", "unions_reorg_ended")] == [
        "50",
        "50",
        "1",
        "2",
    ]
    assert (_figure(card, "members_structural"), _figure(card, "unions_structural")) == ("0", "−1")
    links = find_all(find(root, id="structure"), "a", data_structure_link=True)
    assert [(text(link), "active" in attr(link, "class")) for link in links] == [
        ("Theo cơ cấu từng tháng", True),
        ("Theo cơ cấu hiện nay", False),
    ]
    assert "structure=today" in attr(links[1], "href") and "org=TN" in attr(links[1], "href")
    assert "cơ cấu tổ chức của từng tháng" in text(find(root, id="structure-note"))
    dt = find(find(root, id="federations"), "tr", data_org="DT")
    assert (_figure(dt, "members_structural"), _figure(dt, "unions_structural")) == ("+30", "0")


def test_the_report_page_restated_has_the_ended_line_and_keeps_the_structure_in_its_links(world, client_for, leader):
    root = page(client_for(leader).get(reverse("reports:progress"), {**TODAY, "org": "TN"}))
    assert "cơ cấu tổ chức hiện nay" in text(find(root, id="structure-note"))
    table = find(root, id="federations")
    ended = find(table, "tr", data_org="")
    assert text(find_all(ended, "td")[0]) == "Đơn vị đã kết thúc" and not find_all(ended, "a")
    link = attr(find(find(table, "tr", data_org="PB"), "a"), "href")
    assert "structure=today" in link
    assert "PB" in link


def test_the_dashboard_says_what_the_plan_did_and_reads_today_s_structure(world, client_for, leader):
    client = client_for(leader)
    root = page(client.get(reverse("reports:dashboard"), {**RANGE, "org": "TN"}))
    assert text(find(root, id="dash-structural")) == STRUCTURAL
    headers = [text(th) for th in find_all(find(root, id="dash-federations"), "th")]
    assert "Sắp xếp ĐV" in headers and "Sắp xếp CĐCS" in headers
    restated = page(client.get(reverse("reports:dashboard"), {**TODAY, "org": "PB"}))
    assert text(find(restated, data_figure="admitted")) == "10"  # d1's April admissions: PB's today
    assert "cơ cấu tổ chức hiện nay" in text(find(restated, id="structure-note"))


def test_the_drilldown_shows_each_cdcs_part_of_the_plan(world, client_for, leader):
    client = client_for(leader)
    root = page(client.get(reverse("reports:federation_detail", kwargs={"code": "DT"}), RANGE))
    p2 = find(root, "tr", data_cdcs="P2")
    assert _figure(p2, "members_moved").startswith("+30") and _figure(p2, "members_reorganised").startswith("−30")
    assert "hợp nhất vào" in _figure(p2, "members_reorganised")
    assert _figure(find(root, "tr", data_cdcs="D1"), "members_reorganised") == "+30"
    restated = page(client.get(reverse("reports:federation_detail", kwargs={"code": "PB"}), TODAY))
    assert sorted(attr(row, "data-cdcs") for row in find_all(restated, "tr", data_cdcs=True)) == ["D1", "P1", "P2"]
    assert all(attr(a, "href").count("structure=today") for a in find_all(find(restated, id="cdcs-lines"), "a"))


def test_the_brief_has_a_sentence_about_the_reorganisation(world, client_for, leader):
    root = page(client_for(leader).get(reverse("reports:brief"), {**RANGE, "org": "TN", "on": "07/07/2021"}))
    assert text(find(root, id="brief-structural")) == STRUCTURAL
    restated = page(client_for(leader).get(reverse("reports:brief"), {**TODAY, "org": "TN", "on": "07/07/2021"}))
    assert "theo cơ cấu tổ chức hiện nay" in text(find(restated, "p", **{"class": "brief-subtitle"}))


def _rows(response) -> list[list]:
    assert response.status_code == 200, response
    return [[cell.value for cell in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]


def test_the_excel_files_have_the_plan_s_lines(world, client_for, leader):
    client = client_for(leader)
    rows = _rows(client.get(reverse("reports:progress_export"), {**RANGE, "org": "DT"}))
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["Sắp xếp tổ chức theo đề án (chuyển đến − chuyển đi theo CĐCS)"] == 0
    assert values["trong đó: chuyển đến theo CĐCS hợp nhất, kết thúc"] == 30
    assert [row[1] for row in rows if row[0] == "Chuyển CĐCS đến / đi"] == [30, 1]  # members, then CĐCS
    assert values["Sắp xếp tổ chức theo đề án (thành lập − hợp nhất, kết thúc)"] == -1
    dashboard = _rows(client.get(reverse("reports:dashboard_export"), {**RANGE, "org": "TN"}))
    header = next(row for row in dashboard if row[1] == "Mã")
    dt = next(row for row in dashboard if row[1] == "DT")
    assert dict(zip(header, dt, strict=True))["Đoàn viên do sắp xếp tổ chức"] == 30
    drill = _rows(client.get(reverse("reports:federation_detail_export", kwargs={"code": "DT"}), RANGE))
    header = next(row for row in drill if row[0] == "Mã CĐCS")
    p2 = dict(zip(header, next(row for row in drill if row[0] == "P2"), strict=True))
    assert p2["Sắp xếp theo đề án (đoàn viên)"] == -30 and p2["Hợp nhất, kết thúc theo đề án"] is not None
    restated = _rows(client.get(reverse("reports:progress_export"), {**TODAY, "org": "TN"}))
    assert any(row[0] and "cơ cấu tổ chức hiện nay" in str(row[0]) for row in restated)
    assert any(row[0] == "Đơn vị đã kết thúc" for row in restated)


def test_the_api_gives_the_reorganised_figures_and_reads_today_s_structure(world, client_for, leader):
    client = client_for(leader)
    data = client.get(reverse("reports:api_progress"), {**RANGE, "org": "TN"}).json()
    assert data["scope"]["structure"] == "months"
    assert data["total"]["reorganised"] == {
        "members_in": 50,
        "members_out": 50,
        "members": 0,
        "unions_founded": 1,
        "unions_ended": 2,
        "unions": -1,
    }
    assert (data["total"]["transferred_in"], data["total"]["lost_by_reason"]["transferred_out"]) == (0, 0)
    today = client.get(reverse("reports:api_progress"), {**TODAY, "org": "TN"}).json()
    assert today["scope"]["structure"] == "today"
    assert {row["org"] for row in today["federations"]} == {"DT", "PB", world["block"].code, ""}
    assert client.get(reverse("reports:api_progress"), {**RANGE, "structure": "yesterday"}).status_code == 400


def test_the_command_prints_the_plan_s_line_and_reads_today_s_structure(world):
    out = StringIO()
    call_command("report", "--from", "2021-03", "--to", "2021-06", stdout=out)
    assert "Sắp xếp theo đề án (thuần)                   0      -1" in out.getvalue().replace("−", "-")
    assert STRUCTURAL in out.getvalue()
    out = StringIO()
    call_command(
        "report", "--from", "2021-03", "--to", "2021-06", "--structure", "today", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["structure"] == "today" and data["reorganisation"] == STRUCTURAL
    assert {row["code"] for row in data["federations"]} == {"DT", "PB", world["block"].code, ""}
    assert data["total"]["members_reorganised"] == 0 and data["total"]["unions_reorganised"] == -1


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("name", "kwargs", "org", "ceiling"),
    [
        ("reports:progress", {}, "TN", 20),
        ("reports:dashboard", {}, "TN", 40),
        ("reports:dashboard", {}, "PB", 40),
        ("reports:federation_detail", {"code": "PB"}, None, 25),
    ],
)
def test_restated_pages_run_a_fixed_number_of_queries(world, client_for, leader, name, kwargs, org, ceiling):
    from members.figures.services import figures_record
    from members.services.org import cdcs_move
    from unionportal.lib.months import Month
    from unionportal.testing.province import cdcs_create

    client, url = client_for(leader), reverse(name, kwargs=kwargs)
    query = {**TODAY, **({"org": org} if org else {})}
    before = _queries(client, url, query)
    for number in range(40, 50):  # ten more CĐCS, moved and merged
        cdcs = cdcs_create(world["DT"], number, opening=5, first_month=Month(2021, 3))
        figures_record(cdcs=cdcs, month=Month(2021, 4), admitted=1, user=None)
        cdcs_move(cdcs=cdcs, federation=world["PB"], from_month=Month(2021, 5), user=None)
    assert _queries(client, url, query) == before <= ceiling
