"""Faults (issue 9): the server killed in the middle of a write, and the database out of reach.

What makes a killed write all-or-nothing is not this code's doing so much as the database's: the
confirm of an upload (members.figures.sheet_import.sheet_import) and a grid save (members.figures.grid.grid_save) each
run in one `transaction.atomic` block, which writes the month's rows, their audit entries and the
return's version together; a process killed before COMMIT leaves an open transaction that the
database rolls back (PostgreSQL when the connection drops, SQLite when the next connection finds
the uncommitted pages of the write-ahead log). These tests check that promise for real: a server
subprocess (`manage.py runserver --noreload`) against the test database, a request to confirm a
sheet of many CĐCS or to save a big grid, SIGKILL once the server is seen writing (a write lock
held on SQLite, a transaction id assigned on PostgreSQL) and at later delays, and after each kill
the month is read back: every row old, or every row new, never a mix, with the audit matching.

The upload record itself (Upload.outcome) is written after the month's transaction: a kill in
between leaves the month fully written and the upload still "preview"; confirming it again is then
refused as a conflict (the month's version moved), which is the safe side."""

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.figures.services import FigureEntry, figures_record_many
from members.models import (
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    MonthlyFigure,
    MonthlyReturn,
    Sector,
    Upload,
    stock_identity,
)
from unionportal.lib.months import Month
from unionportal.testing.sheets import fill, template, to_bytes

MARCH, APRIL = Month(2021, 3), Month(2021, 4)
ROOT = Path(settings.BASE_DIR)
UNIONS = 600  # enough for the write transaction to last a while on either database
OPENING = 100

pytestmark = pytest.mark.django_db(transaction=True)


# --- the world: one federation with many CĐCS ---------------------------------------------------


def _unions(federation, count: int = UNIONS) -> list[GrassrootsUnion]:
    founded = date(2010, 1, 1)
    unions = GrassrootsUnion.objects.bulk_create(
        GrassrootsUnion(
            code=f"K{number:04d}",
            name=f"CĐCS Công ty {number}",
            employer=f"Công ty {number}",
            sector=Sector.PRIVATE,
            workers=300,
            founded_on=founded,
        )
        for number in range(count)
    )
    Affiliation.objects.bulk_create(
        Affiliation(cdcs=cdcs, federation=federation, valid_from=founded) for cdcs in unions
    )
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(
            cdcs=cdcs,
            federation=federation,
            month=MARCH.first_day,
            members_start=OPENING,
            members_end=OPENING,
            workers=300,
        )
        for cdcs in unions
    )
    return list(GrassrootsUnion.objects.filter(pk__in=[cdcs.pk for cdcs in unions]).order_by("code"))


def _save_april(federation, unions, admitted: int, user) -> None:
    entries = [FigureEntry(cdcs=cdcs, admitted=admitted) for cdcs in unions]
    figures_record_many(month=APRIL, entries=entries, user=user, federation=federation)


def _state() -> dict:
    """What the month holds: every row's admitted and end stock, the audit and the version."""
    rows = MonthlyFigure.objects.filter(month=APRIL.first_day)
    return {
        "admitted": sorted(set(rows.values_list("admitted", flat=True))),
        "ends": sorted(set(rows.values_list("members_end", flat=True))),
        "rows": rows.count(),
        "audited": AuditEntry.objects.filter(action="figures.record", month=APRIL.first_day).count(),
        "sheets": AuditEntry.objects.filter(action="sheet.import").count(),
        "version": MonthlyReturn.objects.get(month=APRIL.first_day).version,
    }


def _identity_holds() -> bool:
    return not MonthlyFigure.objects.filter(month=APRIL.first_day).exclude(stock_identity()).exists()


# --- a real server on the test database --------------------------------------------------------


def _database_url() -> str:
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user, password = database.get("USER") or "", database.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{database['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`manage.py runserver --noreload`: one process, so SIGKILL takes the whole server down."""

    def __init__(self):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "SECRET_KEY": settings.SECRET_KEY,  # the test's sessions are signed with it
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "0",
        }
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


class Browser:
    """A signed-in visitor (the test client's session cookie) speaking HTTP to the server."""

    def __init__(self, server: Server, session: str):
        self.server = server
        self.cookies = {"sessionid": session}

    def request(self, method: str, path: str, fields: dict | None = None, timeout: float = 120) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if fields is not None:
            fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        content = response.read().decode(errors="replace")
        conn.close()
        return response.status, content


def _writer_active() -> bool:
    """Whether another connection is inside a write transaction on the test database."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        probe = sqlite3.connect(database["NAME"], timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0] > 0


def _post_and_kill(browser: Browser, path: str, fields: dict, delay: float | None) -> str:
    """POST in a thread; with `delay`, SIGKILL the server `delay` seconds after it starts writing.
    Returns "killed-writing", "killed-before-writing" or "answered"."""
    answers = []

    def post():
        try:
            answers.append(browser.request("POST", path, fields))
        except (OSError, http.client.HTTPException):
            answers.append(None)

    thread = threading.Thread(target=post)
    thread.start()
    if delay is None:
        thread.join()
        return "answered"
    deadline = time.monotonic() + 60
    seen = False
    while time.monotonic() < deadline and thread.is_alive():
        if _writer_active():
            seen = True
            break
        time.sleep(0.002)
    if seen and delay:
        time.sleep(delay)
    browser.server.kill()
    thread.join(timeout=30)
    return "killed-writing" if seen else "answered"


def _check_all_or_nothing(before: dict, new_admitted: int, *, sheet: bool) -> str:
    """The month after a kill: as before, or fully written; never in between."""
    after = _state()
    assert after["rows"] == UNIONS
    assert _identity_holds()
    if after == before:
        return "old"
    assert after["admitted"] == [new_admitted], f"half-written month: {after['admitted']}"
    assert after["ends"] == [OPENING + new_admitted]
    assert after["audited"] == before["audited"] + UNIONS  # one entry per row written, all of them
    assert after["sheets"] == before["sheets"] + (1 if sheet else 0)
    assert after["version"] > before["version"]
    return "new"


@pytest.fixture
def big_federation(federation, federation_user):
    unions = _unions(federation)
    _save_april(federation, unions, 1, federation_user)
    client = Client()
    client.force_login(federation_user)
    return federation, unions, client.cookies["sessionid"].value


def test_server_killed_mid_confirm_leaves_the_month_old_or_new(big_federation, federation_user):
    from members.figures.sheet_import import upload_receive

    federation, unions, session = big_federation
    outcomes = []
    for attempt, delay in enumerate((0.0, 0.05, 0.3, None), start=2):
        before = _state()
        admitted = attempt
        values = {"Kết nạp mới": admitted, "Đoàn viên cuối kỳ": OPENING + admitted}
        data = to_bytes(fill(template(federation, APRIL), {cdcs.code: values for cdcs in unions}))
        upload, _sheet, preview = upload_receive(
            data=data,
            file_name="han-chot.xlsx",
            federation=federation,
            month=APRIL,
            user=federation_user,
            source="upload",
        )
        assert upload.outcome == Upload.Outcome.PREVIEW and len(preview.changes) == UNIONS
        server = Server()
        try:
            browser = Browser(server, session)
            detail = reverse("members:upload_detail", kwargs={"code": federation.code, "pk": upload.pk})
            assert browser.request("GET", detail)[0] == 200  # the csrftoken cookie
            confirm = reverse("members:upload_confirm", kwargs={"code": federation.code, "pk": upload.pk})
            how = _post_and_kill(browser, confirm, {}, delay)
        finally:
            server.stop()
        outcomes.append((delay, how, _check_all_or_nothing(before, admitted, sheet=True)))
    print("confirm killed at (delay, how, month):", outcomes)
    # A kill while the server was writing: the database rolled the whole month back.
    assert outcomes[0][1:] == ("killed-writing", "old"), outcomes
    # Unkilled, the same kind of confirm writes the month whole.
    assert outcomes[-1][1:] == ("answered", "new"), outcomes


def test_server_killed_mid_grid_save_leaves_the_month_old_or_new(big_federation):
    federation, unions, session = big_federation
    grid = reverse("members:grid", kwargs={"code": federation.code, "month": APRIL})
    outcomes = []
    for attempt, delay in enumerate((0.0, 0.2, None), start=2):
        before = _state()
        server = Server()
        try:
            browser = Browser(server, session)
            status, _page = browser.request("GET", grid)
            assert status == 200
            form = {"version": str(before["version"])}
            form.update({f"r{cdcs.pk}-admitted": str(attempt) for cdcs in unions})
            how = _post_and_kill(browser, grid, form, delay)
        finally:
            server.stop()
        outcomes.append((delay, how, _check_all_or_nothing(before, attempt, sheet=False)))
    print("grid save killed at (delay, how, month):", outcomes)
    assert outcomes[0][1:] == ("killed-writing", "old"), outcomes
    assert outcomes[-1][1:] == ("answered", "new"), outcomes


# --- the database out of reach -----------------------------------------------------------------


def _unreachable(settings_dict: dict) -> dict:
    """The same database at an address where nothing answers: a port nobody listens on for
    PostgreSQL, a file in a directory that does not exist for SQLite."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return {**settings_dict, "NAME": "/nonexistent-directory/unionportal.sqlite3"}
    return {**settings_dict, "HOST": "127.0.0.1", "PORT": str(_free_port())}


def test_database_down_answers_503_in_vietnamese_and_recovers_without_restart(
    federation, federation_user, leader, make_cdcs
):
    cdcs = make_cdcs(federation, opening=50, first_month=MARCH)
    grid = reverse("members:grid", kwargs={"code": federation.code, "month": APRIL})
    staff, boss = Client(), Client()
    staff.force_login(federation_user)
    boss.force_login(leader)
    version = staff.get(grid).context["grid"].monthly_return.version
    audited = AuditEntry.objects.count()

    reachable = connection.settings_dict
    connection.close()
    connection.settings_dict = _unreachable(reachable)
    try:
        down = boss.get(reverse("reports:dashboard"))
        saved = staff.post(grid, {"version": str(version), f"r{cdcs.pk}-admitted": "4"})
    finally:
        connection.close()
        connection.settings_dict = reachable

    for response in (down, saved):
        assert response.status_code == 503
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in response.content.decode()
        assert response["Retry-After"] == "10"
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()
    assert AuditEntry.objects.count() == audited

    # The database is back: the same process serves the next requests, no restart.
    assert boss.get(reverse("reports:dashboard")).status_code == 200
    assert staff.post(grid, {"version": str(version), f"r{cdcs.pk}-admitted": "4"}).status_code == 302
    assert MonthlyFigure.objects.get(month=APRIL.first_day).members_end == 54
