import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from members.audit import audit_entry
from members.models import AuditEntry
from unionportal.backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu từ tệp của `manage.py backup`. Từ chối khi cơ sở dữ liệu đang có dữ liệu, "
        "trừ khi có --force (khi đó toàn bộ dữ liệu hiện có bị thay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp sao lưu")
        parser.add_argument("--force", action="store_true", help="khôi phục cả khi cơ sở dữ liệu đang có dữ liệu")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="bí danh trong DATABASES (mặc định: default)")

    def handle(self, *args, file, force, database, **options):
        try:
            database_restore(path=file, using=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        # In the restored database: when and from what it was restored.
        entry = audit_entry(None, "database.restore", source=AuditEntry.Source.COMMAND, file=file.name, sha256=digest)
        entry.save(using=database)
        name = connections[database].settings_dict["NAME"]
        self.stdout.write(f"Đã khôi phục cơ sở dữ liệu {name} từ {file}.")
