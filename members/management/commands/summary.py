from django.core.management.base import BaseCommand, CommandError

from jobs.services import JobBusy, background
from members.figures.summary import summary_differences, summary_rebuild
from members.figures.summary_jobs import summary_rebuild_start


class Command(BaseCommand):
    help = (
        "Kiểm tra (--check) hoặc dựng lại (--rebuild) bảng tổng hợp theo công đoàn cấp trên × tháng mà các báo cáo "
        "đọc, sau khi số liệu được ghi thẳng vào cơ sở dữ liệu (không qua cổng thông tin)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="so bảng tổng hợp với số liệu tháng, in chỗ lệch")
        action.add_argument("--rebuild", action="store_true", help="tính lại toàn bộ bảng tổng hợp")
        parser.add_argument(
            "--background",
            action="store_true",
            help="với --rebuild: giao cho máy chạy nền (cần CELERY_BROKER_URL), in địa chỉ trang theo dõi",
        )

    def handle(self, *args, check: bool, rebuild: bool, background: bool = False, **options):
        if rebuild and background:
            self._queue()
            return
        if rebuild:
            summary_rebuild()
            self.stdout.write(self.style.SUCCESS("Đã tính lại bảng tổng hợp."))
            return
        differences = summary_differences()
        for difference in differences[:50]:
            self.stdout.write(difference)
        if differences:
            raise CommandError(f"Bảng tổng hợp lệch {len(differences)} chỗ; chạy lại với --rebuild.")
        self.stdout.write(self.style.SUCCESS("Bảng tổng hợp khớp với số liệu tháng."))

    def _queue(self) -> None:
        if not background():
            raise CommandError("--background cần CELERY_BROKER_URL (máy chạy nền); bỏ --background để tính ngay.")
        try:
            job = summary_rebuild_start(user=None)
        except JobBusy as busy:
            raise CommandError(
                f"Bảng tổng hợp đang được tính lại (việc #{busy.job.pk if busy.job else '?'})."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Đã giao việc #{job.pk}: theo dõi ở /jobs/{job.pk}/ (tài khoản quản trị).")
        )
