"""How fast, and in how much memory, the whole register is exported (members.register.register_export).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench_export
    .venv/bin/python bench/register_export_speed.py
    … bench/register_export_speed.py --members 500000 --cdcs 5000     # the default is 250,000 in 2,500
    .venv/bin/python bench/register_export_speed.py --members 50000    # SQLite (a scratch file)

Builds its own province in a scratch database (named *bench*: it is emptied) of 60 upper-level
unions, --cdcs CĐCS and --members active members, then writes the export as the job does
(register_export_write: streamed with openpyxl's write-only workbook, read a few thousand members at
a time) in a forked child, and prints the time, the members a second, the file's size and the
child's memory growth; then the anchor: the same rows, at most 100,000 of them, into an ordinary
openpyxl workbook held whole in memory (what a non-streamed export would take, per row). The issue's
province is 2.5 million members: the time scales with the members (the figures say how far), the
memory does not. Prints figures; asserts only that the file holds every member."""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--members", type=int, default=250_000)
parser.add_argument("--cdcs", type=int, default=0, help="CĐCS (default: one per 100 members)")
OPTIONS = parser.parse_args()
OPTIONS.cdcs = OPTIONS.cdcs or max(1, OPTIONS.members // 100)
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/export-bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from members.demo.people import GIVEN, MIDDLE, SURNAMES  # noqa: E402
from members.models import Affiliation, Gender, GrassrootsUnion, Member, Organisation  # noqa: E402
from members.register import register_export  # noqa: E402
from members.register.people import card_key, id_number_for, search_key  # noqa: E402
from unionportal.lib.bulk import insert_many  # noqa: E402

UNIONS, BATCH, ANCHOR_ROWS = 60, 20_000, 100_000


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def build() -> None:
    if "bench" not in Path(str(connection.settings_dict["NAME"])).name:
        sys.exit(f"{connection.settings_dict['NAME']}: this script empties its database; use one named *bench*.")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    province = Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    unions = [
        Organisation(code=f"U{n:02d}", name=f"LĐLĐ huyện số {n}", kind="district", parent=province, position=n)
        for n in range(UNIONS)
    ]
    insert_many(unions, returning=True)
    cdcs = [
        GrassrootsUnion(code=f"C{n:05d}", name=f"CĐCS Công ty {n}", employer=f"Công ty {n}", sector="private",
                        workers=200, founded_on=date(2010, 1, 1))
        for n in range(OPTIONS.cdcs)
    ]  # fmt: skip
    insert_many(cdcs, returning=True)
    insert_many(
        [
            Affiliation(cdcs=item, federation=unions[n % UNIONS], valid_from=date(2010, 1, 1))
            for n, item in enumerate(cdcs)
        ]
    )
    rng = random.Random("bench-export")
    for start in range(0, OPTIONS.members, BATCH):
        insert_many(
            [
                _person(rng, serial, cdcs[serial % len(cdcs)].pk)
                for serial in range(start, min(start + BATCH, OPTIONS.members))
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {OPTIONS.members:,} members in {len(cdcs):,} CĐCS under {UNIONS} unions in "
          f"{time.perf_counter() - started:.0f} s ({load()})")  # fmt: skip


def _person(rng: random.Random, serial: int, cdcs_id: int) -> Member:
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    born_on = date(rng.randint(1966, 2004), rng.randint(1, 12), rng.randint(1, 28))
    card = f"TN{serial:07d}"
    id_number = id_number_for(born_on, gender, serial % 1_000_000, province=19 + serial // 1_000_000)
    return Member(
        cdcs_id=cdcs_id, full_name=name, search_name=search_key(name), born_on=born_on, gender=gender,
        ethnicity="Kinh", id_number=id_number,
        card_number=card, card_key=card_key(card), joined_on=date(rng.randint(2005, 2025), 1, 1), job="Công nhân",
    )  # fmt: skip


def in_child(action) -> tuple[float, int, object]:
    """(seconds, memory growth in MB, result) of `action` run in a forked child."""
    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
        os.write(write, f"{seconds} {grown} {result}".encode())
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    answer = os.read(read, 1000).decode().split(" ", 2)
    assert status == 0 and len(answer) == 3, (status, answer)
    return float(answer[0]), int(answer[1]), answer[2]


def export(path: Path) -> str:
    written = register_export.register_export_write(path=path)
    return f"{written.members} {written.sheets} {written.size}"


def anchor(rows: int) -> str:
    """The same columns for `rows` members into an ordinary workbook, whole in memory."""
    workbook = Workbook()
    sheet = workbook.active
    fields = register_export.FIELDS
    for number, values in enumerate(Member.objects.values_list(*fields).order_by("pk")[:rows].iterator(), start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    path = Path(tempfile.mkdtemp()) / "anchor.xlsx"
    workbook.save(path)
    return str(path.stat().st_size)


def main():
    build()
    folder = Path(tempfile.mkdtemp(prefix="export-bench-"))
    path = folder / "so-doan-vien-bench.xlsx"
    print(f"\nThe whole register, {OPTIONS.members:,} members, streamed ({connection.vendor}, {load()})")
    seconds, grown, result = in_child(lambda: export(path))
    members, sheets, size = (int(value) for value in result.split())
    assert members == OPTIONS.members and path.stat().st_size == size
    print(f"  register_export_write   {seconds:8.1f} s   {members / seconds:9,.0f} members/s   "
          f"{size / 1024 / 1024:6.1f} MB in {sheets} sheets   memory +{grown} MB  ({load()})")  # fmt: skip
    print(f"  at 2,500,000 members, as fast: about {2_500_000 / (members / seconds) / 60:.0f} minutes, the same memory")
    book = load_workbook(path, read_only=True)
    assert sum(sum(1 for _ in sheet.iter_rows(min_row=2)) for sheet in book.worksheets[:-1]) == OPTIONS.members
    rows = min(ANCHOR_ROWS, OPTIONS.members)
    seconds, grown, result = in_child(lambda: anchor(rows))
    print(f"  anchor: {rows:,} rows into an ordinary workbook   {seconds:8.1f} s   {rows / seconds:9,.0f} rows/s   "
          f"memory +{grown} MB (+{grown * 1024 * 1024 / rows:,.0f} bytes a row)  ({load()})")  # fmt: skip
    path.unlink()


if __name__ == "__main__":
    main()
