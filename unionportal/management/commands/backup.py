from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from unionportal.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu vào một tệp (PostgreSQL: pg_dump -Fc; SQLite: bản sao nhất quán "
        "khi đang chạy). Khôi phục bằng `manage.py restore TỆP`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp sao lưu sẽ ghi (ghi đè khi đã sao lưu xong)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="bí danh trong DATABASES (mặc định: default)")

    def handle(self, *args, file, database, **options):
        try:
            size = database_backup(path=file, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        name = connections[database].settings_dict["NAME"]
        self.stdout.write(f"Đã sao lưu cơ sở dữ liệu {name} vào {file} ({size:,} byte).".replace(",", "."))
