"""The deadline load of issue 9, for locust: federation staff saving the entry grid and uploading
filled templates for the month due, while leaders open the dashboards. Run by bench/load.py, which
prepares the database and the plan (LOAD_PLAN, a JSON file: accounts, URLs, where to log) and
checks the database afterwards against what every simulated user saved (LOAD_PLAN's "saves" file).

Every simulated person signs in through the login form, as a browser would. A save refused because
someone else saved the month first (the optimistic lock) is an expected answer, counted apart."""

import io
import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task
from openpyxl import load_workbook

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
FLOWS = PLAN["flow_columns"]
LOSSES = [column for column in FLOWS if column.startswith("lost_")]
HEADERS = PLAN["headers"]  # column key -> the template's header text
CONFLICT = "sau khi bạn"  # both the grid's and the upload's conflict messages say "… after you opened / uploaded"
_accounts = {"staff": itertools.count(), "leaders": itertools.count()}
_requests = open(PLAN["requests_log"], "a", encoding="utf-8")  # noqa: SIM115
_saves = open(PLAN["saves_log"], "a", encoding="utf-8")  # noqa: SIM115


@events.request.add_listener
def _log_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    error = type(exception).__name__ if exception else ""
    _requests.write(json.dumps([name, round(response_time, 1), status, error, round(time.time(), 2)]))
    _requests.write("\n")


@events.quitting.add_listener
def _flush(environment, **kwargs):
    _requests.flush()
    _saves.flush()


def _record(**save) -> None:
    _saves.write(json.dumps(save, ensure_ascii=False) + "\n")
    _saves.flush()


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "month", "file"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def _count(text) -> int:
    text = str(text or "").replace(".", "").replace(",", "").replace("\u00a0", "").strip()
    return int(text) if text.isdigit() else 0


class _Person(HttpUser):
    abstract = True

    def sign_in(self, username: str, password: str) -> None:
        self.client.get(PLAN["login_url"], name="login")
        response = self.client.post(
            PLAN["login_url"],
            {"username": username, "password": password, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken")},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{username} could not sign in ({response.status_code})")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class FederationStaff(_Person):
    """One of the 50 federation accounts: saves the month's grid (most of the time) or uploads the
    filled template, with new values each time, a few seconds apart."""

    fixed_count = PLAN["staff_count"]
    wait_time = between(PLAN["staff_wait"][0], PLAN["staff_wait"][1])

    def on_start(self):
        self.account = PLAN["staff"][next(_accounts["staff"]) % len(PLAN["staff"])]
        self.sign_in(self.account["username"], PLAN["password"])

    @task(3)
    def save_grid(self):
        account = self.account
        page = self.client.get(account["grid_url"], name="grid GET")
        if page.status_code != 200:
            return
        parser = _Inputs()
        parser.feed(page.text)
        # Without the loaded values the grid carries (r<id>-base), a save from a stale version is
        # refused on every cell someone else changed, never merged with theirs: the checks of
        # bench/load.py compare the month with one save's values whole.
        form = {name: value for name, value in parser.fields.items() if not name.endswith("-base")}
        form.pop("reason", None)
        if "version" not in form:
            return
        rows = sorted({int(match) for match in re.findall(r"^r(\d+)-admitted$", "\n".join(form), re.M)})
        values, changed = {}, False
        for pk in rows:
            lost = sum(_count(form.get(f"r{pk}-{column}")) for column in LOSSES)
            admitted = lost + random.randint(0, 3)  # never below the month's start
            if _count(form.get(f"r{pk}-lost_cdcs_dissolved")):
                admitted = _count(form.get(f"r{pk}-admitted"))  # dissolved this month: it must end at 0
            if pk == rows[-1] and not changed and admitted == _count(form.get(f"r{pk}-admitted")):
                admitted += 1  # every save changes something, so that each one moves the version
            changed = changed or admitted != _count(form.get(f"r{pk}-admitted"))
            form[f"r{pk}-admitted"] = str(admitted)
            form[f"r{pk}-members_end"] = ""  # computed by the portal
            form[f"r{pk}-ack"] = "1"  # "I checked this unusual figure", as the page asks
            values[pk] = {column: _count(form.get(f"r{pk}-{column}")) for column in FLOWS}
        form["csrfmiddlewaretoken"] = self.csrf()
        version = int(form["version"])
        started = time.time()
        with self.client.post(
            account["grid_url"], form, name="grid POST", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                _record(
                    kind="grid",
                    user=account["username"],
                    federation=account["federation"],
                    values=values,
                    version=version + 1,
                    started=started,
                    finished=time.time(),
                )
                response.success()
            elif response.status_code == 200 and CONFLICT in response.text:
                _record(kind="conflict", user=account["username"], federation=account["federation"])
                response.success()
            elif response.status_code == 200:
                message = re.search(r'class="alert[^"]*"[^>]*>(.*?)</div>', response.text, re.S)
                text = " ".join(re.sub(r"<[^>]+>", " ", message.group(1) if message else "").split())
                _record(kind="refused", user=account["username"], message=text[:300])
                response.success()

    @task(1)
    def upload_sheet(self):
        account = self.account
        template = self.client.get(account["template_url"], name="template")
        if template.status_code != 200:
            return
        workbook = load_workbook(io.BytesIO(template.content))
        sheet = workbook[PLAN["month_sheet"]]
        header_row = PLAN["header_row"]
        columns = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
        values, changed = {}, False
        rows = range(header_row + 1, sheet.max_row + 1)
        filled = [row for row in rows if sheet.cell(row=row, column=columns[HEADERS["code"]]).value]
        for row in filled:
            code = sheet.cell(row=row, column=columns[HEADERS["code"]]).value
            lost = sum(_count(sheet.cell(row=row, column=columns[HEADERS[column]]).value) for column in LOSSES)
            cell = sheet.cell(row=row, column=columns[HEADERS["admitted"]])
            admitted = lost + random.randint(0, 3)
            if _count(sheet.cell(row=row, column=columns[HEADERS["lost_cdcs_dissolved"]]).value):
                admitted = _count(cell.value)  # dissolved this month: it must end at 0
            if row == filled[-1] and not changed and admitted == _count(cell.value):
                admitted += 1  # every save changes something, so that each one moves the version
            changed = changed or admitted != _count(cell.value)
            cell.value = admitted
            sheet.cell(row=row, column=columns[HEADERS["members_end"]]).value = None
            values[code] = {
                column: _count(sheet.cell(row=row, column=columns[HEADERS[column]]).value) for column in FLOWS
            }
        buffer = io.BytesIO()
        workbook.save(buffer)
        started = time.time()
        uploaded = self.client.post(
            account["upload_url"],
            {"csrfmiddlewaretoken": self.csrf()},
            files={"file": ("so-lieu.xlsx", buffer.getvalue())},
            name="upload",
            allow_redirects=False,
        )
        location = uploaded.headers.get("Location", "")
        if uploaded.status_code != 302 or "/uploads/" not in location:
            _record(kind="refused", user=account["username"], message=f"upload answered {uploaded.status_code}")
            return
        confirmed = self.client.post(
            location.rstrip("/") + "/confirm/",
            {"csrfmiddlewaretoken": self.csrf()},
            name="confirm",
            allow_redirects=False,
        )
        where = confirmed.headers.get("Location", "")
        if confirmed.status_code == 302 and where.rstrip("/").endswith(account["grid_url"].rstrip("/")):
            _record(
                kind="upload",
                user=account["username"],
                federation=account["federation"],
                values=values,
                version=None,
                started=started,
                finished=time.time(),
            )
        elif confirmed.status_code == 302:
            detail = self.client.get(location, name="upload detail")
            kind = "conflict" if CONFLICT in detail.text else "refused"
            _record(kind=kind, user=account["username"], federation=account["federation"], message=detail.url)


class Leader(_Person):
    """One of the 20 leaders: opens the dashboard, the brief and the organising funnel in turn."""

    fixed_count = PLAN["leader_count"]
    wait_time = between(PLAN["leader_wait"][0], PLAN["leader_wait"][1])

    def on_start(self):
        account = PLAN["leaders"][next(_accounts["leaders"]) % len(PLAN["leaders"])]
        self.sign_in(account, PLAN["password"])

    @task
    def dashboards(self):
        name, url = random.choice(PLAN["leader_pages"])
        self.client.get(url, name=name)
