"""The CĐCS register pages: list and search, founding, the CĐCS page, dissolving, moving, merging."""

from datetime import date

import pytest
from django.urls import reverse

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit
from members.models import Affiliation, AuditEntry, GrassrootsUnion, MonthlyFigure, Sector
from members.services.org import cdcs_dissolve
from unionportal.lib.months import Month

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


def _list(client, **params):
    return client.get(reverse("members:cdcs_list"), params)


def _codes(response) -> list[str]:
    return [cdcs.code for cdcs in response.context["page"]]


def _detail_url(code):
    return reverse("members:cdcs_detail", kwargs={"code": code})


def _found_form(federation, **fields):
    return {
        "code": "DT99",
        "name": "CĐCS Công ty May Tân Cương",
        "employer": "Công ty TNHH May Tân Cương",
        "sector": Sector.FDI,
        "workers": "320",
        "federation": federation.pk,
        "founding_decision": "125/QĐ-LĐLĐ",
        "founded_on": "2021-04-12",
        **fields,
    }


def _approve(federation, month, *, submitter, approver):
    return_submit(federation=federation, month=month, user=submitter)
    return_approve(federation=federation, month=month, user=approver)


@pytest.fixture
def register(federation, other_federation, make_cdcs):
    """A few CĐCS of both federations, of different sectors, years and states."""
    make_cdcs(federation, code="DT01", name="CĐCS Trường THCS Hùng Sơn", sector=Sector.PUBLIC, opening=50,
              first_month=MARCH)  # fmt: skip
    make_cdcs(federation, code="DT02", name="CĐCS Công ty May Đại Từ", founded_on=date(2019, 5, 2))
    gone = make_cdcs(federation, code="DT03", name="CĐCS Công ty Gạch Tân Thái", founded_on=date(2019, 8, 1))
    cdcs_dissolve(cdcs=gone, on=date(2020, 6, 30), reason="Doanh nghiệp phá sản", user=None)
    make_cdcs(other_federation, code="PB01", name="CĐCS Công ty May Phú Bình", sector=Sector.FDI, opening=40,
              first_month=MARCH)  # fmt: skip


# --- the list ---------------------------------------------------------------------------------


def test_search_finds_code_name_or_employer_ignoring_case(client_for, provincial_staff, register):
    client = client_for(provincial_staff)
    assert _codes(_list(client, q="may")) == ["DT02", "PB01"]
    assert _codes(_list(client, q="dt0")) == ["DT01", "DT02", "DT03"]
    assert _codes(_list(client, q="công ty 4")) == ["PB01"]  # the employer, "Công ty 4"
    assert _codes(_list(client, q="đại từ")) == ["DT02"]
    assert _codes(_list(client, q="ĐẠI TỪ")) == ["DT02"]


def test_filters_by_federation_sector_status_and_founding_year(client_for, provincial_staff, register):
    client = client_for(provincial_staff)
    assert _codes(_list(client, federation="PB")) == ["PB01"]
    assert _codes(_list(client, sector=Sector.PUBLIC)) == ["DT01"]
    assert _codes(_list(client, status="dissolved")) == ["DT03"]
    assert _codes(_list(client, status="active", federation="DT")) == ["DT01", "DT02"]
    assert _codes(_list(client, year="2019")) == ["DT02", "DT03"]


def test_list_shows_current_federation_latest_members_and_status(client_for, provincial_staff, register):
    response = _list(client_for(provincial_staff), q="DT0")
    html = response.content.decode()
    rows = {cdcs.code: cdcs for cdcs in response.context["page"]}
    assert rows["DT01"].federation_now.code == "DT"
    assert rows["DT01"].members_reported == 50 and str(rows["DT01"].members_period) == "03/2021"
    assert rows["DT02"].members_reported is None
    assert "Đã giải thể" in html and "Đang hoạt động" in html
    assert "Thành lập CĐCS mới" in html


def test_federation_staff_see_only_their_own_cdcs_and_cannot_pick_another_federation(
    client_for, federation_user, register
):
    response = _list(client_for(federation_user), federation="PB")
    assert _codes(response) == ["DT01", "DT02", "DT03"]
    assert response.context["form"].fields["federation"].choices == [("DT", "LĐLĐ huyện Đại Từ")]


def test_leadership_reads_the_list_without_the_founding_button(client_for, leader, register):
    response = _list(client_for(leader))
    assert len(_codes(response)) == 4
    assert "Thành lập CĐCS mới" not in response.content.decode()


def test_the_list_takes_a_constant_number_of_queries(
    client_for, provincial_staff, federation, make_cdcs, django_assert_max_num_queries
):
    for number in range(60):
        make_cdcs(federation, code=f"C{number:03d}", opening=number, first_month=MARCH)
    client = client_for(provincial_staff)
    with django_assert_max_num_queries(10):
        response = _list(client)
    assert len(response.context["page"]) == 50
    with django_assert_max_num_queries(10):
        _list(client, q="C", page=2)


def test_page_links_keep_the_filters(client_for, provincial_staff, federation, make_cdcs):
    for number in range(55):
        make_cdcs(federation, code=f"C{number:03d}")
    response = _list(client_for(provincial_staff), q="C0", federation="DT")
    assert response.context["page"].paginator.num_pages == 2
    assert "?q=C0&amp;federation=DT&amp;page=2" in response.content.decode()
    second = _list(client_for(provincial_staff), q="C0", federation="DT", page=2)
    assert _codes(second) == [f"C{number:03d}" for number in range(50, 55)]


# --- founding -------------------------------------------------------------------------------


def test_founding_a_cdcs_through_the_form(client_for, provincial_staff, federation):
    response = client_for(provincial_staff).post(reverse("members:cdcs_new"), _found_form(federation))

    assert response.status_code == 302 and response.url == _detail_url("DT99")
    cdcs = GrassrootsUnion.objects.get(code="DT99")
    assert (cdcs.founded_on, cdcs.founding_decision, cdcs.workers, cdcs.sector) == (
        date(2021, 4, 12),
        "125/QĐ-LĐLĐ",
        320,
        Sector.FDI,
    )
    assert Affiliation.objects.get(cdcs=cdcs).federation == federation
    entry = AuditEntry.objects.get(action="cdcs.found")
    assert (entry.object_id, entry.source, entry.username) == (str(cdcs.pk), "web", "bantochuc")


def test_a_duplicate_code_is_shown_next_to_the_code_field(client_for, provincial_staff, federation, register):
    response = client_for(provincial_staff).post(reverse("members:cdcs_new"), _found_form(federation, code="DT01"))

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Mã DT01 đã được dùng cho “CĐCS Trường THCS Hùng Sơn”. Hãy chọn mã khác."
    ]
    assert GrassrootsUnion.objects.filter(code="DT01").count() == 1


def test_founding_in_a_locked_month_shows_who_locked_it(
    client_for, provincial_staff, federation_user, federation, make_cdcs
):
    make_cdcs(federation, opening=10, first_month=APRIL)
    _approve(federation, APRIL, submitter=federation_user, approver=provincial_staff)

    response = client_for(federation_user).post(reverse("members:cdcs_new"), _found_form(federation))

    assert response.status_code == 200
    assert "đã được Bantochuc duyệt và khóa" in " ".join(response.context["form"].non_field_errors())
    assert "duyệt và khóa" in response.content.decode()
    assert not GrassrootsUnion.objects.filter(code="DT99").exists()


def test_federation_staff_found_only_under_their_own_federation(
    client_for, federation_user, federation, other_federation
):
    form = _found_form(other_federation)  # a forged choice: the field is fixed to their federation
    response = client_for(federation_user).post(reverse("members:cdcs_new"), form)

    assert response.status_code == 302
    assert Affiliation.objects.get(cdcs__code="DT99").federation == federation


# --- the CĐCS page ----------------------------------------------------------------------------


def test_the_cdcs_page_shows_its_figures_affiliations_and_history(client_for, provincial_staff, register):
    figures_record(cdcs=GrassrootsUnion.objects.get(code="DT01"), month=APRIL, admitted=7, user=provincial_staff)

    response = client_for(provincial_staff).get(_detail_url("DT01"))

    html = response.content.decode()
    assert [row.period for row in response.context["figures"]] == [APRIL, MARCH]
    assert reverse("members:figure_history", kwargs={"code": "DT01", "month": APRIL}) in html
    assert [period["federation"].code for period in response.context["periods"]] == ["DT"]
    actions = [entry.action for entry in response.context["audit"]]
    assert actions == ["figures.record", "figures.record", "cdcs.found"]
    assert 'data-action="cdcs.found"' in html and "Thành lập CĐCS" in html and "→ 7" in html
    assert all(label in html for label in ("Giải thể", "Chuyển đơn vị", "Hợp nhất vào CĐCS khác"))


def test_leadership_sees_no_action_buttons_and_federation_staff_cannot_move(
    client_for, leader, federation_user, register
):
    html = client_for(leader).get(_detail_url("DT01")).content.decode()
    assert 'id="cdcs-actions"' not in html
    html = client_for(federation_user).get(_detail_url("DT01")).content.decode()
    assert "Giải thể" in html and "Chuyển đơn vị" not in html


def test_a_dissolved_cdcs_offers_no_actions(client_for, provincial_staff, register):
    html = client_for(provincial_staff).get(_detail_url("DT03")).content.decode()
    assert 'id="cdcs-actions"' not in html
    assert "Doanh nghiệp phá sản" in html


@pytest.mark.parametrize("name", ["cdcs_detail", "cdcs_dissolve", "cdcs_move", "cdcs_merge"])
def test_another_federations_cdcs_is_not_found_and_cannot_be_changed(client_for, federation_user, register, name):
    client = client_for(federation_user)
    url = reverse(f"members:{name}", kwargs={"code": "PB01"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": "2021-03-20", "reason": "x", "into": "DT01"}).status_code == 404
    assert GrassrootsUnion.objects.get(code="PB01").dissolved_on is None


# --- dissolution ------------------------------------------------------------------------------


def test_the_dissolve_page_says_how_many_members_will_be_recorded_as_lost(client_for, federation_user, register):
    response = client_for(federation_user).get(reverse("members:cdcs_dissolve", kwargs={"code": "DT01"}))
    html = response.content.decode()
    assert "còn <strong>50</strong> đoàn viên" in html
    assert "“CĐCS giải thể”" in html


def test_dissolving_records_the_members_as_lost_and_shows_on_the_page(client_for, federation_user, register):
    client = client_for(federation_user)
    response = client.post(
        reverse("members:cdcs_dissolve", kwargs={"code": "DT01"}), {"on": "2021-03-25", "reason": "Trường sáp nhập"}
    )

    assert response.status_code == 302 and response.url == _detail_url("DT01")
    row = MonthlyFigure.objects.get(cdcs__code="DT01", month=MARCH.first_day)
    assert (row.lost_cdcs_dissolved, row.members_end) == (50, 0)
    page = client.get(response.url).content.decode()
    assert "Đã giải thể" in page and "Trường sáp nhập" in page
    entry = AuditEntry.objects.get(action="cdcs.dissolve", object_repr__startswith="DT01")
    assert (entry.source, entry.username, entry.data) == ("web", "canbo.dt", {"reason": "Trường sáp nhập"})


def test_dissolving_before_reported_months_shows_the_services_message(client_for, federation_user, register):
    figures_record(cdcs=GrassrootsUnion.objects.get(code="DT01"), month=APRIL, admitted=1, user=federation_user)

    response = client_for(federation_user).post(
        reverse("members:cdcs_dissolve", kwargs={"code": "DT01"}), {"on": "2021-03-25", "reason": "x"}
    )

    assert response.status_code == 200
    assert "đã có số liệu tháng 04/2021, sau tháng giải thể 03/2021" in response.content.decode()
    assert GrassrootsUnion.objects.get(code="DT01").dissolved_on is None


def test_dissolving_needs_a_reason_and_a_date(client_for, federation_user, register):
    response = client_for(federation_user).post(reverse("members:cdcs_dissolve", kwargs={"code": "DT01"}), {})
    assert set(response.context["form"].errors) == {"on", "reason"}


def test_an_already_dissolved_cdcs_shows_no_form(client_for, provincial_staff, register):
    response = client_for(provincial_staff).get(reverse("members:cdcs_dissolve", kwargs={"code": "DT03"}))
    html = response.content.decode()
    assert "đã giải thể ngày 30/06/2020" in html and 'id="cdcs-dissolve"' not in html


# --- moves ----------------------------------------------------------------------------------


def test_provincial_staff_move_a_cdcs_from_a_month_on(client_for, provincial_staff, other_federation, register):
    response = client_for(provincial_staff).post(
        reverse("members:cdcs_move", kwargs={"code": "DT01"}),
        {"federation": other_federation.pk, "from_month": "2021-04"},
    )

    assert response.status_code == 302
    assert [(a.federation.code, a.valid_from) for a in Affiliation.objects.filter(cdcs__code="DT01")] == [
        ("DT", date(2010, 1, 1)),
        ("PB", APRIL.first_day),
    ]
    entry = AuditEntry.objects.get(action="cdcs.move")
    assert (entry.source, entry.data["from_federation"], entry.data["to_federation"]) == ("web", "DT", "PB")


def test_moving_figures_out_of_a_locked_month_shows_the_lock(
    client_for, provincial_staff, federation_user, federation, other_federation, register
):
    figures_record(cdcs=GrassrootsUnion.objects.get(code="DT02"), month=MARCH, members_start=10, user=None)
    _approve(federation, MARCH, submitter=federation_user, approver=provincial_staff)

    response = client_for(provincial_staff).post(
        reverse("members:cdcs_move", kwargs={"code": "DT01"}),
        {"federation": other_federation.pk, "from_month": "03/2021"},
    )

    assert response.status_code == 200
    assert "Số liệu tháng 03/2021 của LĐLĐ huyện Đại Từ đã được" in response.content.decode()
    assert Affiliation.objects.filter(cdcs__code="DT01").count() == 1


def test_the_move_form_offers_only_other_federations(client_for, provincial_staff, register):
    response = client_for(provincial_staff).get(reverse("members:cdcs_move", kwargs={"code": "DT01"}))
    assert [org.code for org in response.context["form"].fields["federation"].queryset] == ["PB"]


def test_federation_staff_cannot_move_their_cdcs(client_for, federation_user, other_federation, register):
    url = reverse("members:cdcs_move", kwargs={"code": "DT01"})
    client = client_for(federation_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"federation": other_federation.pk, "from_month": "2021-04"}).status_code == 403
    assert Affiliation.objects.filter(cdcs__code="DT01").count() == 1


# --- merges ---------------------------------------------------------------------------------


def test_merging_through_the_form_moves_the_members_to_the_target(client_for, federation_user, register):
    figures_record(cdcs=GrassrootsUnion.objects.get(code="DT02"), month=MARCH, members_start=30, user=None)
    client = client_for(federation_user)
    form = client.get(reverse("members:cdcs_merge", kwargs={"code": "DT01"}))
    assert [code for code, _name in form.context["options"]] == ["DT02"]  # active, own, not itself

    response = client.post(reverse("members:cdcs_merge", kwargs={"code": "DT01"}), {"into": "DT02", "on": "2021-04-10"})

    assert response.status_code == 302 and response.url == _detail_url("DT01")
    merged = GrassrootsUnion.objects.get(code="DT01")
    assert merged.merged_into.code == "DT02" and merged.dissolved_on == date(2021, 4, 10)
    assert MonthlyFigure.objects.get(cdcs__code="DT02", month=APRIL.first_day).members_end == 30 + 50
    assert "Đã hợp nhất" in client.get(response.url).content.decode()
    into_page = client.get(_detail_url("DT02")).content.decode()
    assert "Các CĐCS đã hợp nhất vào đây" in into_page and "Hợp nhất CĐCS" in into_page
    assert AuditEntry.objects.get(action="cdcs.merge").source == "web"


def test_federation_staff_cannot_pick_another_federations_cdcs_as_target(client_for, federation_user, register):
    response = client_for(federation_user).post(
        reverse("members:cdcs_merge", kwargs={"code": "DT01"}), {"into": "PB01", "on": "2021-04-10"}
    )
    assert response.status_code == 200
    assert "Không tìm thấy CĐCS mã “PB01”" in response.context["form"].errors["into"][0]
    assert GrassrootsUnion.objects.get(code="DT01").dissolved_on is None


def test_merging_into_a_cdcs_of_a_locked_month_shows_the_lock(
    client_for, provincial_staff, federation_user, other_federation_user, other_federation, register
):
    figures_record(cdcs=GrassrootsUnion.objects.get(code="PB01"), month=APRIL, admitted=1, user=None)
    _approve(other_federation, APRIL, submitter=other_federation_user, approver=provincial_staff)

    response = client_for(provincial_staff).post(
        reverse("members:cdcs_merge", kwargs={"code": "DT01"}), {"into": "PB01 – CĐCS Công ty May", "on": "2021-04-10"}
    )

    assert response.status_code == 200
    assert "duyệt và khóa" in " ".join(response.context["form"].non_field_errors())
    assert GrassrootsUnion.objects.get(code="DT01").dissolved_on is None
