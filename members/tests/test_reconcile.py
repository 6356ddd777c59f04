"""Reconciliation of the monthly figures with the member register: the federation page (reported
against register, statuses, totals), the drill-down to the members behind each number, the
province view, who sees names, the query counts, and the grid and Excel template pre-filled
from the register."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members.figures.exports import HEADER_ROW, MONTH_SHEET
from members.figures.reconcile import Status
from members.figures.services import figures_record
from members.models import LossReason, MonthlyFigure
from members.register.moves import member_transfer_accept, member_transfer_request
from members.register.people import mask_id
from members.register.services import MemberData, member_admit, member_leave
from members.services.org import cdcs_move
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text

FEBRUARY, MARCH, APRIL = Month(2021, 2), Month(2021, 3), Month(2021, 4)
_ids = iter(range(1000, 10_000))


def person(name: str, joined_on=date(2015, 1, 1)) -> MemberData:
    return MemberData(full_name=name, joined_on=joined_on, id_number=f"00109000{next(_ids):04d}")


def enter(cdcs, names, user, month=MARCH):
    """Members who were in the union already, entered into the CĐCS's register that starts in `month`."""
    return [member_admit(cdcs=cdcs, data=person(name), existing=True, month=month, user=user) for name in names]


def admit(cdcs, name, on, user):
    return member_admit(cdcs=cdcs, data=person(name, joined_on=on), user=user)


@pytest.fixture
def world(federation, other_federation, make_cdcs, federation_user, other_federation_user):
    """March 2021 in DT, hand-computed:

    DT01 reported 4 at the end of February; its register starts in March with 4 members; in
    March An and Bình are admitted, Cũ 1 retires and Cũ 2 moves to DT02. Register: start 4,
    admitted 2, retired 1, transferred out 1, end 4. Reported the same: "Khớp".

    DT02 reported 3 in February; register from March with 3 members; in March it receives Cũ 2,
    admits Dũng, and Cũ 5 leaves for another job. Register: start 3, admitted 1, transferred in
    1, job 1, end 4. Reported: admitted 2, transferred in 1, left the union 1, end 5: "Lệch" in
    admitted, job, left and end.

    DT03 keeps a register (2 members) and reported nothing for March: "Chưa báo cáo".
    DT04 keeps none and reported March: "Chưa giữ sổ".
    PB01, in PB, keeps a register of 1 member and reported it: "Khớp"."""
    user = federation_user
    dt01 = make_cdcs(federation, code="DT01", opening=4, first_month=FEBRUARY)
    dt02 = make_cdcs(federation, code="DT02", opening=3, first_month=FEBRUARY)
    dt03 = make_cdcs(federation, code="DT03", opening=2, first_month=FEBRUARY)
    dt04 = make_cdcs(federation, code="DT04", opening=7, first_month=FEBRUARY)
    pb01 = make_cdcs(other_federation, code="PB01", opening=1, first_month=FEBRUARY)

    old1 = enter(dt01, ["Cũ 1", "Cũ 2", "Cũ 3", "Cũ 4"], user)
    old2 = enter(dt02, ["Cũ 5", "Cũ 6", "Cũ 7"], user)
    enter(dt03, ["Cũ 8", "Cũ 9"], user)
    enter(pb01, ["Cũ 10"], other_federation_user)
    an = admit(dt01, "Nguyễn Văn An", date(2021, 3, 2), user)
    binh = admit(dt01, "Trần Thị Bình", date(2021, 3, 30), user)
    member_leave(member=old1[0], on=date(2021, 3, 20), reason=LossReason.RETIRED, user=user)
    transfer = member_transfer_request(member=old1[1], to_cdcs=dt02, user=user)
    member_transfer_accept(transfer=transfer, on=date(2021, 3, 15), user=user)
    dung = admit(dt02, "Lê Văn Dũng", date(2021, 3, 5), user)
    member_leave(member=old2[0], on=date(2021, 3, 25), reason=LossReason.JOB, user=user)

    figures_record(cdcs=dt01, month=MARCH, admitted=2, lost={"retired": 1, "transferred_out": 1}, user=user)
    figures_record(cdcs=dt02, month=MARCH, admitted=2, transferred_in=1, lost={"left": 1}, user=user)
    figures_record(cdcs=dt04, month=MARCH, admitted=1, user=user)
    figures_record(cdcs=pb01, month=MARCH, user=other_federation_user)
    return {
        "cdcs": {c.code: c for c in (dt01, dt02, dt03, dt04, pb01)},
        "people": {"an": an, "binh": binh, "dung": dung, "retired": old1[0], "moved": old1[1], "left_job": old2[0]},
        "stayed": old1[2:],
    }


def _url(name="members:reconcile", code="DT", month=MARCH, **extra):
    return reverse(name, kwargs={"code": code, "month": month, **extra})


def _lines(response) -> dict:
    return {line.cdcs.code: line for line in response.context["reconciliation"].lines}


# --- the federation page ----------------------------------------------------------------------------


def test_page_shows_each_cdcs_reported_against_register_with_its_status(client_for, federation_user, world):
    response = client_for(federation_user).get(_url())
    assert response.status_code == 200
    lines = _lines(response)
    assert list(lines) == ["DT01", "DT02", "DT03", "DT04"]

    dt01 = lines["DT01"]
    assert dt01.status == Status.MATCHED and dt01.differences == []
    assert dt01.register == dt01.reported
    assert (dt01.register["members_start"], dt01.register["admitted"], dt01.register["lost"]) == (4, 2, 2)
    assert (dt01.register["lost_retired"], dt01.register["lost_transferred_out"], dt01.register["members_end"]) == (
        1,
        1,
        4,
    )

    dt02 = lines["DT02"]
    assert dt02.status == Status.DIFFERS
    assert dt02.differences == ["admitted", "lost_job", "lost_left", "members_end"]
    assert {key: dt02.reported[key] for key in dt02.differences} == {
        "admitted": 2,
        "lost_job": 0,
        "lost_left": 1,
        "members_end": 5,
    }
    assert {key: dt02.register[key] for key in dt02.differences} == {
        "admitted": 1,
        "lost_job": 1,
        "lost_left": 0,
        "members_end": 4,
    }
    assert dt02.register["transferred_in"] == dt02.reported["transferred_in"] == 1
    assert dt02.register["lost"] == dt02.reported["lost"] == 1  # same total, other reasons

    assert lines["DT03"].status == Status.NOT_REPORTED and lines["DT03"].register["members_end"] == 2
    assert lines["DT04"].status == Status.NO_REGISTER and lines["DT04"].reported["members_end"] == 8

    reconciliation = response.context["reconciliation"]
    assert (reconciliation.keeping, reconciliation.matched, reconciliation.differing) == (3, 1, 1)
    assert reconciliation.not_reported == 1
    totals = reconciliation.totals  # over DT01–DT03, the CĐCS that keep a register
    assert (totals["reported"]["admitted"], totals["register"]["admitted"]) == (4, 3)
    assert (totals["reported"]["members_end"], totals["register"]["members_end"]) == (9, 10)


def test_page_highlights_exactly_the_differing_figures(client_for, federation_user, world):
    root = page(client_for(federation_user).get(_url()))
    dt02 = find(root, "tr", id="cdcs-DT02")
    warned = {attr(cell, "data-register") for cell in find_all(dt02, "td", data_register=True)}
    warned = {key for key in warned if "table-warning" in attr(find(dt02, "td", data_register=key), "class")}
    assert warned == {"admitted", "lost", "lost_job", "lost_left", "members_end"}
    assert "Lệch" in text(_classed(dt02, "td", "status")[0])
    assert "Kết nạp mới" in text(_classed(dt02, "div", "differences")[0])
    dt01 = find(root, "tr", id="cdcs-DT01")
    assert not any("table-warning" in attr(cell, "class") for cell in find_all(dt01, "td"))
    assert "Khớp" in text(dt01)
    assert "Chưa báo cáo" in text(find(root, "tr", id="cdcs-DT03"))
    assert "Chưa giữ sổ" in text(find(root, "tr", id="cdcs-DT04"))
    summary = find(root, "p", id="summary")
    assert text(find(summary, "span", data_count="matched")) == "1"
    assert "3 CĐCS giữ sổ đoàn viên" in text(summary)


def test_register_numbers_link_to_the_drilldown_for_staff_only(client_for, federation_user, leader, world):
    drill = _url("members:reconcile_cdcs", cdcs="DT02")
    staff = page(client_for(federation_user).get(_url()))
    admitted = find(find(staff, "tr", id="cdcs-DT02"), "td", data_register="admitted")
    assert attr(find(admitted, "a"), "href") == f"{drill}#admitted"
    start = find(find(staff, "tr", id="cdcs-DT02"), "td", data_register="members_start")
    assert attr(find(start, "a"), "href") == f"{drill}#start"  # the register's first month

    response = client_for(leader).get(_url())
    assert response.status_code == 200
    assert _lines(response)["DT02"].register["admitted"] == 1  # the same numbers…
    assert "/reconcile/DT/2021-03/DT" not in response.content.decode()  # …without links
    assert not find_all(find(page(response), "tr", id="cdcs-DT02"), "a")


def test_start_links_to_last_months_list_after_the_registers_first_month(client_for, federation_user, world):
    root = page(client_for(federation_user).get(_url(month=APRIL)))
    start = find(find(root, "tr", id="cdcs-DT01"), "td", data_register="members_start")
    assert attr(find(start, "a"), "href") == _url("members:reconcile_cdcs", cdcs="DT01") + "#end"
    assert _lines(client_for(federation_user).get(_url(month=APRIL)))["DT01"].status == Status.NOT_REPORTED


def test_another_federations_page_is_not_found(client_for, federation_user, world):
    assert client_for(federation_user).get(_url(code="PB")).status_code == 404


def test_page_queries_do_not_grow_with_the_number_of_cdcs(
    client_for, provincial_staff, make_federation, make_cdcs, federation_user
):
    """Two CĐCS, then six, each keeping a register with a member and with March reported."""
    federation = make_federation("DH", "LĐLĐ huyện Định Hóa")
    client = client_for(provincial_staff)

    def grow(to: int):
        while len(federation_cdcs) < to:
            cdcs = make_cdcs(federation, opening=1, first_month=FEBRUARY)
            enter(cdcs, [f"Người {len(federation_cdcs)}"], provincial_staff)
            figures_record(cdcs=cdcs, month=MARCH, user=provincial_staff)
            federation_cdcs.append(cdcs)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    federation_cdcs = []
    grow(2)
    url = _url(code="DH")
    province = reverse("members:reconcile_province") + "?month=2021-03"
    grid = _url("members:grid", code="DH")
    few = (queries(url), queries(province), queries(grid))
    grow(6)
    assert (queries(url), queries(province), queries(grid)) == few
    assert len(_lines(client.get(url))) == 6


def test_a_large_federation_is_listed_a_page_at_a_time_with_the_counts_and_totals_of_all(
    client_for, federation_user, world, monkeypatch
):
    """A union of 3,000 CĐCS made a table of 9 MB: the page lists LINES_PER_PAGE of them, or
    those of one status, and still counts and totals all of them."""
    monkeypatch.setattr("members.figures.views.reconcile.LINES_PER_PAGE", 2)
    client = client_for(federation_user)

    first, second = client.get(_url()), client.get(_url(), {"page": 2})
    differing = client.get(_url(), {"status": "differs"})

    def codes(response):
        return [attr(row, "data-cdcs") for row in find_all(find(page(response), "tbody"), "tr")]

    assert codes(first) == ["DT01", "DT02"] and codes(second) == ["DT03", "DT04"]
    assert text(find(page(first), "tr", id="totals")) == text(find(page(second), "tr", id="totals"))
    assert text(find(page(first), "span", data_count="differing")) == "1"
    assert "CĐCS 1–2 trong 4" in text(find(page(first), id="lines-shown"))
    assert codes(differing) == ["DT02"]
    assert codes(client.get(_url(), {"status": "bogus"})) == ["DT01", "DT02"]  # an unknown status: every CĐCS


def test_the_register_of_a_whole_province_is_counted_as_that_of_a_few_cdcs(world, monkeypatch):
    """Past WHOLE_REGISTER CĐCS, register_figures reads every CĐCS's events and keeps those asked."""
    from members.register import people

    unions = list(world["cdcs"].values())
    few = people.register_figures(unions[:2], MARCH)
    monkeypatch.setattr(people, "WHOLE_REGISTER", 0)
    assert {pk: month.as_figures() for pk, month in people.register_figures(unions[:2], MARCH).items()} == {
        pk: month.as_figures() for pk, month in few.items()
    }


# --- the drill-down ---------------------------------------------------------------------------------


def test_drilldown_lists_the_members_behind_each_number(client_for, federation_user, world):
    response = client_for(federation_user).get(_url("members:reconcile_cdcs", cdcs="DT01"))
    assert response.status_code == 200
    root = page(response)
    people = world["people"]

    assert _members(root, "admitted") == [people["an"].pk, people["binh"].pk]
    assert _members(root, "lost_retired") == [people["retired"].pk]
    assert _members(root, "lost_transferred_out") == [people["moved"].pk]
    assert not find_all(root, "section", id="transferred_in")  # none this month
    end = [member.pk for member in (*world["stayed"], people["an"], people["binh"])]
    assert sorted(_members(root, "end")) == sorted(end)
    assert sorted(_members(root, "start")) == sorted(
        m.pk for m in (*world["stayed"], people["retired"], people["moved"])
    )

    content = response.content.decode()
    an = people["an"]
    assert mask_id(an.id_number) in content and an.id_number not in content  # masked, never whole
    assert reverse("members:person", kwargs={"pk": an.pk}) in content
    assert "20/03/2021" in text(find(root, "section", id="lost_retired"))  # with the date
    numbers = find(root, "table", id="register-numbers")
    assert text(find(find(numbers, "tr", data_figure="members_end"), "td", data_register=True)) == "4"


def test_drilldown_marks_the_figures_that_differ(client_for, federation_user, world):
    root = page(client_for(federation_user).get(_url("members:reconcile_cdcs", cdcs="DT02")))
    numbers = find(root, "table", id="register-numbers")
    differing = {attr(row, "data-figure") for row in _classed(numbers, "tr", "table-warning")}
    assert differing == {"admitted", "lost_job", "lost_left", "members_end"}
    assert _members(root, "transferred_in") == [world["people"]["moved"].pk]
    assert _members(root, "lost_job") == [world["people"]["left_job"].pk]


def test_drilldown_refuses_leadership_and_other_federations(
    client_for, leader, federation_user, provincial_staff, world
):
    assert client_for(leader).get(_url("members:reconcile_cdcs", cdcs="DT01")).status_code == 403
    assert client_for(federation_user).get(_url("members:reconcile_cdcs", code="PB", cdcs="PB01")).status_code == 404
    # a CĐCS of another federation under this federation's code is not found either
    assert client_for(federation_user).get(_url("members:reconcile_cdcs", cdcs="PB01")).status_code == 404
    assert client_for(provincial_staff).get(_url("members:reconcile_cdcs", cdcs="PB01")).status_code == 404
    assert client_for(provincial_staff).get(_url("members:reconcile_cdcs", code="PB", cdcs="PB01")).status_code == 200


def test_drilldown_of_a_cdcs_without_register_says_so(client_for, federation_user, world):
    response = client_for(federation_user).get(_url("members:reconcile_cdcs", cdcs="DT04"))
    assert response.status_code == 200 and response.context["detail"] is None
    assert find(page(response), "div", id="no-register")


def test_drilldown_pages_the_end_of_month_list(client_for, federation_user, federation, make_cdcs, monkeypatch):
    from members.figures import reconcile

    cdcs = make_cdcs(federation, code="DT09", opening=5, first_month=FEBRUARY)
    enter(cdcs, [f"Người {n}" for n in range(5)], federation_user)
    monkeypatch.setattr(reconcile, "STOCK_PAGE", 2)
    client = client_for(federation_user)
    url = _url("members:reconcile_cdcs", cdcs="DT09")
    first, last, bad = client.get(url), client.get(url + "?page=3"), client.get(url + "?page=abc")
    assert len(_members(page(first), "end")) == 2 and len(_members(page(last), "end")) == 1
    assert bad.status_code == 200 and len(_members(page(bad), "end")) == 2  # a bad page number: the first
    ends = {pk for response in (first, client.get(url + "?page=2"), last) for pk in _members(page(response), "end")}
    assert len(ends) == 5


def test_a_cdcs_that_moved_away_keeps_its_members_from_its_old_federation(
    client_for, federation_user, provincial_staff, other_federation, world
):
    """March's page of DT still counts DT02, but its members' records went with it to PB."""
    cdcs_move(cdcs=world["cdcs"]["DT02"], federation=other_federation, from_month=APRIL, user=provincial_staff)
    client = client_for(federation_user)
    response = client.get(_url())
    assert _lines(response)["DT02"].status == Status.DIFFERS  # the counts stay…
    assert not find_all(find(page(response), "tr", id="cdcs-DT02"), "a")  # …without links
    assert client.get(_url("members:reconcile_cdcs", cdcs="DT02")).status_code == 404
    assert client_for(provincial_staff).get(_url("members:reconcile_cdcs", cdcs="DT02")).status_code == 200


def test_long_movement_lists_stop_and_say_how_many_more(client_for, federation_user, world, monkeypatch):
    from members.figures import reconcile

    monkeypatch.setattr(reconcile, "FLOW_CAP", 1)
    root = page(client_for(federation_user).get(_url("members:reconcile_cdcs", cdcs="DT01")))
    assert _members(root, "admitted") == [world["people"]["an"].pk]
    assert "… và 1 người khác" in text(find(root, "section", id="admitted"))
    assert len(_members(root, "lost_retired")) == 1 and "người khác" not in text(
        find(root, "section", id="lost_retired")
    )


# --- the province view ------------------------------------------------------------------------------


def test_province_view_counts_each_federation(client_for, provincial_staff, world):
    response = client_for(provincial_staff).get(reverse("members:reconcile_province") + "?month=2021-03")
    assert response.status_code == 200
    summaries = {s.federation.code: s for s in response.context["summaries"]}
    dt, pb = summaries["DT"], summaries["PB"]
    assert (dt.cdcs, dt.keeping, dt.matched, dt.differing, dt.not_reported) == (4, 3, 1, 1, 1)
    assert (pb.cdcs, pb.keeping, pb.matched, pb.differing, pb.not_reported) == (1, 1, 1, 0, 0)
    root = page(response)
    row = find(root, "tr", data_federation="DT")
    assert attr(find(row, "a"), "href") == _url()
    assert text(find(find(root, "tr", id="totals"), "td", data_count="matched")) == "2"


def test_province_view_defaults_to_last_month_and_refuses_a_bad_month_clearly(client_for, federation_user, world):
    client = client_for(federation_user)
    response = client.get(reverse("members:reconcile_province"))
    assert response.status_code == 200 and response.context["month"] < Month.of(date.today())
    assert [s.federation.code for s in response.context["summaries"]] == ["DT"]  # only their own
    bad = client.get(reverse("members:reconcile_province") + "?month=13/2021")
    assert bad.status_code == 200 and "Tháng không hợp lệ" in bad.content.decode()


def test_month_picker_of_a_federation_page_goes_to_that_month(client_for, federation_user, world):
    response = client_for(federation_user).get(reverse("members:reconcile_province") + "?org=DT&month=2021-04")
    assert response.status_code == 302 and response.url == _url(month=APRIL)


# --- pre-filling the grid and the template -----------------------------------------------------------


def _inputs(response, cdcs) -> dict[str, str]:
    row = find(page(response), "tr", id=f"row-{cdcs.pk}")
    prefix = f"r{cdcs.pk}-"
    return {attr(i, "name").removeprefix(prefix): attr(i, "value") for i in find_all(row, "input") if attr(i, "name")}


def test_grid_prefills_unsaved_rows_from_the_register(client_for, federation_user, world):
    """April: nothing saved. DT01's register: Cũ 3 leaves for another job on 2 April."""
    member_leave(member=world["stayed"][0], on=date(2021, 4, 2), reason=LossReason.JOB, user=federation_user)
    response = client_for(federation_user).get(_url("members:grid", month=APRIL))
    dt01, dt04 = world["cdcs"]["DT01"], world["cdcs"]["DT04"]
    values = _inputs(response, dt01)
    # the register's count where it has one; nothing saved, so no zeros to type after (issue 18)
    assert (values["admitted"], values["transferred_in"], values["lost_job"], values["lost_retired"]) == (
        "",
        "",
        "1",
        "",
    )
    row = find(page(response), "tr", id=f"row-{dt01.pk}")
    assert "theo sổ đoàn viên" in text(row) and attr(row, "data-prefilled") is not None
    assert _inputs(response, dt04)["admitted"] == ""  # keeps no register: left empty
    assert "theo sổ đoàn viên" not in text(find(page(response), "tr", id=f"row-{dt04.pk}"))
    assert MonthlyFigure.objects.filter(month=APRIL.first_day).count() == 0  # nothing saved


def test_grid_prefills_the_opening_stock_where_it_asks_for_it(client_for, federation_user, federation, make_cdcs):
    cdcs = make_cdcs(federation, code="DT07")  # no figures at all: the grid asks for an opening stock
    enter(cdcs, ["Một", "Hai", "Ba"], federation_user)
    admit(cdcs, "Bốn", date(2021, 3, 9), federation_user)
    values = _inputs(client_for(federation_user).get(_url("members:grid")), cdcs)
    assert (values["members_start"], values["admitted"]) == ("3", "1")


def test_saved_rows_keep_their_figures_and_show_when_they_differ_from_the_register(client_for, federation_user, world):
    response = client_for(federation_user).get(_url("members:grid"))
    dt01, dt02 = world["cdcs"]["DT01"], world["cdcs"]["DT02"]
    assert _inputs(response, dt02)["admitted"] == "2"  # as saved, not the register's 1
    root = page(response)
    off = _classed(find(root, "tr", id=f"row-{dt02.pk}"), "a", "off-register")[0]
    assert attr(off, "href") == _url() + "#cdcs-DT02" and text(off) == "lệch sổ"
    assert not _classed(find(root, "tr", id=f"row-{dt01.pk}"), "a", "off-register")


def test_fill_from_register_button_fills_saved_rows_too_and_saving_writes_them(client_for, federation_user, world):
    client = client_for(federation_user)
    response = client.get(_url("members:grid") + "?prefill=register")
    dt02 = world["cdcs"]["DT02"]
    values = _inputs(response, dt02)
    assert (values["admitted"], values["lost_job"], values["lost_left"]) == ("1", "1", "0")
    assert MonthlyFigure.objects.get(cdcs=dt02, month=MARCH.first_day).admitted == 2  # nothing saved yet

    form = {name: value for name, value in _all_inputs(response).items()}
    assert client.post(_url("members:grid"), form).status_code == 302
    saved = MonthlyFigure.objects.get(cdcs=dt02, month=MARCH.first_day)
    assert (saved.admitted, saved.lost_job, saved.lost_left, saved.members_end) == (1, 1, 0, 4)
    assert _lines(client.get(_url()))["DT02"].status == Status.MATCHED


def test_leadership_sees_the_grid_unfilled(client_for, leader, world):
    member_leave(member=world["stayed"][0], on=date(2021, 4, 2), reason=LossReason.JOB, user=None)
    response = client_for(leader).get(_url("members:grid", month=APRIL))
    assert "theo sổ đoàn viên" not in response.content.decode()


def test_month_template_prefills_register_rows_without_figures(client_for, federation_user, world):
    member_leave(member=world["stayed"][0], on=date(2021, 4, 2), reason=LossReason.JOB, user=federation_user)
    figures_record(cdcs=world["cdcs"]["DT02"], month=APRIL, admitted=7, user=federation_user)
    response = client_for(federation_user).get(_url("members:month_template", month=APRIL))
    sheet = load_workbook(io.BytesIO(response.content))[MONTH_SHEET]
    columns = {cell.value: cell.column for cell in sheet[HEADER_ROW] if cell.value}
    rows = {
        sheet.cell(row=row, column=columns["Mã CĐCS"]).value: row for row in range(HEADER_ROW + 1, sheet.max_row + 1)
    }

    def value(code, header):
        return sheet.cell(row=rows[code], column=columns[header]).value

    assert (value("DT01", "Kết nạp mới"), value("DT01", "Giảm: Nghỉ việc, chuyển công tác")) == (0, 1)
    assert value("DT01", "Ghi chú") == "Điền sẵn theo sổ đoàn viên"
    assert value("DT01", "Đoàn viên cuối kỳ") is None  # computed on upload
    assert value("DT02", "Kết nạp mới") == 7 and value("DT02", "Ghi chú") is None  # saved figures stay
    assert value("DT04", "Kết nạp mới") is None  # keeps no register


# --- helpers ---------------------------------------------------------------------------------------


def _rows(root, section_id):
    section = find(root, "section", id=section_id)
    return find_all(section, "tr", data_member=True)


def _members(root, section_id) -> list[int]:
    return [int(attr(row, "data-member")) for row in _rows(root, section_id)]


def _all_inputs(response) -> dict[str, str]:
    from html.parser import HTMLParser

    fields = {}

    class Inputs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "month"):
                fields[attrs["name"]] = attrs.get("value") or ""

    Inputs().feed(response.content.decode())
    fields.pop("reason", None)
    fields.pop("org", None)
    return fields


def _classed(root, name: str, css_class: str) -> list:
    """Elements named `name` having the CSS class (the parser sorts an element's classes)."""
    return [element for element in find_all(root, name) if css_class in (attr(element, "class") or "").split()]
