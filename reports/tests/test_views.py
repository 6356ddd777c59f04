"""The report page, through Django's test client."""

from datetime import date

import pytest
from django.urls import reverse

from members.figures.services import figures_record
from members.models import LossReason
from unionportal.lib.months import Month
from unionportal.testing.clock import WORKED_EXAMPLE_DAY

URL = reverse("reports:progress")


@pytest.fixture
def figures(province, federation, other_federation, make_cdcs):
    big = make_cdcs(federation, opening=100_000, first_month=Month(2017, 12), sector="fdi")
    figures_record(cdcs=big, month=Month(2018, 5), admitted=30_018, lost={LossReason.JOB: 10_979}, user=None)
    small = make_cdcs(other_federation, opening=40, first_month=Month(2017, 12))
    figures_record(cdcs=small, month=Month(2021, 6), admitted=2, user=None)  # after the range
    make_cdcs(federation, founded_on=date(2019, 2, 1))


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_report_shows_figures_the_vietnamese_way_and_the_sentence(figures, client_for, leader, time_machine):
    time_machine.move_to(WORKED_EXAMPLE_DAY)
    response = client_for(leader).get(URL, {"start": "2018-01", "end": "2021-03", "org": "TN"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "30.018" in html and "10.979" in html and "+19.039" in html
    assert "Từ đầu năm 2018 đến nay đã kết nạp mới 30.018 đoàn viên; giảm 10.979 đoàn viên" in html
    assert "LĐLĐ huyện Phú Bình" in html  # one row per federation


def test_without_parameters_the_page_shows_this_year_for_the_province(figures, client_for, provincial_staff):
    response = client_for(provincial_staff).get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope.org.code == "TN" and report.start.month == 1 and report.start.year == report.end.year


@pytest.mark.parametrize(
    ("params", "org", "start", "end"),
    [
        ({"start": "2018-01", "end": "2021-03"}, "TN", "01/2018", "03/2021"),  # a link that gives only the range
        ({"org": "DT"}, "DT", "01/", None),  # only the organisation: this year so far
        ({"start": "2021-01", "sector_group": "non_state"}, "TN", "01/2021", None),
    ],
)
def test_the_report_takes_what_the_query_leaves_out_as_the_api_does(
    figures, client_for, leader, params, org, start, end
):
    client = client_for(leader)
    response = client.get(URL, params)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope.org.code == org and str(report.start).startswith(start)
    assert end is None or str(report.end) == end
    api = client.get(reverse("reports:api_progress"), params).json()
    assert (api["scope"]["org"], api["range"]) == (org, {"start": report.start.iso, "end": report.end.iso})
    export = client.get(reverse("reports:progress_export"), params)
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith(f'attachment; filename="bao-cao-{org}-')


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2021-05", "end": "2021-03", "org": "TN"}, "Tháng cuối phải sau hoặc bằng tháng đầu."),
        ({"start": "tháng ba", "end": "2021-03", "org": "TN"}, "Tháng không hợp lệ"),
        ({"start": "2021-01", "end": "2099-03", "org": "TN"}, "chưa đến"),
        ({"start": "2021-01", "end": "2021-03", "org": "XX"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_ranges_get_a_vietnamese_message_not_an_error_page(figures, client_for, leader, params, message):
    response = client_for(leader).get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context.get("report") is None


def test_federation_staff_see_only_their_own_federation(figures, client_for, federation_user):
    client = client_for(federation_user)
    response = client.get(URL)
    assert [code for code, _label in response.context["form"].fields["org"].choices] == ["DT"]
    assert response.context["report"].scope.org.code == "DT"
    for org in ("PB", "TN"):
        response = client.get(URL, {"start": "2018-01", "end": "2018-12", "org": org})
        assert response.context.get("report") is None
        assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()


def test_users_without_a_role_are_told_so(client_for, no_role_user):
    response = client_for(no_role_user).get(URL)
    assert response.status_code == 403
    assert "chưa được phân quyền" in response.content.decode()


def test_the_language_switch_turns_the_page_english(figures, client_for, leader):
    client = client_for(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": URL})
    assert response.status_code == 302
    html = client.get(URL, {"start": "2018-01", "end": "2021-03", "org": "TN"}).content.decode()
    assert '<html lang="en">' in html
    assert "30,018" in html and "Membership development report" in html
    client.post(reverse("set_language"), {"language": "vi", "next": URL})
    assert "30.018" in client.get(URL, {"start": "2018-01", "end": "2021-03", "org": "TN"}).content.decode()


def test_the_browsers_language_does_not_override_vietnamese(figures, client_for, leader):
    response = client_for(leader).get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
