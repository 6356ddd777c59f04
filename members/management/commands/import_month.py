from django.core.management.base import BaseCommand, CommandError

from members.figures.grid import column_label
from members.figures.sheet import Preview, sheet_read
from members.figures.sheet_import import SheetRefused, sheet_import, sheet_preview, upload_finish, upload_receive
from members.management.arguments import (
    add_import_arguments,
    file_argument,
    month_argument,
    problem_line,
    user_argument,
)
from members.models import AuditEntry, Organisation
from unionportal.lib.formatting import count


class Command(BaseCommand):
    help = (
        "Nhập số liệu tháng của một công đoàn cấp trên từ tệp Excel (mẫu của cổng thông tin): kiểm tra toàn bộ, "
        "in bản xem trước và các lỗi, rồi ghi tất cả trong một giao dịch (hoặc không ghi gì)."
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)
        parser.add_argument("--federation", required=True, metavar="MÃ", help="mã công đoàn cấp trên")
        parser.add_argument("--month", required=True, metavar="YYYY-MM", help="tháng báo cáo (vd 2021-03)")

    def handle(self, *args, file, federation, month, dry_run, user, **options):
        month = month_argument(month)
        org = Organisation.objects.federations().filter(code=federation).first()
        if org is None:
            raise CommandError(f"Không có công đoàn cấp trên mã {federation!r}.")
        person = user_argument(user)
        path, data = file_argument(file)

        if dry_run:
            preview = sheet_preview(sheet_read(data), federation=org, month=month, user=person)
            self._print(preview)
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
            if preview.problems:
                raise CommandError(f"{len(preview.problems)} lỗi.")
            return
        upload, sheet, preview = upload_receive(
            data=data, file_name=path.name, federation=org, month=month, user=person, source=AuditEntry.Source.COMMAND
        )
        self._print(preview)
        if preview.problems:
            raise CommandError(f"Không nhập: {len(preview.problems)} lỗi. Chưa ghi gì.")
        try:
            imported = sheet_import(
                sheet=sheet,
                federation=org,
                month=month,
                version=preview.version,
                user=person,
                source=AuditEntry.Source.COMMAND,
                preview=preview,
                file_name=path.name,
            )
        except SheetRefused as refused:
            upload_finish(upload, user=person, refused=refused)
            for problem in refused.problems:
                self.stderr.write(problem_line(problem))
            raise CommandError("Không nhập: chưa ghi gì.") from None
        upload_finish(upload, user=person, imported=imported)
        self.stdout.write(self.style.SUCCESS(f"Đã nhập: {len(imported.changes)} dòng thay đổi."))

    def _print(self, preview: Preview) -> None:
        self.stdout.write(f"{preview.federation.name} ({preview.federation.code}), tháng {preview.month}")
        for note in preview.notes:
            self.stdout.write(f"Lưu ý: {note}")
        for kept in preview.kept:
            self.stdout.write(
                f"  Giữ số đang lưu ở ô {kept.cell} ({kept.label}) của CĐCS {kept.code}: {count(kept.saved)} "
                f"(trong mẫu là {count(kept.shown)}; người khác đã lưu sau khi tải mẫu)."
            )
        if preview.problems:
            self.stdout.write(self.style.ERROR(f"{len(preview.problems)} lỗi:"))
            for problem in preview.problems:
                self.stdout.write(problem_line(problem))
            return
        self.stdout.write(
            f"{len(preview.changes)} CĐCS thay đổi, {preview.unchanged} không đổi, "
            f"{len(preview.missing)} không có trong tệp (giữ nguyên)."
        )
        for item in preview.founded:
            self.stdout.write(f"  Thành lập: {item['code']} – {item['name']} ({item['founded_on']})")
        for item in preview.dissolved:
            self.stdout.write(f"  Giải thể: {item['code']} – {item['name']} ({item['dissolved_on']})")
        for change in preview.changes:
            before = change.before or {}
            parts = ", ".join(
                f"{column_label(key)}: {count(before.get(key))} → {count(change.after[key])}" for key in change.changed
            )
            where = f"dòng {change.row}" if change.row else "giải thể"
            self.stdout.write(f"  {where} {change.cdcs.code} – {change.cdcs.name}: {parts}")
        self.stdout.write("Tổng cộng tháng (đang lưu → theo tệp):")
        for label, before, after in preview.totals:
            self.stdout.write(f"  {label}: {count(before)} → {count(after)}")
