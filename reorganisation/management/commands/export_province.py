from django.core.management.base import BaseCommand, CommandError

from members.management.arguments import user_argument
from reorganisation.provinces.exporting import province_export
from reorganisation.provinces.fileformat import ProvinceFileError
from unionportal.lib.formatting import count


class Command(BaseCommand):
    help = (
        "Xuất toàn bộ lịch sử của tỉnh trên cổng thông tin này (công đoàn cấp trên, CĐCS, quá trình trực thuộc, số "
        "liệu tháng, báo cáo tháng, chương trình và chỉ tiêu, và sổ đoàn viên nếu có) vào một tệp JSON nén gzip, để "
        "nhập vào cổng thông tin của tỉnh khác khi hợp nhất tỉnh (import_province). Tệp có sổ đoàn viên là DỮ LIỆU "
        "CÁ NHÂN (họ tên, ngày sinh, số CCCD): tệp chỉ chủ tệp đọc được (quyền 0600); chuyển bằng kênh an toàn và "
        "xóa khi đã nhập xong, hoặc xuất với --without-register."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="tệp sẽ ghi (ví dụ bac-kan.json.gz); ghi đè nếu đã có")
        parser.add_argument(
            "--without-register", action="store_true", help="không xuất sổ đoàn viên (không có dữ liệu cá nhân)"
        )
        parser.add_argument("--user", metavar="TÊN_ĐĂNG_NHẬP", help="ghi nhật ký dưới tên người này")

    def handle(self, *args, file, without_register, user, **options):
        person = user_argument(user)
        try:
            exported = province_export(path=file, register=not without_register, user=person)
        except ProvinceFileError as error:
            raise CommandError(error.message) from None
        counts = exported.counts
        months = f", số liệu {exported.first}–{exported.last}" if exported.first else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã xuất {exported.province.name} ({exported.province.code}) vào {exported.path}{months}: "
                f"{count(counts['organisations'])} công đoàn cấp trên, {count(counts['cdcs'])} CĐCS, "
                f"{count(counts['figures'])} dòng số liệu tháng, {count(counts['returns'])} báo cáo tháng, "
                f"{count(counts['quotas'])} chỉ tiêu, {count(counts['members'])} đoàn viên trong sổ."
            )
        )
        if exported.personal_data:
            self.stdout.write(
                self.style.WARNING(
                    "Tệp có dữ liệu cá nhân của đoàn viên (họ tên, ngày sinh, số CCCD): chỉ chủ tệp đọc được "
                    "(quyền 0600). Chuyển bằng kênh an toàn và xóa khi đã nhập xong."
                )
            )
