from django.core.management.base import BaseCommand, CommandError

from members.figures.summary import summary_differences, summary_rebuild


class Command(BaseCommand):
    help = (
        "Kiểm tra (--check) hoặc dựng lại (--rebuild) bảng tổng hợp theo công đoàn cấp trên × tháng mà các báo cáo "
        "đọc, sau khi số liệu được ghi thẳng vào cơ sở dữ liệu (không qua cổng thông tin)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="so bảng tổng hợp với số liệu tháng, in chỗ lệch")
        action.add_argument("--rebuild", action="store_true", help="tính lại toàn bộ bảng tổng hợp")

    def handle(self, *args, check: bool, rebuild: bool, **options):
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
