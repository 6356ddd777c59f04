"""How fast the organising pipeline is at province size: 10,000 enterprises without a union, with
three years of stage moves and contacts, and 1,500 linked to the CĐCS they already have.

    .venv/bin/python bench/organising_speed.py                       # SQLite (a scratch file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench_org .venv/bin/python bench/organising_speed.py

Builds its own province in a scratch database (named *bench*: it is emptied), then times
- organising.funnel.organising_funnel for the province and for one federation (it reads every
  enterprise's history once: the forecast's rates are province-wide);
- the pages: the funnel, the dashboard (whose card runs the same funnel), the register's list
  (first page, priorities only, a name search) as provincial and federation staff;
- importing a 2,000-line enterprise list (1,000 new, 1,000 already registered) end to end:
  the .xlsx (written by openpyxl) uploaded, read, checked and previewed, then confirmed.
Prints figures; asserts only that the work was done."""

import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/organising-bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.models import Affiliation, GrassrootsUnion, Organisation, Role, Sector, UserProfile  # noqa: E402
from organising.exports import HEADER_ROW, register_workbook  # noqa: E402
from organising.funnel import organising_funnel  # noqa: E402
from organising.models import Contact, Enterprise, EnterpriseListUpload, Stage, StageChange  # noqa: E402
from unionportal.lib.bulk import insert_many  # noqa: E402

FEDERATIONS, OPEN, LINKED, LIST_LINES = 13, 10_000, 1_500, 2_000
PASSWORD = "bench-2026"
SECTORS = [Sector.PRIVATE, Sector.PRIVATE, Sector.FDI, Sector.COOPERATIVE]


def _tax_code(serial: int) -> str:
    return f"46{serial:08d}"


def build(today: date):
    """The province, its CĐCS, the enterprises and their histories since three years before today."""
    if "bench" not in Path(str(connection.settings_dict["NAME"])).name:
        sys.exit(f"{connection.settings_dict['NAME']}: this script empties its database; use one named *bench*.")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    rng = random.Random("bench-organising")
    province = Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    federations = [
        Organisation.objects.create(code=f"F{n:02d}", name=f"LĐLĐ {n}", kind="district", parent=province)
        for n in range(FEDERATIONS)
    ]
    first = today - timedelta(days=3 * 365)
    enterprises, moves, unions, owners = [], [], [], []

    def union(serial: int, founded_on: date, federation) -> GrassrootsUnion:
        cdcs = GrassrootsUnion(
            code=f"C{serial:05d}", name=f"CĐCS Công ty {serial}", employer=f"Công ty {serial}",
            sector=Sector.PRIVATE, workers=100, founded_on=founded_on,
        )  # fmt: skip
        unions.append(cdcs)
        owners.append(federation)
        return cdcs

    for serial in range(LINKED):  # employers that have had a CĐCS for years, from the tax office's list
        federation = federations[serial % FEDERATIONS]
        identified = first + timedelta(days=rng.randint(0, 900))
        cdcs = union(serial, date(2012, 1, 1), federation)
        enterprises.append(
            Enterprise(
                name=f"Công ty đã có CĐCS {serial}", tax_code=_tax_code(serial), federation=federation,
                sector=Sector.PRIVATE, workers=rng.randint(20, 900), has_union=True, cdcs=cdcs,
                stage=Stage.FOUNDED, stage_since=identified,
            )
        )  # fmt: skip
        moves.append([(identified, "", Stage.IDENTIFIED), (identified, Stage.IDENTIFIED, Stage.FOUNDED)])
    for n in range(OPEN):
        serial = LINKED + n
        federation = federations[rng.randrange(FEDERATIONS)]
        day = first + timedelta(days=rng.randint(0, 1050))
        history = [(day, "", Stage.IDENTIFIED)]
        stage, cdcs = Stage.IDENTIFIED, None
        for following in (Stage.APPROACHED, Stage.COMMITTEE, Stage.FOUNDED):
            step = day + timedelta(days=rng.randint(15, 200))
            if step > today or rng.random() < 0.35:
                break
            if rng.random() < 0.15:
                following = Stage.STALLED
            history.append((step, stage, following))
            stage, day = following, step
            if following == Stage.FOUNDED:
                cdcs = union(serial, step, federation)
            if following in (Stage.FOUNDED, Stage.STALLED):
                break
        next_on = day + timedelta(days=rng.randint(-30, 60)) if stage in (Stage.IDENTIFIED, Stage.APPROACHED) else None
        enterprises.append(
            Enterprise(
                name=f"Công ty TNHH {rng.choice(['May', 'Điện tử', 'Cơ khí', 'Gỗ'])} {serial}",
                tax_code=_tax_code(serial), federation=federation, sector=rng.choice(SECTORS),
                workers=int(rng.lognormvariate(3.6, 1.0)) + 5, has_union=cdcs is not None, cdcs=cdcs, stage=stage,
                stage_since=day, stall_reason="employer_refuses" if stage == Stage.STALLED else "",
                next_step="Gặp lại chủ doanh nghiệp" if next_on else "", next_step_on=next_on,
            )
        )  # fmt: skip
        moves.append(history)
    insert_many(unions, returning=True)
    insert_many(
        [
            Affiliation(cdcs=cdcs, federation=federation, valid_from=cdcs.founded_on.replace(day=1))
            for cdcs, federation in zip(unions, owners, strict=True)
        ]
    )
    for enterprise in enterprises:
        enterprise.cdcs_id = enterprise.cdcs.pk if enterprise.cdcs else None
    insert_many(enterprises, returning=True)
    changes, contacts = [], []
    for enterprise, history in zip(enterprises, moves, strict=True):
        for on, from_stage, to_stage in history:
            changes.append(StageChange(enterprise=enterprise, from_stage=from_stage, to_stage=to_stage, on=on))
            if to_stage != Stage.FOUNDED:
                contacts.append(Contact(enterprise=enterprise, on=on, outcome="Gặp chủ doanh nghiệp."))
    insert_many(changes)
    insert_many(contacts)
    User = get_user_model()
    users = {}
    for name, role, federation in (
        ("bantochuc", Role.PROVINCIAL_STAFF, None),
        ("canbo.f00", Role.FEDERATION_STAFF, federations[0]),
        ("lanhdao", Role.LEADERSHIP, None),
    ):
        users[name] = User.objects.create_user(name, password=PASSWORD)
        UserProfile.objects.create(user=users[name], role=role, federation=federation)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  built {len(enterprises):,} enterprises ({LINKED:,} with a CĐCS they already had), "
        f"{len(changes):,} stage moves, {len(contacts):,} contacts, {len(unions):,} CĐCS "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return province, federations, users


def timed_ms(action, runs: int = 5) -> tuple[float, object]:
    action()  # warm-up
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def funnel_figures(province, federations, today: date) -> None:
    print("The funnel (organising.funnel.organising_funnel):")
    for scope in (province, federations[0]):
        with CaptureQueriesContext(connection) as queries:
            organising_funnel(year=today.year, as_of=today, scope=scope, federations=federations)
        ms, funnel = timed_ms(
            lambda scope=scope: organising_funnel(year=today.year, as_of=today, scope=scope, federations=federations)
        )
        print(
            f"  {scope.code:<4} {ms:7.1f} ms median, {len(queries)} queries, "
            f"{funnel.total.stages.open:,} being organised, {funnel.total.stages.founded:,} founded this year"
        )


def page_figures(users, today: date) -> None:
    print("Pages (GET, median of 5):")
    pages = [
        ("lanhdao", "funnel", reverse("organising:funnel")),
        ("lanhdao", "dashboard", reverse("reports:dashboard")),
        ("bantochuc", "register, page 1", reverse("organising:enterprise_list")),
        ("bantochuc", "register, priorities", reverse("organising:enterprise_list") + "?priority=on"),
        ("bantochuc", "register, search", reverse("organising:enterprise_list") + "?q=may"),
        ("canbo.f00", "register, page 1", reverse("organising:enterprise_list")),
    ]
    for who, label, url in pages:
        client = Client()
        client.force_login(users[who])
        queries = []

        def counted(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        client.get(url)  # the first read of a federation builds its summary (members.figures.summary): not counted
        with connection.execute_wrapper(counted):
            status = client.get(url).status_code  # counted here: the test client closes the connection
        ms, response = timed_ms(lambda client=client, url=url: client.get(url))
        assert status == response.status_code == 200, (url, status)
        print(f"  {who:<10} {label:<22} {ms:7.1f} ms, {len(queries)} queries")


def import_figures(users, federations) -> None:
    """A provincial list of LIST_LINES lines: half new enterprises, half already in the register."""
    workbook = register_workbook()
    sheet = workbook.active
    known = list(Enterprise.objects.filter(has_union=False).order_by("pk")[: LIST_LINES // 2])
    rows = [(e.tax_code, e.name, "Cập nhật địa chỉ", e.federation.code, e.get_sector_display(), e.workers + 1)
            for e in known]  # fmt: skip
    rows += [
        (_tax_code(900_000 + n), f"Công ty mới {n}", "KCN Yên Bình", federations[n % FEDERATIONS].code,
         Sector.PRIVATE.label, 30 + n % 200)
        for n in range(LIST_LINES - len(rows))
    ]  # fmt: skip
    for offset, (tax_code, name, address, federation, sector, workers) in enumerate(rows, start=HEADER_ROW + 1):
        values = [offset - HEADER_ROW, tax_code, name, address, federation, str(sector), workers]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    client = Client()
    client.force_login(users["bantochuc"])
    started = time.perf_counter()
    file = io.BytesIO(data)
    file.name = "doanh-nghiep.xlsx"
    response = client.post(reverse("organising:list_upload"), {"file": file})
    assert response.status_code == 302, response.content.decode()[:500]
    upload = EnterpriseListUpload.objects.latest("pk")
    uploaded = time.perf_counter()
    preview = client.get(reverse("organising:list_preview", kwargs={"pk": upload.pk}))
    assert preview.status_code == 200 and upload.outcome == "preview", upload.problems[:3]
    previewed = time.perf_counter()
    confirmed = client.post(reverse("organising:list_confirm", kwargs={"pk": upload.pk}))
    done = time.perf_counter()
    upload.refresh_from_db()
    assert confirmed.status_code == 302 and upload.outcome == "imported", upload.problems[:3]
    print(
        f"Enterprise list, {LIST_LINES:,} lines ({upload.rows_created:,} new, {upload.rows_updated:,} updated), "
        f"{len(data) // 1024} KB:\n  upload + read + preview {1000 * (uploaded - started):,.0f} ms, "
        f"preview page {1000 * (previewed - uploaded):,.0f} ms, confirm {1000 * (done - previewed):,.0f} ms, "
        f"end to end {done - started:.2f} s"
    )


def main():
    setup_test_environment()  # the test client's response.context and templates, as in the suite
    today = timezone.localdate()
    print(f"bench/organising_speed.py on {connection.vendor} ({connection.settings_dict['NAME']})")
    province, federations, users = build(today)
    funnel_figures(province, federations, today)
    page_figures(users, today)
    import_figures(users, federations)


if __name__ == "__main__":
    main()
