from django.core.management.base import BaseCommand, CommandError

from members.management.arguments import add_import_arguments, file_argument, problem_line, user_argument
from members.models import AuditEntry
from organising.imports import ListPreview, ListRefused, list_import, list_preview, list_read


class Command(BaseCommand):
    help = (
        "Nhập danh sách doanh nghiệp từ tệp Excel (mẫu của cổng thông tin, hoặc danh sách của cơ quan thuế, thống "
        "kê có cột Mã số thuế): kiểm tra toàn bộ, in bản xem trước và các lỗi, rồi ghi tất cả hoặc không ghi gì. "
        "Doanh nghiệp đã có (cùng mã số thuế) được cập nhật, không thêm trùng."
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)

    def handle(self, *args, file, dry_run, user, **options):
        person = user_argument(user)
        path, data = file_argument(file)
        read = list_read(data)
        preview = list_preview(read, user=person)
        self._print(preview)
        if preview.problems:
            raise CommandError(f"Không nhập: {len(preview.problems)} lỗi. Chưa ghi gì.")
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
            return
        try:
            list_import(
                read=read, user=person, plan=preview.plan, source=AuditEntry.Source.COMMAND, file_name=path.name
            )
        except ListRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem_line(problem))
            raise CommandError("Không nhập: chưa ghi gì.") from None
        self.stdout.write(f"Đã nhập: {len(preview.created)} doanh nghiệp mới, {len(preview.updated)} cập nhật.")

    def _print(self, preview: ListPreview) -> None:
        for problem in preview.problems:
            self.stderr.write(problem_line(problem))
        if not preview.problems:
            self.stdout.write(
                f"Mới: {len(preview.created)}; cập nhật: {len(preview.updated)}; không đổi: {len(preview.unchanged)}."
            )
