from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from members.management.arguments import user_argument
from members.services.common import short_moment
from reorganisation.provinces.importing import Imported, province_import
from reorganisation.provinces.reading import ProvinceRefused
from unionportal.lib.formatting import count

SHOWN_MONTHS = 6  # the table's last months; every month is checked


class Command(BaseCommand):
    help = (
        "Nhập tệp của export_province (một tỉnh khác, khi hợp nhất tỉnh): các công đoàn cấp trên của tỉnh kia thành "
        "công đoàn cấp trên của tỉnh này (giữ loại, ngày hoạt động, lịch sử), CĐCS trực thuộc tỉnh kia vào khối CĐCS "
        "trực thuộc LĐLĐ tỉnh này; chỉ tiêu của chính tỉnh kia không nhập. Kiểm tra toàn bộ tệp trước (đẳng thức "
        "tồn, đầu kỳ = cuối kỳ tháng trước ở mọi dòng), mã trùng thì từ chối (trừ khi có --prefix), ghi tất cả "
        "trong một giao dịch, in số đoàn viên, CĐCS trước và sau. Chạy lại với cùng tệp không thay đổi gì. Tệp có "
        "thể chứa dữ liệu cá nhân (sổ đoàn viên)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="tệp .json.gz của export_province")
        parser.add_argument(
            "--as-upper-unions",
            action="store_true",
            help="nhập các công đoàn cấp trên của tỉnh kia làm công đoàn cấp trên của tỉnh này (bắt buộc)",
        )
        parser.add_argument("--prefix", default="", metavar="TIỀN_TỐ", help="thêm vào trước mọi mã nhập vào, vd BK-")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra và ghi thử rồi hoàn tác: không ghi gì")
        parser.add_argument("--user", metavar="TÊN_ĐĂNG_NHẬP", help="ghi nhật ký dưới tên người này")

    def handle(self, *args, file, as_upper_unions, prefix, dry_run, user, **options):
        if not as_upper_unions:
            raise CommandError(
                "Hãy nói cách nhập: --as-upper-unions (các công đoàn cấp trên của tỉnh kia thành công đoàn cấp trên "
                "của tỉnh này). Chưa ghi gì."
            )
        person = user_argument(user)
        if not Path(file).is_file():
            raise CommandError(f"Không thấy tệp {file}.")
        try:
            imported = province_import(path=file, prefix=prefix.strip(), user=person, dry_run=dry_run)
        except ProvinceRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"  {problem}")
            if refused.more:
                self.stderr.write(f"  … và {count(refused.more)} lỗi khác.")
            raise CommandError("Không nhập: chưa ghi gì.") from None
        self._file(imported)
        if imported.earlier is not None:
            earlier = imported.earlier
            who = earlier.imported_by.get_username() if earlier.imported_by else "hệ thống"
            self.stdout.write(
                f"Tệp này (hoặc cùng dữ liệu ấy) đã được nhập lúc {short_moment(earlier.imported_at)} ({who}, lần nhập "
                f"#{earlier.pk}, tiền tố “{earlier.prefix}”): không thay đổi gì."
            )
            return
        for note in imported.notes:
            self.stdout.write(f"Lưu ý: {note}")
        self._totals(imported)
        written = imported.written
        summary = (
            f"{count(written['organisations'])} công đoàn cấp trên, {count(written['cdcs'])} CĐCS, "
            f"{count(written['figures'])} dòng số liệu tháng, {count(written['returns'])} báo cáo tháng, "
            f"{count(written['programmes'])} chương trình mới, {count(written['quotas'])} chỉ tiêu, "
            f"{count(written['members'])} đoàn viên trong sổ"
        )
        if imported.dry_run:
            self.stdout.write(f"Chạy thử (--dry-run): đã kiểm tra {summary}; chưa ghi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã nhập (lần nhập #{imported.record.pk}): {summary}."))

    def _file(self, imported: Imported) -> None:
        file = imported.file
        months = f", số liệu {file.first}–{file.last}" if file.first else ""
        exported_at = parse_datetime(file.header["exported_at"])
        self.stdout.write(
            f"Tệp: {file.source_name} ({file.source_code}), xuất lúc {short_moment(exported_at)}{months}."
        )

    def _totals(self, imported: Imported) -> None:
        file = imported.file
        if not file.totals:
            return
        months = list(file.totals)[-SHOWN_MONTHS:]
        head = ("Tháng", "Tỉnh này trước", "Tệp", "Sau khi nhập")
        self.stdout.write("Đoàn viên / CĐCS cuối tháng:")
        rows = [
            (
                str(month),
                _pair(imported.before[month]),
                _pair(file.totals[month]),
                _pair(imported.after[month]),
            )
            for month in months
        ]
        widths = [max(len(row[column]) for row in [head, *rows]) for column in range(len(head))]
        for row in [head, *rows]:
            self.stdout.write("  " + " | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        self.stdout.write(
            f"Sau = trước + tệp ở cả {count(len(file.totals))} tháng {file.first}–{file.last} (bảng trên: "
            f"{len(months)} tháng cuối)."
        )


def _pair(stock) -> str:
    return f"{count(stock.members)} / {count(stock.unions)}"
