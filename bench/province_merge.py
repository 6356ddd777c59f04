"""How long merging provinces takes, and how much memory, at the size of a province: the demo
province exported (export_province) and imported (import_province --as-upper-unions) into a second,
empty portal whose province takes it as upper-level unions, then imported again (nothing to do).

    .venv/bin/python bench/province_merge.py                     # SQLite: db.sqlite3 → a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal \\
        IMPORT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_merge \\
        .venv/bin/python bench/province_merge.py

Migrates and seeds the demo first when the exporting database has none; the importing database
(IMPORT_DATABASE_URL, default a temporary SQLite file) is migrated and given only a province.
Each command runs in its own process, whose peak memory (maximum resident set) is printed.
Prints figures; asserts nothing."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run(args: list[str], database: str | None) -> tuple[float, int, str]:
    """Run manage.py with `args` (on `database`, else the default): seconds, peak RSS in MB, output."""
    env = dict(os.environ)
    if database:
        env["DATABASE_URL"] = database
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def main():
    source = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        target = os.environ.get("IMPORT_DATABASE_URL") or f"sqlite:///{Path(folder) / 'merge.sqlite3'}"
        run(["migrate", "-v0"], source)
        run(["seed_demo"], source)  # does nothing when the demo is there
        path = Path(folder) / "province.json.gz"
        seconds, memory, output = run(["export_province", str(path)], source)
        print(output.splitlines()[0])
        print(f"export_province: {seconds:.1f} s, peak {memory} MB, file {path.stat().st_size / 1e6:.1f} MB")

        run(["migrate", "-v0"], target)
        if os.environ.get("IMPORT_DATABASE_URL"):
            run(["flush", "--no-input"], target)
        run(
            [
                "shell",
                "-c",
                "from members.models import Organisation; Organisation.objects.create(code='BK', "
                "name='LĐLĐ tỉnh Bắc Kạn', kind=Organisation.Kind.PROVINCE)",
            ],
            target,
        )
        seconds, memory, output = run(["import_province", str(path), "--as-upper-unions"], target)
        print(output.splitlines()[-1])
        print(f"import_province: {seconds:.1f} s, peak {memory} MB")
        seconds, memory, output = run(["import_province", str(path), "--as-upper-unions"], target)
        print(f"import_province again: {seconds:.1f} s, peak {memory} MB ({output.splitlines()[-1]})")


if __name__ == "__main__":
    main()
