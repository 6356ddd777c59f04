from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.demo import demo_exists, demo_logins, seed_demo
from unionportal.lib.months import Month


class Command(BaseCommand):
    help = "Dựng tỉnh mẫu (như Thái Nguyên) với số liệu đến tháng gần nhất đã kết thúc. Chạy lại không thay đổi gì."

    def add_arguments(self, parser):
        parser.add_argument(
            "--until", metavar="YYYY-MM", help="tháng cuối có số liệu (mặc định: tháng gần nhất đã kết thúc)"
        )

    def handle(self, *args, until=None, **options):
        try:
            end = Month.parse(until) if until else Month.last_complete(timezone.localdate())
        except ValueError:
            raise CommandError(f"--until phải có dạng YYYY-MM, không phải {until!r}.") from None
        if end < Month(2021, 3):
            raise CommandError("Dữ liệu mẫu cần chạy ít nhất đến 03/2021.")
        if demo_exists():
            self.stdout.write("Dữ liệu mẫu đã có sẵn: không thay đổi gì.")
        else:
            counts = seed_demo(end=end)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã dựng tỉnh mẫu đến {end}: {counts['federations']} công đoàn cấp trên, {counts['cdcs']} CĐCS, "
                    f"{counts['figures']} dòng số liệu tháng, {counts['quotas']} chỉ tiêu, "
                    f"{counts['members']} đoàn viên trong sổ, {counts['enterprises']} doanh nghiệp đang theo dõi, "
                    f"{counts['ratings']} kết quả đánh giá CĐCS, {counts['courses']} lớp đào tạo cán bộ."
                )
            )
        self.stdout.write("\nTài khoản dùng thử (mật khẩu như nhau):")
        for username, password, what in demo_logins():
            self.stdout.write(f"  {username:<12} {password:<10} {what}")
