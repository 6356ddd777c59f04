from django.conf import settings
from django.core.management.base import BaseCommand

from members.register.register_export import exports_purge


class Command(BaseCommand):
    help = (
        "Xóa các tệp xuất toàn bộ sổ đoàn viên đã quá thời hạn giữ (EXPORT_KEEP_HOURS) trong EXPORT_DIR, cả tệp ghi "
        "dở của việc bị dừng giữa chừng. Chạy hằng giờ từ cron."
    )

    def handle(self, *args, **options):
        removed = exports_purge()
        self.stdout.write(f"Đã xóa {removed} tệp quá {settings.EXPORT_KEEP_HOURS} giờ trong {settings.EXPORT_DIR}.")
