"""Backing up the portal's database to one file and restoring it (`manage.py backup` / `restore`).

PostgreSQL: pg_dump's custom format (-Fc: compressed, restored table by table); pg_restore
--clean --if-exists --no-owner writes the statements that restore it, which psql runs in one
transaction, so that a restore that fails half way leaves the database as it was. The connection
comes from settings.DATABASES, the password through the PGPASSWORD environment variable (never on
a command line other users can read), and the programs get their arguments as a list: no shell
sees a path or a name.

SQLite: sqlite3's online backup API, which copies a consistent snapshot while the portal keeps
serving (a write during the copy makes it start again), and the same API back into the live
database file for a restore."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Rows that `migrate` itself creates: a freshly migrated database holds only these.
_MIGRATE_CREATES = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """What went wrong, in Vietnamese, for the person at the command line."""


def database_backup(*, path: Path, using: str = DEFAULT_DB_ALIAS, on_progress=None) -> int:
    """Write a backup of the database `using` to `path` (replaced whole only once the copy is
    complete; readable by its owner only, 0600: it holds every member's personal data) and return
    its size in bytes. On SQLite, `on_progress(pages copied, pages)` hears how far the copy is
    (pg_dump says nothing of its progress)."""
    connection = connections[using]
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"Không có thư mục {path.parent} để ghi bản sao lưu.")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)  # pg_dump and sqlite3 write into it and keep its mode
        os.chmod(partial, 0o600)  # whatever the umask
        if connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", f"--file={partial}", *_pg_connection(connection)], connection)
        elif connection.vendor == "sqlite":
            if connection.in_atomic_block:  # sqlite3 would wait for ever on its own open write
                raise BackupError("Không sao lưu SQLite được từ bên trong một giao dịch đang mở.")
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                if on_progress is None:
                    connection.connection.backup(target)
                else:
                    step = lambda _status, remaining, total: on_progress(total - remaining, total)  # noqa: E731
                    connection.connection.backup(target, pages=256, progress=step)
            finally:
                target.close()
        else:
            raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def database_restore(*, path: Path, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> None:
    """Replace the database `using` with the backup at `path`. Refused when the database already
    holds data (anything but what `migrate` creates) unless `force`."""
    connection = connections[using]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu {path}.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    expected = {"postgresql": PG_MAGIC, "sqlite": SQLITE_MAGIC}.get(connection.vendor)
    if expected is None:
        raise BackupError(f"Chưa hỗ trợ khôi phục cơ sở dữ liệu {connection.vendor}.")
    if not head.startswith(expected):
        kind = {"postgresql": "PostgreSQL (pg_dump -Fc)", "sqlite": "SQLite"}[connection.vendor]
        raise BackupError(
            f"Tệp {path} không phải bản sao lưu {kind} của `manage.py backup`: cơ sở dữ liệu đang dùng là "
            f"{connection.vendor}, bản sao lưu phải được tạo từ cùng loại cơ sở dữ liệu."
        )
    if not force and database_holds_data(using=using):
        raise BackupError(
            f"Cơ sở dữ liệu {connection.settings_dict['NAME']} đang có dữ liệu: khôi phục sẽ xoá toàn bộ dữ "
            "liệu hiện có và thay bằng bản sao lưu. Không khôi phục gì. Nếu thật sự muốn vậy, sao lưu "
            "dữ liệu hiện có trước rồi chạy lại lệnh với --force."
        )
    if connection.vendor == "postgresql":
        _pg_restore(connection, path)
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if not source.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
                raise BackupError(f"Tệp {path} là một cơ sở dữ liệu SQLite nhưng không phải của UnionPortal.")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    connection.close()  # the next query opens the restored database afresh


def database_holds_data(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when some table of the portal has a row other than those `migrate` creates."""
    tables = set(connections[using].introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in _MIGRATE_CREATES or meta.db_table not in tables:
            continue
        if model._base_manager.using(using).exists():
            return True
    return False


# The partitioned tables of a database (members_monthlyfigure, by year), as quoted names.
PARTITIONED_SQL = (
    "SELECT format('%I.%I', namespace.nspname, class.relname) FROM pg_partitioned_table partitioned "
    "JOIN pg_class class ON class.oid = partitioned.partrelid "
    "JOIN pg_namespace namespace ON namespace.oid = class.relnamespace"
)


def _pg_restore(connection, path: Path) -> None:
    """pg_restore's statements are written to a file first, so that a damaged backup stops there
    before anything changes, then psql runs them in one transaction: all or nothing. In that
    transaction the database's partitioned tables go first, partitions and all: the DROP
    statements of pg_restore --clean take each partition's part of the primary key apart from
    its table, which PostgreSQL refuses."""
    with connection.cursor() as cursor:
        cursor.execute(PARTITIONED_SQL)
        drops = [f"--command=DROP TABLE IF EXISTS {name} CASCADE" for (name,) in cursor.fetchall()]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "restore.sql"
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", f"--file={script}", str(path)],
            connection,
        )
        _run(
            [
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                *_pg_connection(connection),
                *drops,
                f"--file={script}",
            ],
            connection,
        )


def _pg_connection(connection) -> list[str]:
    settings = connection.settings_dict
    arguments = ["--no-password", f"--dbname={settings['NAME']}"]
    if settings.get("HOST"):
        arguments.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        arguments.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        arguments.append(f"--username={settings['USER']}")
    return arguments


def _run(arguments: list[str], connection) -> None:
    program = shutil.which(arguments[0])
    if program is None:
        raise BackupError(
            f"Không tìm thấy chương trình {arguments[0]} (cài gói postgresql-client cùng phiên bản máy chủ)."
        )
    env = dict(os.environ)
    settings = connection.settings_dict
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if settings.get("OPTIONS", {}).get(option):
            env[variable] = str(settings["OPTIONS"][option])
    result = subprocess.run([program, *arguments[1:]], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{arguments[0]} không thành công (mã {result.returncode}):\n{result.stderr.strip()}")
