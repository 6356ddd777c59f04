from django.core.management.base import BaseCommand, CommandError

from members.management.arguments import (
    add_import_arguments,
    file_argument,
    month_argument,
    problem_line,
    user_argument,
)
from members.models import AuditEntry, GrassrootsUnion
from members.register.list_import import ListRefused, list_check, list_finish, list_import, list_receive
from members.register.list_lines import ListPreview
from members.register.lists import list_read


class Command(BaseCommand):
    help = (
        "Nhập danh sách đoàn viên của một CĐCS từ tệp Excel (mẫu của cổng thông tin hoặc danh sách có cột "
        "“Họ và tên”, “Ngày vào công đoàn”…): kiểm tra toàn bộ, in bản xem trước và các lỗi, rồi ghi tất cả "
        "trong một giao dịch (hoặc không ghi gì)."
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)
        parser.add_argument("--cdcs", required=True, metavar="MÃ", help="mã CĐCS")
        parser.add_argument("--month", required=True, metavar="YYYY-MM", help="tháng ghi sổ (vd 2021-03)")
        parser.add_argument(
            "--confirm-month",
            action="store_true",
            help="vẫn ghi những người tính vào số liệu tháng đã duyệt, khóa số liệu (đối chiếu sổ sẽ lệch ở tháng đó)",
        )

    def handle(self, *args, file, cdcs, month, dry_run, user, confirm_month, **options):
        month = month_argument(month)
        union = GrassrootsUnion.objects.filter(code=cdcs).first()
        if union is None:
            raise CommandError(f"Không có CĐCS mã {cdcs!r}.")
        person = user_argument(user)
        path, data = file_argument(file)

        if dry_run:
            preview = list_check(
                list_read(data), cdcs=union, month=month, user=person, source=AuditEntry.Source.COMMAND
            )
            self._print(preview)
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
            if preview.problems:
                raise CommandError(f"{len(preview.problems)} lỗi.")
            return
        upload, members, preview = list_receive(
            data=data, file_name=path.name, cdcs=union, month=month, user=person, source=AuditEntry.Source.COMMAND
        )
        self._print(preview)
        if preview.problems:
            raise CommandError(f"Không nhập: {len(preview.problems)} lỗi. Chưa ghi gì.")
        try:
            imported = list_import(
                members=members,
                cdcs=union,
                month=month,
                user=person,
                plan=preview.plan,
                source=AuditEntry.Source.COMMAND,
                file_name=path.name,
                upload=upload,
                confirm_month=confirm_month,
            )
        except ListRefused as refused:
            list_finish(upload, user=person, refused=refused)
            for problem in refused.problems:
                self.stderr.write(problem_line(problem))
            raise CommandError("Không nhập: chưa ghi gì.") from None
        list_finish(upload, user=person, imported=imported)
        self.stdout.write(
            self.style.SUCCESS(f"Đã nhập: {upload.rows_created} người vào sổ, {upload.rows_updated} người cập nhật.")
        )

    def _print(self, preview: ListPreview) -> None:
        self.stdout.write(f"{preview.cdcs}, tháng ghi sổ {preview.month}")
        if preview.problems:
            self.stdout.write(self.style.ERROR(f"{len(preview.problems)} lỗi:"))
            for problem in preview.problems:
                self.stdout.write(problem_line(problem))
            return
        self.stdout.write(
            f"Kết nạp mới trong tháng: {len(preview.admitted)}; "
            f"kết nạp các tháng trước: {len(preview.admitted_before)}; "
            f"ghi sổ là đoàn viên đã có: {len(preview.opening)} (trong đó vào lại: {len(preview.readmitted)}); "
            f"cập nhật: {len(preview.updated)}; không đổi: {preview.unchanged}; "
            f"đang sinh hoạt không có trong tệp (giữ nguyên): {preview.missing}."
        )
