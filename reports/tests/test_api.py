"""The read-only JSON API: who gets in (session or Bearer token), what it answers, and that its
figures are the report's."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.figures.services import figures_record
from members.models import AuditEntry, LossReason
from reports.models import ApiToken
from reports.selectors import Scope, progress_report
from reports.tokens import api_token_create, api_token_revoke
from reports.views.api import report_json
from targets.models import Programme, Quota
from unionportal.lib.months import Month

URL = reverse("reports:api_progress")
RANGE = {"start": "2021-01", "end": "2021-03"}


@pytest.fixture
def figures(province, federation, other_federation, make_cdcs):
    big = make_cdcs(federation, opening=1_000, first_month=Month(2020, 12), sector="fdi")
    figures_record(cdcs=big, month=Month(2021, 2), admitted=300, lost={LossReason.JOB: 100}, user=None)
    small = make_cdcs(other_federation, opening=40, first_month=Month(2020, 12), sector="public")
    figures_record(cdcs=small, month=Month(2021, 3), admitted=2, transferred_in=1, user=None)
    make_cdcs(federation, founded_on=date(2021, 3, 5))
    programme = Programme.objects.create(
        name="Chương trình 04", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=2023,
    )  # fmt: skip
    for org, members in ((province, 4_000), (federation, 3_000), (other_federation, 1_000)):
        for year in programme.years:
            Quota.objects.create(programme=programme, organisation=org, year=year, new_members=members, new_unions=4)


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_signed_in_user_gets_the_reports_figures(figures, client_for, leader, province):
    response = client_for(leader).get(URL, {**RANGE, "org": "TN"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    report = progress_report(start=Month(2021, 1), end=Month(2021, 3), scope=Scope(province))
    assert data == report_json(report)
    assert data["range"] == {"start": "2021-01", "end": "2021-03"}
    assert data["scope"] == {"org": "TN", "name": province.name, "sector_group": None, "structure": "months"}
    assert data["programme"]["document_number"] == "04/CTr-LĐLĐ"
    total = data["total"]
    assert (total["admitted"], total["transferred_in"], total["lost"], total["decrease"]) == (302, 1, 100, 99)
    assert (total["net_members"], total["members_start"], total["members_end"]) == (203, 1_040, 1_243)
    assert (total["unions_founded"], total["unions_dissolved"], total["net_unions"]) == (1, 0, 1)
    assert (total["unions_start"], total["unions_end"]) == (2, 3)
    assert total["lost_by_reason"]["job"] == 100 and total["lost_by_reason"]["died"] == 0
    year = total["attainment"]["year_members"]
    assert (year["actual"], year["quota"], year["percent"], year["on_track"]) == (302, 4_000, 7.55, False)
    assert year["expected_percent"] == 25.0
    assert sorted(row["org"] for row in data["federations"]) == ["DT", "PB"]
    assert data["federations"][0]["moved"] == {"members_in": 0, "members_out": 0, "unions_in": 0, "unions_out": 0}


@pytest.mark.parametrize(
    "params",
    [{**RANGE, "org": "DT"}, {**RANGE, "org": "TN", "sector_group": "state"}, {"start": "2020-12", "end": "2021-02"}],
)
def test_the_figures_equal_the_reports_for_the_same_query(figures, client_for, provincial_staff, params):
    from members.models import Organisation

    data = client_for(provincial_staff).get(URL, params).json()
    org = Organisation.objects.get(code=params.get("org", "TN"))
    report = progress_report(
        start=Month.parse(params["start"]), end=Month.parse(params["end"]), scope=Scope(org, params.get("sector_group"))
    )
    assert data == report_json(report)


def test_a_token_acts_as_its_user_and_records_when_it_was_used(figures, client, provincial_staff, leader):
    token, key = api_token_create(user=leader, name="Bảng tin", created_by=provincial_staff)
    assert token.last_used_at is None and key not in str(ApiToken.objects.values_list().get())  # kept hashed
    response = client.get(URL, {**RANGE, "org": "TN"}, **_bearer(key))
    assert response.status_code == 200
    assert response.json()["total"]["admitted"] == 302
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_a_federation_staff_token_reads_only_its_own_federation(figures, client, provincial_staff, federation_user):
    _token, key = api_token_create(user=federation_user, created_by=provincial_staff)
    own = client.get(URL, RANGE, **_bearer(key))  # without org: their own federation
    assert own.status_code == 200
    assert own.json()["scope"]["org"] == "DT" and [row["org"] for row in own.json()["federations"]] == ["DT"]
    for org in ("TN", "PB"):
        refused = client.get(URL, {**RANGE, "org": org}, **_bearer(key))
        assert refused.status_code == 400
        assert "org" in refused.json()["fields"]


@pytest.mark.parametrize(
    "header",
    ["Bearer up_not-a-real-key", "Bearer ", "Basic dXNlcjpwYXNz", "up_no-scheme"],
)
def test_a_wrong_token_gets_401_in_json_even_with_a_session(figures, client_for, leader, header):
    response = client_for(leader).get(URL, RANGE, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "mã truy cập" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_session_and_no_token_gets_401_not_the_login_page(figures, client):
    response = client.get(URL, RANGE)
    assert response.status_code == 401
    assert "Cần đăng nhập" in response.json()["error"]


def test_a_revoked_token_or_an_inactive_users_token_is_refused(figures, client, provincial_staff, leader):
    token, key = api_token_create(user=leader, created_by=provincial_staff)
    api_token_revoke(token=token, revoked_by=provincial_staff)
    assert client.get(URL, RANGE, **_bearer(key)).status_code == 401
    _token, key = api_token_create(user=leader, created_by=provincial_staff)
    leader.is_active = False
    leader.save()
    assert client.get(URL, RANGE, **_bearer(key)).status_code == 401


def test_only_provincial_staff_make_tokens(figures, leader, federation_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_token_create(user=leader, created_by=federation_user)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "tháng ba", "end": "2021-03"}, "start", "Tháng không hợp lệ"),
        ({"start": "2021-13", "end": "2021-03"}, "start", "Tháng không hợp lệ"),
        ({"start": "2021-05", "end": "2021-03"}, "end", "Tháng cuối phải sau hoặc bằng tháng đầu."),
        ({"start": "2021-01", "end": "2099-03"}, "end", "chưa đến"),
        ({**RANGE, "org": "XX"}, "org", "Hãy chọn một lựa chọn hợp lệ"),
        ({**RANGE, "sector_group": "public"}, "sector_group", "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_parameters_get_400_with_the_forms_vietnamese_messages(figures, client_for, leader, params, field, message):
    response = client_for(leader).get(URL, params)
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "Tham số không hợp lệ."
    assert any(message in text for text in data["fields"][field])


def test_without_parameters_the_api_gives_this_year_so_far_for_the_province(figures, client_for, leader):
    data = client_for(leader).get(URL).json()
    assert data["scope"]["org"] == "TN"
    assert data["range"]["start"][:4] == data["range"]["end"][:4] and data["range"]["start"][5:] == "01"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_anything_but_get_is_refused_with_405(figures, client_for, leader, method):
    response = getattr(client_for(leader), method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"] == "Chỉ nhận yêu cầu GET."


def test_a_user_without_a_role_gets_403(figures, client_for, no_role_user):
    response = client_for(no_role_user).get(URL, RANGE)
    assert response.status_code == 403 and "phân quyền" in response.json()["error"]


def test_the_command_creates_a_token_that_works_and_revokes_it(figures, client, leader, provincial_staff, capsys):
    by = provincial_staff.username
    call_command("api_token", "create", "--user", leader.username, "--name", "Bảng tin", "--by", by)
    key = capsys.readouterr().out.strip()
    assert key.startswith("up_")
    assert client.get(URL, RANGE, **_bearer(key)).status_code == 200
    token = ApiToken.objects.get()
    assert token.created_by == provincial_staff and token.name == "Bảng tin" and token.last_used_at is not None
    call_command("api_token", "list")
    assert token.prefix in capsys.readouterr().out
    call_command("api_token", "revoke", token.prefix, "--by", by)
    assert client.get(URL, RANGE, **_bearer(key)).status_code == 401
    entries = AuditEntry.objects.filter(action__startswith="api_token.", object_id=str(token.pk)).order_by("pk")
    assert [(e.action, e.user, e.username, e.source) for e in entries] == [
        ("api_token.create", provincial_staff, by, "command"),
        ("api_token.revoke", provincial_staff, by, "command"),
    ]


@pytest.mark.parametrize("action", ["create", "revoke"])
def test_the_command_names_who_creates_or_revokes_a_token_or_does_nothing(
    figures, leader, provincial_staff, federation_user, action
):
    token, _key = api_token_create(user=leader, created_by=provincial_staff)
    audited = AuditEntry.objects.count()
    target = ["--user", leader.username] if action == "create" else [token.prefix]
    with pytest.raises(CommandError, match="--by"):
        call_command("api_token", action, *target)
    with pytest.raises(CommandError) as unknown:
        call_command("api_token", action, *target, "--by", "ai.do")
    assert str(unknown.value) == "Không có người dùng 'ai.do'."
    with pytest.raises(CommandError) as refused:
        call_command("api_token", action, *target, "--by", federation_user.username)
    assert str(refused.value) == "canbo.dt: Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh được làm việc này."
    assert AuditEntry.objects.count() == audited
    assert list(ApiToken.objects.values_list("pk", "revoked_at")) == [(token.pk, None)]


def test_a_token_is_never_made_or_revoked_by_nobody(figures, leader, provincial_staff):
    with pytest.raises(ValidationError):
        api_token_create(user=leader, created_by=None)
    token, _key = api_token_create(user=leader, created_by=provincial_staff)
    with pytest.raises(ValidationError):
        api_token_revoke(token=token, revoked_by=None)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_admin_shows_a_new_key_once_and_it_works(figures, client, superuser, leader):
    client.force_login(superuser)
    response = client.post(reverse("admin:reports_apitoken_add"), {"user": leader.pk, "name": "Bảng tin"}, follow=True)
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "chỉ hiện một lần" in str(m)]
    key = message.rsplit(" ", 1)[-1]
    token = ApiToken.objects.get()
    assert (token.user, token.created_by) == (leader, superuser)
    client.logout()
    assert client.get(URL, RANGE, **_bearer(key)).status_code == 200
