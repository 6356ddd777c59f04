"""How fast the Excel importer (members.figures.sheet*, on unionportal.lib.sheets) is, beside the anchors of
issue 5's "Speed" section.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench .venv/bin/python bench/import_speed.py
    .venv/bin/python bench/import_speed.py --small 500 --update 2000 --big 0   # SQLite scratch file, quick
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench make bench   # without: SQLite

Creates the PostgreSQL database if missing and flushes it before each case: 2,000 CĐCS end to end
against django-import-export's default (again on SQLite), a 20,000-row re-import, 100,000 rows with
peak memory (in a fresh process), python-calamine against openpyxl, and what the check of how far
each sheet reaches (unionportal.lib.xlsx.sheet_extents) adds to reading the largest sheets an
upload may be, and how fast it refuses A1 + XFD1048576. Prints; asserts every row went in."""

import argparse
import gc
import io
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/import-bench.sqlite3"

import django  # noqa: E402

django.setup()

import import_export  # noqa: E402
import openpyxl  # noqa: E402
import tablib  # noqa: E402
from bench_database import bench_database_ready  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402

from members.figures.exports import (  # noqa: E402
    MONTH_COLUMNS,
    MONTH_LABEL,  # noqa: E402
    MONTH_SHEET,
    ORG_CODE_LABEL,
)
from members.figures.grid import FLOW_COLUMNS  # noqa: E402
from members.figures.sheet import sheet_read  # noqa: E402
from members.figures.sheet_import import sheet_import, sheet_preview  # noqa: E402
from members.models import Affiliation, GrassrootsUnion, MonthlyFigure, Organisation, Role, UserProfile  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402
from unionportal.lib.resources import XLSXFormat  # noqa: E402
from unionportal.lib.xlsx import UnsafeFile, check_xlsx, sheet_extents  # noqa: E402
from unionportal.testing.sheets import fill, template, to_bytes  # noqa: E402

OPENING, MONTH = Month(2021, 2), Month(2021, 3)
HEADERS = {column.key: column.header for column in MONTH_COLUMNS}
FIGURES = ("members_start", *FLOW_COLUMNS, "members_end", "workers")
VERDICT = {True: "met", False: "MISSED"}
LIMIT = 1 << 30  # the bench's files are bigger than an upload may be: every cap raised
UPLOAD_LIMITS = {
    "UPLOAD_MAX_SHEET_ROWS": settings.UPLOAD_MAX_SHEET_ROWS,
    "UPLOAD_MAX_CELLS": settings.UPLOAD_MAX_CELLS,
    "unzipped": settings.UPLOAD_MAX_UNZIPPED_BYTES,
}
settings.UPLOAD_MAX_BYTES = settings.UPLOAD_MAX_UNZIPPED_BYTES = settings.UPLOAD_MAX_ROWS = LIMIT
settings.UPLOAD_MAX_SHEET_ROWS = settings.UPLOAD_MAX_CELLS = LIMIT


def line(what: str, measured: str = "", anchor: str = "") -> None:
    print(f"{what:<50}{measured:>22}   {anchor}".rstrip(), flush=True)


def rss_mb() -> float:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


class Meter:
    """Times phases; with `memory`, also each one's peak resident memory above where it started
    (Linux lets /proc/self/clear_refs reset the high-water mark that ru_maxrss reports)."""

    def __init__(self, *, memory: bool = False):
        self.memory, self.seconds, self.peak_mb = memory, {}, {}

    def __call__(self, name: str, action):
        gc.collect()
        if self.memory:
            baseline = rss_mb()
            Path("/proc/self/clear_refs").write_text("5")
        started = time.perf_counter()
        result = action()
        self.seconds[name] = time.perf_counter() - started
        if self.memory:
            self.peak_mb[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - baseline
        return result

    def report(self, label: str, rows: int) -> float:
        for name, seconds in self.seconds.items():
            memory = f"peak +{self.peak_mb[name]:,.0f} MB, " if name in self.peak_mb else ""
            line(f"  {name}", f"{memory}{seconds:.2f} s", f"{rows / seconds:,.0f} rows/s")
        total = sum(self.seconds.values())
        line(f"  {label}", f"{total:.2f} s")
        return total


def machine() -> None:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        server = f"{connection.vendor} {cursor.fetchone()[0]}"
    print(f"machine: {os.cpu_count()} CPU ({cpu.group(1) if cpu else platform.machine()}), {platform.platform()}")
    versions = f"Django {django.get_version()}, openpyxl {openpyxl.__version__}, tablib {tablib.__version__}"
    print(f"Python {platform.python_version()}, {versions}, django-import-export {import_export.__version__}")
    print(f"database: {server}")


def build(size: int, rng: random.Random):
    """Nothing but a province, one federation of `size` CĐCS with February's stock, and its staff user."""
    call_command("flush", interactive=False, verbosity=0)
    province = Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    federation = Organisation.objects.create(code="BIG", name="LĐLĐ lớn", kind="district", parent=province)
    founded, stock = date(2015, 1, 1), [rng.randint(30, 900) for _ in range(size)]
    unions = GrassrootsUnion.objects.bulk_create(
        (
            GrassrootsUnion(code=f"B{i:06d}", name=f"CĐCS Công ty {i}", employer=f"Công ty {i}", sector="private",
                            workers=stock[i] + rng.randint(0, 300), founded_on=founded)
            for i in range(size)
        ),
        batch_size=2000,
    )  # fmt: skip
    Affiliation.objects.bulk_create(
        (Affiliation(cdcs=cdcs, federation=federation, valid_from=founded) for cdcs in unions), batch_size=2000
    )
    MonthlyFigure.objects.bulk_create(
        (
            MonthlyFigure(cdcs=cdcs, federation=federation, month=OPENING.first_day, members_start=members,
                          members_end=members, workers=cdcs.workers)
            for cdcs, members in zip(unions, stock, strict=True)
        ),
        batch_size=2000,
    )  # fmt: skip
    user = get_user_model().objects.create_user("canbo.big", password="bench-2021")
    UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federation)
    return federation, user, {cdcs.code: members for cdcs, members in zip(unions, stock, strict=True)}


def month_flows(rng: random.Random, start: int) -> dict[str, int]:
    """A month as a CĐCS of `start` members might report it: a few admitted, fewer lost."""
    flows = {
        "admitted": rng.choice((0, 0, rng.randint(1, max(1, start // 30)))),
        "transferred_in": rng.choice((0, 0, 0, rng.randint(1, 3))),
        "lost_job": rng.choice((0, rng.randint(0, max(1, start // 60)))),
        "lost_retired": rng.choice((0, 0, 0, 1, 2)),
        "lost_enterprise_closed": rng.choice((0,) * 19 + (rng.randint(1, 5),)),
        "lost_left": rng.choice((0, 0, 0, 1)),
        "lost_died": rng.choice((0,) * 9 + (1,)),
        "lost_transferred_out": rng.choice((0, 0, 0, rng.randint(1, 3))),
        "lost_cdcs_dissolved": 0,
    }
    lost = sum(value for key, value in flows.items() if key.startswith("lost_"))
    return flows | {"members_end": start + flows["admitted"] + flows["transferred_in"] - lost}


def layout_file(figures: dict[str, dict[str, int]], stock: dict[str, int]) -> bytes:
    """A month sheet in the template's layout (title block, header on row 8), written streaming:
    the template itself (members.figures.exports) takes minutes to build and fill at 100,000 rows."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(MONTH_SHEET)
    title = (("Đơn vị:", "LĐLĐ lớn"), (ORG_CODE_LABEL, "BIG"), (MONTH_LABEL, f"{MONTH.month:02d}/{MONTH.year}"))
    for row in [["LIÊN ĐOÀN LAO ĐỘNG TỈNH"], ["BÁO CÁO THÁNG"], *([None, *pair] for pair in title), [], []]:
        sheet.append(row)
    sheet.append(list(HEADERS.values()))  # on row 8, as in the template
    for number, (code, flows) in enumerate(figures.items(), start=1):
        values = {"number": number, "code": code, "name": f"CĐCS {code}", "members_start": stock[code], **flows}
        sheet.append([values.get(key) or None for key in HEADERS])  # zeros left empty, as people do
    return to_bytes(workbook)


def run_importer(data: bytes, federation, user, rows: int, meter: Meter) -> None:
    sheet = meter("read", lambda: sheet_read(data, max_bytes=LIMIT, max_rows=LIMIT))
    assert not sheet.problems and len(sheet.rows) == rows, sheet.problems[:3]
    preview = meter("preview", lambda: sheet_preview(sheet, federation=federation, month=MONTH, user=user))
    assert not preview.problems and len(preview.changes) == rows, [p.message for p in preview.problems[:3]]
    # As import_month does: the preview is handed to the import, which reuses it when the month's
    # version has not moved (the web confirmation, a request later, computes it again: + "preview").
    meter(
        "import",
        lambda: sheet_import(
            sheet=sheet, federation=federation, month=MONTH, version=preview.version, user=user, preview=preview
        ),
    )


class FigureResource(resources.ModelResource):
    """django-import-export as its documentation sets it up, nothing more. The federation is not
    among the fields asked for, but a figure cannot be saved without it: given by id, no query."""

    cdcs = fields.Field(attribute="cdcs", column_name="cdcs", widget=widgets.ForeignKeyWidget(GrassrootsUnion, "code"))
    federation_id = fields.Field(attribute="federation_id", column_name="federation_id", widget=widgets.IntegerWidget())

    class Meta:
        model = MonthlyFigure
        fields = ("cdcs", "month", "federation_id", *FIGURES)
        import_id_fields = ("cdcs", "month")


def import_export_default(federation, figures: dict[str, dict[str, int]], stock: dict[str, int]) -> float:
    """The same month as a flat .xlsx, loaded into a tablib Dataset and imported."""
    workers = dict(GrassrootsUnion.objects.values_list("code", "workers"))
    flat = tablib.Dataset(headers=["cdcs", "month", "federation_id", *FIGURES])
    for code, flows in figures.items():
        values = {"members_start": stock[code], "workers": workers[code], **flows}
        flat.append([code, MONTH.first_day, federation.pk, *(values[key] for key in FIGURES)])
    data = flat.export("xlsx")
    started = time.perf_counter()
    dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    loaded = time.perf_counter()
    result = FigureResource().import_data(dataset, dry_run=False)
    done = time.perf_counter()
    assert not result.has_errors() and not result.has_validation_errors(), result.base_errors[:1]
    assert MonthlyFigure.objects.filter(month=MONTH.first_day).count() == len(figures)
    line("  import-export: tablib load + import_data", f"{loaded - started:.2f} + {done - loaded:.2f} s")
    return done - started


def small_case(size: int, rng: random.Random) -> None:
    federation, user, stock = build(size, rng)
    figures = {code: month_flows(rng, start) for code, start in stock.items()}
    typed = {code: {HEADERS[key]: value or None for key, value in flows.items()} for code, flows in figures.items()}
    data = to_bytes(fill(template(federation, MONTH), typed))
    line(f"{size:,} CĐCS, template filled with openpyxl, {connection.vendor}", f"{len(data) / 1024:,.0f} KiB")
    cold = Meter()
    run_importer(data, federation, user, size, cold)  # the first run pays for imports and caches
    line("  first run in the process (cold)", f"{sum(cold.seconds.values()):.2f} s")
    extent_cost(data)
    MonthlyFigure.objects.filter(month=MONTH.first_day).delete()
    seconds, _count = openpyxl_read(data)
    line("  floor: openpyxl read-only, values only", f"{seconds:.2f} s")
    meter = Meter()
    run_importer(data, federation, user, size, meter)
    ours = meter.report("ours, end to end", size)
    anchors = "openpyxl + bulk_create 0.34 s, COPY 0.20 s"
    line("  target on PostgreSQL", "≤ 0.60 s", f"{VERDICT[ours <= 0.6]}; anchors: {anchors}")
    MonthlyFigure.objects.filter(month=MONTH.first_day).delete()
    theirs = import_export_default(federation, figures, stock)
    line("  import-export default, total", f"{theirs:.2f} s", "anchor 3.7 s (use_bulk 5.9 s) on PostgreSQL")
    ratio = theirs / ours
    line("  ours ÷ theirs", f"{ours / theirs:.2f}", f"theirs ÷ ours = {ratio:.1f}×; target ≥ 6×: {VERDICT[ratio >= 6]}")


def update_case(size: int, rng: random.Random) -> bytes:
    federation, user, stock = build(size, rng)
    figures = {code: month_flows(rng, start) for code, start in stock.items()}
    first = layout_file(figures, stock)
    line(f"{size:,} rows in the template's layout, {connection.vendor}", f"{len(first) / 2**20:.1f} MB")
    meter = Meter()
    run_importer(first, federation, user, size, meter)
    line("  first import (every row new)", f"{sum(meter.seconds.values()):.2f} s")
    for flows in figures.values():
        flows["admitted"] += 1
        flows["members_end"] += 1
    changed = layout_file(figures, stock)
    meter = Meter()
    run_importer(changed, federation, user, size, meter)
    total = meter.report("re-import, every row changed", size)
    line("  target", "≤ 4 s", f"{VERDICT[total <= 4]}; import-export use_bulk about 65 s")
    return changed


def openpyxl_read(data: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _row in workbook[MONTH_SHEET].iter_rows(values_only=True))
    return time.perf_counter() - started, count


def read_side(data: bytes, rows: int) -> None:
    line(f"reading the {rows:,}-row file, whole month sheet")
    seconds, count = openpyxl_read(data)
    line("  openpyxl read-only, values_only", f"{seconds:.2f} s", f"{count / seconds:,.0f} rows/s; anchor 1.73 s")
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        line("  python-calamine", "not installed", "(.venv/bin/pip install python-calamine to compare)")
        return
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(MONTH_SHEET)
    count = sum(1 for _row in sheet.iter_rows())
    seconds = time.perf_counter() - started
    line("  python-calamine, iter_rows", f"{seconds:.2f} s", f"{count / seconds:,.0f} rows/s; anchor 0.20 s")


def best_of(action, times: int = 5) -> float:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def extent_cost(data: bytes) -> None:
    """How long sheet_extents (part of check_xlsx) takes on this file, beside reading it."""
    extents = best_of(lambda: sheet_extents(zipfile.ZipFile(io.BytesIO(data))))
    read = best_of(lambda: sheet_read(data, max_bytes=LIMIT, max_rows=LIMIT))
    share = f"{extents / read:.0%} of sheet_read, which includes it"
    line("  the extent check (sheet_extents), best of 5", f"{extents * 1000:,.0f} ms", share)


def extent_side(rng: random.Random) -> None:
    """The largest sheet an upload may be (UPLOAD_MAX_ROWS lines), and the hostile files refused."""
    rows = UPLOAD_LIMITS["UPLOAD_MAX_SHEET_ROWS"] // 2
    stock = {f"C{number:05d}": rng.randint(0, 500) for number in range(rows)}
    data = layout_file({code: month_flows(rng, start) for code, start in stock.items()}, stock)
    line(f"the extent check on a {rows:,}-row month sheet", f"{len(data) / 2**20:.1f} MB")
    extent_cost(data)
    settings.UPLOAD_MAX_SHEET_ROWS = UPLOAD_LIMITS["UPLOAD_MAX_SHEET_ROWS"]
    settings.UPLOAD_MAX_CELLS = UPLOAD_LIMITS["UPLOAD_MAX_CELLS"]
    for corner in ("XFD1048576", "Z1048576"):
        workbook = openpyxl.Workbook()
        workbook.active["A1"], workbook.active[corner] = "Mã CĐCS", 1
        hostile = to_bytes(workbook)

        def refuse(hostile=hostile):
            try:
                check_xlsx(hostile)
            except UnsafeFile:
                return
            raise AssertionError("not refused")

        seconds = best_of(refuse)
        line(f"  A1 + {corner} ({len(hostile) / 1024:.0f} KB) refused by check_xlsx", f"{seconds * 1000:.1f} ms")
    # The farthest a file may reach: a million cells, one sheet, from A1 to AX20000.
    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["AX20000"] = "Mã CĐCS", 1
    farthest = to_bytes(workbook)
    meter = Meter(memory=Path("/proc/self/clear_refs").exists())
    meter("sheet_read (python-calamine)", lambda: sheet_read(farthest))
    meter("the admin's XLSXFormat (openpyxl)", lambda: _admin(farthest))
    line("  A1 + AX20000 (a million cells, the most allowed), read by")
    for name, seconds in meter.seconds.items():
        memory = f"peak +{meter.peak_mb[name]:,.0f} MB, " if name in meter.peak_mb else ""
        line(f"    {name}", f"{memory}{seconds:.2f} s", "python-calamine: 32 bytes a cell")
    # The worst a file may be: the most text (UPLOAD_MAX_UNZIPPED_BYTES) in one cell, which a
    # reader holds about three times over, a formula (unionportal.lib.sheets then reads the sheet's XML
    # whole, looking for formulas without a value) and the farthest corner.
    text = "".join(rng.randbytes(30).hex() + "a" * 9_000 for _ in range(UPLOAD_LIMITS["unzipped"] // 9_200))
    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["B2"], workbook.active["AX20000"] = "PLACEHOLDER", "=1+1", 1
    source, buffer = zipfile.ZipFile(io.BytesIO(to_bytes(workbook))), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            part = source.read(entry)
            if "worksheets" in entry.filename:
                part = part.replace(b"PLACEHOLDER", text.encode()).replace(b"<v></v>", b"<v>2</v>")
            target.writestr(entry, part)
    del text
    settings.UPLOAD_MAX_UNZIPPED_BYTES = UPLOAD_LIMITS["unzipped"]
    meter = Meter(memory=Path("/proc/self/clear_refs").exists())
    meter("sheet_read", lambda: sheet_read(buffer.getvalue()))
    size = f"{UPLOAD_LIMITS['unzipped'] / 2**20:.0f} MB"
    memory = f"peak +{meter.peak_mb['sheet_read']:,.0f} MB, " if meter.peak_mb else ""
    line(f"  {size} of text in A1, a formula, AX20000: read", f"{memory}{meter.seconds['sheet_read']:.2f} s")
    settings.UPLOAD_MAX_SHEET_ROWS = settings.UPLOAD_MAX_CELLS = settings.UPLOAD_MAX_UNZIPPED_BYTES = LIMIT


def _admin(data: bytes) -> None:
    try:
        XLSXFormat().create_dataset(data)
    except UnsafeFile:  # its own cap on rows (UPLOAD_MAX_ROWS), once every row is read
        pass


def big_case(size: int, rng: random.Random) -> None:
    """The file is made here; a fresh process reads and imports it, so that its memory is its own."""
    _federation, _user, stock = build(size, rng)
    data = layout_file({code: month_flows(rng, start) for code, start in stock.items()}, stock)
    line(f"{size:,} rows in the template's layout, {connection.vendor}", f"{len(data) / 2**20:.1f} MB")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(data)
        file.flush()
        measured = subprocess.run([sys.executable, __file__, "--measure", file.name, "--big", str(size)])
    if measured.returncode:
        line("  (the measuring process failed: see above)")


def measure(path: str, rows: int) -> None:
    federation = Organisation.objects.get(code="BIG")
    user = get_user_model().objects.get(username="canbo.big")
    data = Path(path).read_bytes()
    line("  resident memory before reading (fresh process)", f"{rss_mb():,.0f} MB")
    meter = Meter(memory=Path("/proc/self/clear_refs").exists())
    run_importer(data, federation, user, rows, meter)
    meter.report("read + preview + import", rows)
    tracemalloc.start()
    sheet = sheet_read(data, max_bytes=LIMIT, max_rows=LIMIT)
    held, peak = (size / 2**20 for size in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    line("  read again, Python heap (tracemalloc)", f"peak {peak:,.0f} MB", f"held by the Sheet: {held:,.0f} MB")
    assert len(sheet.rows) == rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2_000, help="CĐCS of the end-to-end case (2,000)")
    parser.add_argument("--update", type=int, default=20_000, help="rows of the re-import case (20,000; 0 skips)")
    parser.add_argument("--big", type=int, default=100_000, help="rows of the memory case (100,000; 0 skips)")
    parser.add_argument("--small-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="FILE", help=argparse.SUPPRESS)
    options = parser.parse_args()
    bench_database_ready()
    rng = random.Random(2021)
    if options.measure:
        return measure(options.measure, options.big)
    if options.small_only:
        return small_case(options.small, rng)
    machine()
    line("what", "measured", "anchor / target")
    small_case(options.small, rng)
    if connection.vendor == "postgresql":  # the same on the embedded database, in a process of its own
        scratch = f"sqlite:///{tempfile.mkdtemp()}/import-bench.sqlite3"
        command = [sys.executable, __file__, "--small-only", "--small", str(options.small)]
        subprocess.run(command, env={**os.environ, "DATABASE_URL": scratch}, check=True)
    extent_side(rng)
    if options.update:
        read_side(update_case(options.update, rng), options.update)
    if options.big:
        big_case(options.big, rng)


if __name__ == "__main__":
    main()
