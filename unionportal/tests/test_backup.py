"""`manage.py backup` and `manage.py restore`: a backup restored into an empty database gives the
same report figures and the same rows; a restore over data is refused unless forced.

The restore and the report on the restored database run as separate processes with their own
DATABASE_URL, as an operator runs them: on PostgreSQL with the real pg_dump / pg_restore into a
database created for the test (`<test database>_restore`), on SQLite into a new file."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from members.figures.services import figures_record
from members.models import AuditEntry, LossReason, Organisation, Sector
from reports.management.commands.report import as_json
from reports.selectors import Scope, progress_report
from targets.services import programme_create, quota_set
from unionportal.backup import database_holds_data
from unionportal.lib.months import Month

MANAGE = Path(settings.BASE_DIR) / "manage.py"
RANGE = ["--from", "2021-01", "--to", "2021-03"]


@pytest.fixture
def figures(province, federation, other_federation, make_cdcs, provincial_staff):
    """Two federations, three CĐCS with three months of figures, a programme with quotas."""
    programme = programme_create(
        name="Chương trình phát triển đoàn viên",
        document_number="04/CTr-LĐLĐ",
        document_date=date(2018, 7, 11),
        first_year=2018,
        last_year=2023,
        user=provincial_staff,
    )
    for organisation, members, unions in ((province, 500, 5), (federation, 300, 3), (other_federation, 200, 2)):
        quota_set(
            programme=programme,
            organisation=organisation,
            year=2021,
            new_members=members,
            new_unions=unions,
            user=provincial_staff,
        )
    first = Month(2021, 1)
    dt01 = make_cdcs(federation, code="DT01", opening=120, first_month=first)
    dt02 = make_cdcs(federation, code="DT02", sector=Sector.PUBLIC, opening=45, first_month=first)
    pb01 = make_cdcs(other_federation, code="PB01", sector=Sector.FDI, opening=310, first_month=first)
    for number, month in enumerate((Month(2021, 2), Month(2021, 3)), start=1):
        for cdcs, admitted in ((dt01, 7), (dt02, 2), (pb01, 15)):
            figures_record(
                cdcs=cdcs,
                month=month,
                admitted=admitted * number,
                lost={LossReason.JOB: number, LossReason.RETIRED: 1},
                user=provincial_staff,
            )


@pytest.fixture
def empty_database(tmp_path):
    """The DATABASE_URL of a new, empty database, dropped after the test on PostgreSQL."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{database['NAME']}_restore"
    server = dict(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
    )

    def run(sql):
        admin = psycopg2.connect(**{key: value for key, value in server.items() if value})
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(sql)
        finally:
            admin.close()

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield url_of({**database, "NAME": name})
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(database: dict) -> str:
    """The DATABASE_URL of a database of settings.DATABASES, for another process."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


def manage(database_url: str, *arguments) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "unionportal.settings"}
    return subprocess.run(
        [sys.executable, str(MANAGE), *arguments], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def counts_here() -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def counts_in(database_url: str, tables) -> dict[str, int]:
    script = (
        "import json, sys\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    counts = {}\n"
        "    for table in sys.argv[1:]:\n"
        "        cursor.execute(f'SELECT COUNT(*) FROM {connection.ops.quote_name(table)}')\n"
        "        counts[table] = cursor.fetchone()[0]\n"
        "print(json.dumps(counts))\n"
    )
    result = manage(
        database_url, "shell", "--no-imports", "-c", f"import sys; sys.argv = ['x', *{list(tables)!r}]\n{script}"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def report_here(**scope) -> dict:
    report = progress_report(start=Month(2021, 1), end=Month(2021, 3), scope=Scope(**scope))
    return json.loads(json.dumps(as_json(report), ensure_ascii=False))


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_gives_the_same_figures(figures, empty_database, tmp_path):
    province, dt = Organisation.objects.get(code="TN"), Organisation.objects.get(code="DT")
    expected_province, expected_dt = report_here(org=province), report_here(org=dt)
    assert expected_province["total"]["admitted"] == (7 + 2 + 15) * 3
    rows_before = counts_here()
    backup = tmp_path / "unionportal.backup"

    call_command("backup", str(backup))
    restored = manage(empty_database, "restore", str(backup))

    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout
    report = manage(empty_database, "report", *RANGE, "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout) == expected_province
    report = manage(empty_database, "report", *RANGE, "--org", "DT", "--format", "json")
    assert json.loads(report.stdout) == expected_dt
    # Every table has the same rows, plus the audit entry of the restore itself.
    rows_after = counts_in(empty_database, rows_before)
    assert rows_after == {**rows_before, "members_auditentry": rows_before["members_auditentry"] + 1}
    assert rows_before["members_monthlyfigure"] == 9
    # The backup was taken while the portal runs: the source is untouched.
    assert counts_here() == rows_before

    # A second restore into what now holds data is refused whole, and forced it goes through.
    refused = manage(empty_database, "restore", str(backup))
    assert refused.returncode != 0
    assert "đang có dữ liệu" in refused.stderr and "--force" in refused.stderr
    assert counts_in(empty_database, rows_before) == rows_after
    forced = manage(empty_database, "restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stderr
    assert json.loads(manage(empty_database, "report", *RANGE, "--format", "json").stdout) == expected_province
    assert counts_in(empty_database, rows_before) == rows_after  # replaced, not added to


def test_restoring_over_the_portals_data_is_refused_and_changes_nothing(figures, tmp_path):
    backup = tmp_path / "empty.backup"
    backup.write_bytes(b"PGDMP" if connection.vendor == "postgresql" else b"SQLite format 3\x00")
    rows = counts_here()

    with pytest.raises(CommandError, match="đang có dữ liệu.*--force"):
        call_command("restore", str(backup))

    assert counts_here() == rows
    assert not AuditEntry.objects.filter(action="database.restore").exists()


def test_a_file_that_is_no_backup_is_refused(db, tmp_path):
    other = tmp_path / "notes.xlsx"
    other.write_bytes(b"PK\x03\x04 not a database")

    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", str(other), "--force")
    with pytest.raises(CommandError, match="Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "missing.backup"))
    with pytest.raises(CommandError, match="Không có thư mục"):
        call_command("backup", str(tmp_path / "no-such-directory" / "x.backup"))


def test_a_freshly_migrated_database_holds_no_data(db):
    assert not database_holds_data()

    Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)

    assert database_holds_data()
