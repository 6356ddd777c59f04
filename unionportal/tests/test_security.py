"""What stands between the portal and people who try what they should not: login throttling,
passwords, sessions and cookies, security headers, and uploads above the size caps."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, Member, MemberListUpload, MonthlyFigure, Upload
from unionportal.lib.months import Month
from unionportal.testing.login import PASSWORD

WRONG = "sai-mat-khau-2018"


def _sign_in(client, username, password=PASSWORD, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _lock(client, username, **meta):
    responses = [_sign_in(client, username, WRONG, **meta) for _ in range(django_settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (len(responses) - 1)  # the form, with its error
    return responses[-1]


# Login throttling


def test_five_wrong_passwords_lock_the_account_from_that_address_even_with_the_right_one(client, federation_user):
    locked = _lock(client, "canbo.dt")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page and "trong 15 phút" in page

    response = _sign_in(client, "canbo.dt")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_a_locked_account_does_not_stop_others_nor_the_same_person_elsewhere(client, federation_user, leader):
    _lock(client, "canbo.dt")
    assert client.get(reverse("login")).status_code == 200

    assert _sign_in(client, "lanhdao").status_code == 302  # someone else, same office
    client.logout()
    assert _sign_in(client, "canbo.dt", REMOTE_ADDR="10.1.2.3").status_code == 302  # same person, another address
    assert _signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, federation_user):
    _lock(client, "canbo.dt")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    assert _sign_in(client, "canbo.dt").status_code == 302
    assert _signed_in(client)


def test_a_success_clears_the_count_of_failures(client, federation_user):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "canbo.dt", WRONG)
    assert _sign_in(client, "canbo.dt").status_code == 302
    client.logout()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "canbo.dt", WRONG)
    assert _sign_in(client, "canbo.dt").status_code == 302


def test_a_forged_x_forwarded_for_is_ignored_without_a_trusted_proxy(client, federation_user):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "canbo.dt", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert response.status_code == 429  # five addresses claimed, one socket: one client

    assert _sign_in(client, "canbo.dt", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_forwards_counts(client, federation_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _lock(client, "canbo.dt", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    assert _sign_in(client, "canbo.dt", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    # the client cannot escape by writing another address in front of the one the proxy appends
    forged = "198.51.100.7, 203.0.113.5"
    assert _sign_in(client, "canbo.dt", HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429
    # the same person at another address, behind the same proxy, signs in
    assert _sign_in(client, "canbo.dt", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 302


def test_the_client_address_helper():
    from django.test import RequestFactory, override_settings

    from unionportal.lib.client_ip import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3")
    assert client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "3.3.3.3"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "2.2.2.2"
    with override_settings(TRUSTED_PROXY_COUNT=4):  # fewer hops than proxies: not through them
        assert client_ip(request) == "10.0.0.1"


# Passwords, sessions, cookies, headers


def test_passwords_set_through_django_need_ten_characters(federation_user):
    with pytest.raises(ValidationError) as refused:
        validate_password("hoa-2018x", federation_user)
    assert "password_too_short" in [error.code for error in refused.value.error_list]
    validate_password(PASSWORD, federation_user)


def test_a_session_lasts_a_working_day_and_ends_with_the_browser(client, federation_user):
    _sign_in(client, "canbo.dt")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    lasts = Session.objects.get().expire_date - timezone.now()
    assert timedelta(hours=9) < lasts <= timedelta(hours=10)


def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # plain HTTP on localhost: no HSTS


def _manage(*args, **env):
    """manage.py in a fresh process with the given environment (settings are read once at start)."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "DATABASE_URL", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=django_settings.BASE_DIR, env={**keep, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


PRODUCTION = {"DEBUG": "false", "HTTPS": "true", "SECRET_KEY": "k" * 20 + "-9fQ2x" * 10, "ALLOWED_HOSTS": "doanvien.vn"}


def test_the_deployment_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_makes_the_cookies_secure_and_sends_hsts():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = _manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.stdout.split() == ["True", "True", "True", "31536000"], result.stderr


# Uploads above the caps: refused with a message, nothing written


@pytest.fixture
def upload_world(federation, make_cdcs):
    from ratings.services import rubric_create

    make_cdcs(federation, code="DT01", opening=50, first_month=Month(2021, 3))
    rubric_create(year=2021, user=None)


def _data():
    """Everything an upload could write, besides the record of a refused file."""
    from organising.models import Enterprise, EnterpriseListUpload
    from ratings.models import Assessment, RatingUpload

    uploads = [Upload, MemberListUpload, EnterpriseListUpload, RatingUpload]
    return {
        "figures": MonthlyFigure.objects.count(),
        "members": Member.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "assessments": Assessment.objects.count(),
        "kept uploads": sum(model.objects.exclude(outcome="refused").count() for model in uploads),
        "audit": AuditEntry.objects.exclude(action__endswith="refuse").count(),
    }


UPLOAD_URLS = {
    "members:upload": ({"code": "DT", "month": "2021-03"}, {}),
    "members:member_list_upload": ({"code": "DT01"}, {"month": "2021-03"}),
    "organising:list_upload": ({}, {}),
    "ratings:upload": ({"year": 2021, "code": "DT"}, {}),
}


@pytest.mark.parametrize("over", ["app cap", "memory cap"])
@pytest.mark.parametrize("name", sorted(UPLOAD_URLS))
def test_a_file_above_the_size_cap_is_refused_with_a_message(client, upload_world, federation_user, name, over):
    size = (django_settings.UPLOAD_MAX_BYTES if over == "app cap" else django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE) + 1
    kwargs, fields = UPLOAD_URLS[name]
    client.force_login(federation_user)
    before = _data()
    big = SimpleUploadedFile("so-lieu.xlsx", b"PK\x03\x04" + b"0" * (size - 4))
    response = client.post(reverse(name, kwargs=kwargs), {**fields, "file": big}, follow=True)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert any(words in page for words in ("lớn hơn", "quá lớn")), page
    assert _data() == before


# Templates: what the Content Security Policy would refuse, and forms without a CSRF token

TEMPLATES = sorted((django_settings.BASE_DIR / "templates").rglob("*.html"))
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']|javascript:""", re.IGNORECASE)
POST_FORM = re.compile(r"<form\b[^>]*\bmethod\s*=\s*[\"']?post[\"']?[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(django_settings.BASE_DIR)))
def test_templates_have_no_inline_script_or_style(path):
    """style-src and script-src are 'self' only: an inline one would be refused by the browser
    (test_csp_browser.py sees it happen). Sizes go into static/css/portal.css, code into static/js/."""
    text = path.read_text()
    assert not INLINE_STYLE.search(text), "style attribute: use a class of static/css/portal.css"
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_HANDLER.search(text), "on…= handler or javascript: URL: attach it from static/js/"


def test_every_form_that_posts_carries_a_csrf_token():
    forms = [(path, body) for path in TEMPLATES for body in POST_FORM.findall(path.read_text())]
    assert len(forms) > 30  # the pattern finds the portal's forms
    missing = [
        str(path.relative_to(django_settings.BASE_DIR)) for path, body in forms if "{% csrf_token %}" not in body
    ]
    assert missing == []


def test_behind_tls_plain_http_is_redirected_except_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response.url.startswith("https://")
    assert client.get(reverse("health")).status_code in (200, 503)
