"""How fast the member register is at province size: 200,000 members in 1,500 CĐCS.

    .venv/bin/python bench/member_speed.py                       # SQLite (a scratch file, removed after)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench_members .venv/bin/python bench/member_speed.py

Builds its own province in a scratch database (named *bench*: it is emptied), then times
- diacritic-insensitive search (members.register.people.member_search), a page of 50 and its count, as
  provincial staff (the whole province) and as a federation's staff, for common and rare names
  and the last four digits of an ID number; and the people page itself, POST → redirect → page;
- importing a 5,000-member list for a new CĐCS, end to end: the .xlsx (written by openpyxl)
  uploaded, read, checked and previewed, then confirmed;
- the reconciliation page of a 150-CĐCS federation-month, and its number of queries beside that
  of a 10-CĐCS federation.
Target (issue 7): search < 100 ms, import < 3 s, reconciliation page < 300 ms with a constant number
of queries. Prints figures; asserts only that the work was done."""

import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/member-bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from members.access import members_visible_to  # noqa: E402
from members.demo.people import GIVEN, MIDDLE, SURNAMES  # noqa: E402
from members.models import (  # noqa: E402
    Affiliation,
    Gender,
    GrassrootsUnion,
    Member,
    MemberEvent,
    MonthlyFigure,
    Organisation,
    Role,
    UserProfile,
)
from members.register.people import card_key, id_number_for, search_key  # noqa: E402
from members.register.search import COUNT_CAP, people_page  # noqa: E402
from members.services.org import cdcs_found  # noqa: E402
from unionportal.lib.bulk import insert_many  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402

FEDERATIONS, CDCS, MEMBERS = 15, 1_500, 200_000
MONTH = Month(2026, 10)
PASSWORD = "bench-2026"


def person(rng: random.Random, serial: int, cdcs_id: int, joined_on: date) -> Member:
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    born_on = date(rng.randint(1966, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return Member(
        cdcs_id=cdcs_id,
        full_name=name,
        search_name=search_key(name),
        born_on=born_on,
        gender=gender,
        ethnicity="Kinh",
        id_number=id_number_for(born_on, gender, serial),
        card_number=f"TN{serial:07d}",
        card_key=card_key(f"TN{serial:07d}"),
        joined_on=joined_on,
        job="Công nhân",
    )


def build():
    """A province of FEDERATIONS federations (the first one with 150 CĐCS), CDCS CĐCS and MEMBERS
    members, every CĐCS keeping its register from MONTH with its figures for MONTH saved."""
    if "bench" not in Path(str(connection.settings_dict["NAME"])).name:
        sys.exit(f"{connection.settings_dict['NAME']}: this script empties its database; use one named *bench*.")
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    province = Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    federations = [
        Organisation.objects.create(code=f"F{n:02d}", name=f"LĐLĐ {n}", kind="district", parent=province)
        for n in range(FEDERATIONS)
    ]
    unions = [
        GrassrootsUnion(
            code=f"C{n:05d}",
            name=f"CĐCS Công ty {n}",
            employer=f"Công ty {n}",
            sector="private",
            workers=200,
            founded_on=date(2010, 1, 1),
            register_from=MONTH.first_day,
        )
        for n in range(CDCS)
    ]
    insert_many(unions, returning=True)
    # the first federation has 150 CĐCS, the second 10, the others share the rest
    shares = [150, 10] + [(CDCS - 160) // (FEDERATIONS - 2)] * (FEDERATIONS - 2)
    shares[-1] += CDCS - sum(shares)
    owner = []
    for federation, share in zip(federations, shares, strict=True):
        owner += [federation] * share
    insert_many(
        [
            Affiliation(cdcs=cdcs, federation=federation, valid_from=date(2010, 1, 1))
            for cdcs, federation in zip(unions, owner, strict=True)
        ]
    )
    rng = random.Random("bench-members")
    members = [
        person(rng, serial, unions[serial % CDCS].pk, date(rng.randint(2005, 2025), 1, 1)) for serial in range(MEMBERS)
    ]
    insert_many(members, returning=True)
    events = [
        MemberEvent(member=member, cdcs_id=member.cdcs_id, kind="opening", on=MONTH.first_day, month=MONTH.first_day)
        for member in members
    ]
    # this month: a few admitted and lost in each CĐCS, so that reconciliation has work to do
    for n, member in enumerate(members[:6_000]):
        kind = "admitted" if n % 2 else "lost"
        events.append(
            MemberEvent(
                member=member,
                cdcs_id=member.cdcs_id,
                kind=kind,
                reason="job" if kind == "lost" else "",
                on=date(2026, 10, 15),
                month=MONTH.first_day,
            )
        )
    insert_many(events)
    size = {cdcs.pk: 0 for cdcs in unions}
    for member in members:
        size[member.cdcs_id] += 1
    figures = [
        MonthlyFigure(
            cdcs=cdcs,
            federation=federation,
            month=MONTH.first_day,
            members_start=size[cdcs.pk],
            admitted=2,
            lost_job=2,
            members_end=size[cdcs.pk],
            workers=200,
        )
        for cdcs, federation in zip(unions, owner, strict=True)
    ]
    insert_many(figures)
    users = {}
    User = get_user_model()
    for name, role, federation in (
        ("bantochuc", Role.PROVINCIAL_STAFF, None),
        ("canbo.big", Role.FEDERATION_STAFF, federations[0]),
        ("canbo.small", Role.FEDERATION_STAFF, federations[1]),
    ):
        users[name] = User.objects.create_user(name, password=PASSWORD)
        UserProfile.objects.create(user=users[name], role=role, federation=federation)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a database that has lived would have
    print(f"  built {MEMBERS:,} members in {CDCS:,} CĐCS in {time.perf_counter() - started:.0f} s")
    return federations, users


def timed_ms(action, runs: int = 7) -> tuple[float, object]:
    action()  # warm-up
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def search_figures(users) -> None:
    print("Search (a page of 50 and the count):")
    for who in ("bantochuc", "canbo.big"):
        scope = members_visible_to(users[who])
        for query in ("nguyen van an", "Đặng Thị Hằng", "le quan", "hoang", "tn12345", "0123"):

            def page(query=query, scope=scope):  # as the people page does it
                listed = people_page(scope.select_related("cdcs"), query, number=1, per_page=50)
                found = f"> {COUNT_CAP:,}" if listed.capped else f"{listed.page.paginator.count:,}"
                return found, list(listed.page)

            ms, (total, rows) = timed_ms(page)
            print(f"  {who:<10} {query!r:<18} {ms:6.1f} ms median, {total:>7} found, {len(rows)} shown")


def page_figures(users) -> None:
    try:
        url = reverse("members:people")
    except NoReverseMatch:
        print("  (no members:people page yet)")
        return
    client = Client()
    client.force_login(users["bantochuc"])

    def search():
        response = client.post(url, {"q": "nguyen van an"}, follow=True)
        assert response.status_code == 200
        return response

    ms, _response = timed_ms(search)
    with CaptureQueriesContext(connection) as queries:
        search()
    print(f"  the people page, search POST → page: {ms:.0f} ms median, {len(queries.captured_queries)} queries")


def import_figures(users, federation) -> None:
    try:
        upload_url = "members:member_list_upload"
        reverse(upload_url, kwargs={"code": "X"})
    except NoReverseMatch:
        print("  (no member list upload yet)")
        return
    cdcs = cdcs_found(
        code="FDI01",
        name="CĐCS Công ty FDI",
        employer="Công ty FDI",
        sector="fdi",
        founded_on=date(2026, 10, 1),
        federation=federation,
        user=None,
    )
    rng = random.Random("bench-list")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách đoàn viên"
    sheet.append(["Mã CĐCS:", cdcs.code])
    sheet.append(["Tháng ghi sổ:", str(MONTH)])
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Số thẻ đoàn viên"]
    sheet.append([*header, "Ngày vào công đoàn", "Nghề nghiệp, chức vụ"])
    for n in range(5_000):
        member = person(rng, 900_000 + n, cdcs.pk, date(2026, 10, rng.randint(1, 28)))
        sheet.append(
            [
                n + 1,
                member.full_name,
                member.born_on,
                "Nam" if member.gender == Gender.MALE else "Nữ",
                member.ethnicity,
                member.id_number,
                member.card_number,
                member.joined_on,
                member.job,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    client = Client()
    client.force_login(users["bantochuc"])
    url = reverse(upload_url, kwargs={"code": cdcs.code})
    started = time.perf_counter()
    upload = io.BytesIO(data)
    upload.name = "danh-sach.xlsx"
    response = client.post(url, {"file": upload, "month": MONTH.iso})
    preview_url = response.headers.get("Location", "")
    preview = client.get(preview_url) if preview_url else response
    uploaded = time.perf_counter()
    confirm_url = preview_url.rstrip("/") + "/confirm/" if preview_url else ""
    if confirm_url:
        client.post(confirm_url)
    finished = time.perf_counter()
    written = Member.objects.filter(cdcs=cdcs).count()
    print(
        f"Import of a 5,000-member list ({len(data) / 1024:.0f} KiB): upload, read and preview "
        f"{(uploaded - started) * 1000:.0f} ms, confirm {(finished - uploaded) * 1000:.0f} ms, "
        f"end to end {(finished - started):.2f} s; {written:,} members written (preview status {preview.status_code})"
    )


def reconcile_figures(users, federations) -> None:
    try:
        big = reverse("members:reconcile", kwargs={"code": federations[0].code, "month": MONTH})
        small = reverse("members:reconcile", kwargs={"code": federations[1].code, "month": MONTH})
    except NoReverseMatch:
        print("  (no reconciliation page yet)")
        return
    client = Client()
    client.force_login(users["bantochuc"])
    ms, response = timed_ms(lambda: client.get(big))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries_big:
        client.get(big)
    with CaptureQueriesContext(connection) as queries_small:
        client.get(small)
    print(
        f"Reconciliation page, 150-CĐCS federation-month: {ms:.0f} ms median, "
        f"{len(queries_big.captured_queries)} queries (10-CĐCS federation: {len(queries_small.captured_queries)})"
    )


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"Member register, {connection.vendor}")
    federations, users = build()
    search_figures(users)
    page_figures(users)
    reconcile_figures(users, federations)
    import_figures(users, federations[1])


if __name__ == "__main__":
    main()
