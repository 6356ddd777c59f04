"""No user input reaches a shell, raw SQL, a file path or unescaped HTML: the code that serves
requests is read (as Python syntax, not text) for the few calls that could let it, and each one
found must be in ALLOWED with the reason it is safe. A new one fails here until someone has
looked at it and said why."""

import ast
import functools
import os
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Not scanned: the virtualenv, tests, the testing helpers and migrations (no request reaches them), and bench/ (timing
# and load scripts a developer runs against a scratch database from the command line).
SKIPPED = {".venv", "tests", "testing", "migrations", "bench", "node_modules", "staticfiles"}

SHELL_MODULES = {"subprocess", "os.system", "os.popen", "os.exec", "os.spawn", "pty", "pickle", "marshal", "shelve"}
SQL_METHODS = {"raw", "extra", "execute", "executemany", "executescript", "copy_expert"}
BUILTINS = {"eval", "exec", "open", "__import__", "compile"}

# (file, what) → why it is safe.
ALLOWED = {
    ("unionportal/lib/bulk.py", "cursor.execute"): "table and column names from model _meta, quoted by the "
    "backend; every value a parameter",
    ("unionportal/lib/bulk.py", "cursor.executemany"): "as above: names from _meta, values as parameters",
    ("unionportal/lib/bulk.py", "cursor.copy_expert"): "COPY of values escaped by _csv into a table named by _meta",
    ("unionportal/health.py", "cursor.execute"): "a constant SELECT 1",
    ("unionportal/replica.py", "cursor.execute"): "a constant query of the replica's lag (or SELECT 0)",
    ("reports/summary_sums.py", "cursor.execute"): "the summary's query: table and column names from FederationMonth's "
    "_meta, quoted by the backend; every value (months, sector group, federation id) a parameter",
    ("reorganisation/provinces/exporting.py", "cursor.execute"): "a constant SET TRANSACTION ISOLATION LEVEL, so "
    "that the export reads one snapshot",
    ("reorganisation/provinces/fileformat.py", "open"): "the province file the operator names on the command line "
    "of export_province / import_province (never a request)",
    ("reorganisation/provinces/fileformat.py", ".open"): "as above: the operator's province file, written 0600",
    ("unionportal/backup.py", "subprocess"): "pg_dump / pg_restore run by the backup command (an operator, not a "
    "request), with an argument list (no shell) built from settings and the command's path argument",
    ("unionportal/backup.py", "source.execute"): "constant SQL on the SQLite copy being checked",
    ("unionportal/backup.py", "cursor.execute"): "a constant query of the partitioned tables, whose names PostgreSQL "
    "quotes (format %I) for the DROP that psql runs before the restore",
    ("unionportal/backup.py", ".open"): "the backup file the operator names on the command line",
    ("unionportal/backup_views.py", ".open"): "a backup file of BACKUP_DIR named by the job that wrote it, its name "
    "matched against backup_jobs.FILE_NAME (no separator, no dot-dot), and served to superusers only",
    ("unionportal/lib/sheets.py", ".open"): "a member of the uploaded .xlsx archive, read from memory, never the disk",
    ("unionportal/lib/xlsx.py", ".open"): "a member of the uploaded .xlsx archive, read from memory, never the disk",
    ("members/register/register_export.py", ".open"): "the register's export written 0600 in EXPORT_DIR under a "
    "name made from the job's number and an HMAC of SECRET_KEY (export_path), never from a request",
    ("members/register/export_views.py", ".open"): "the same file read back for its owner: its path is export_path of "
    "a job the request may see, the number an int of the URL, the rest the HMAC",
    ("members/figures/views/grid_rows.py", "mark_safe"): "the entry grid's rows, every value passed through escape()",
    ("members/figures/views/reconcile.py", "mark_safe"): "the reconciliation table, each value passed through escape()",
}


def _sources():
    for folder, folders, files in os.walk(ROOT):
        folders[:] = sorted(name for name in folders if name not in SKIPPED and not name.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder, name)
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _findings(tree):
    """What the file does that could carry input somewhere dangerous, as short names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            modules += (
                [f"{node.module}.{alias.name}" for alias in node.names] if isinstance(node, ast.ImportFrom) else []
            )
            for module in modules:
                if any(module == name or module.startswith(f"{name}.") for name in SHELL_MODULES):
                    yield module.split(".")[0] if module.split(".")[0] != "os" else module
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if any(keyword.arg == "shell" for keyword in node.keywords):
                yield "shell="
            if isinstance(node.func, ast.Name) and node.func.id in BUILTINS | {"mark_safe", "RawSQL", "SafeString"}:
                yield node.func.id
            elif isinstance(node.func, ast.Attribute):
                if node.func.attr in SQL_METHODS:
                    receiver = _dotted(node.func.value).split(".")[-1] or "?"
                    yield f"{receiver}.{node.func.attr}"
                elif node.func.attr in {"system", "popen"} and name.startswith("os."):
                    yield name
                elif node.func.attr == "open":  # zipfile's open(name), Path(name).open(), io.open(name)
                    yield ".open"


@functools.cache
def _found() -> frozenset:
    return frozenset((path, what) for path, tree in _sources() for what in _findings(tree))


def test_nothing_passes_input_to_a_shell_raw_sql_a_file_path_or_unescaped_html():
    found = _found()
    unexplained = sorted(found - set(ALLOWED))
    assert unexplained == [], "look at each, and add it to ALLOWED with the reason it is safe (or rewrite it)"


def test_the_allow_list_names_only_what_is_still_there():
    """A justification for code that has gone would let the next such call in unread."""
    assert sorted(set(ALLOWED) - _found()) == []


def test_the_scan_finds_what_it_looks_for():
    sample = ast.parse(
        "import subprocess\n"
        "from os import system\n"
        "subprocess.run(cmd, shell=True)\n"
        "Member.objects.raw(sql)\n"
        "qs.extra(where=[w])\n"
        "connection.cursor().execute(sql)\n"
        "open(name)\n"
        "Path(name).open()\n"
        "eval(text)\n"
        "mark_safe(html)\n"
    )
    assert set(_findings(sample)) == {
        "subprocess", "os.system", "shell=", "objects.raw", "qs.extra", "?.execute", "open", ".open", "eval",
        "mark_safe",
    }  # fmt: skip
