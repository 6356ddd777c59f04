"""What the import commands (import_month, import_members, import_enterprises) share: the file,
--dry-run and --user arguments, reading the month, the user to act as and the file (each refusal a
CommandError with the same Vietnamese message), and how a problem of the file is printed."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from unionportal.lib.months import Month


def month_argument(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise CommandError(f"Tháng phải có dạng YYYY-MM, không phải {text!r}.") from None


def user_argument(username: str | None):
    """The user named, or None (the system itself) when none is."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không có người dùng {username!r}.")
    return user


def file_argument(name: str) -> tuple[Path, bytes]:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"Không thấy tệp {name}.")
    return path, path.read_bytes()


def add_import_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="tệp .xlsx")
    parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in bản xem trước, không ghi")
    parser.add_argument("--user", metavar="TÊN_ĐĂNG_NHẬP", help="ghi nhật ký dưới tên người này (quyền của họ)")


def problem_line(problem) -> str:
    """A problem of the file (unionportal.lib.sheets.Problem) on one line:
    sheet · row · cell (column) · CĐCS code: message."""
    column = problem.column
    if problem.cell:
        column = f"{problem.cell} ({column})" if column and column != problem.cell else problem.cell
    parts = (
        problem.sheet,
        f"dòng {problem.row}" if problem.row else "",
        column,
        f"CĐCS {problem.cdcs}" if problem.cdcs else "",
    )
    where = " · ".join(part for part in parts if part)
    return f"  {where}: {problem.message}" if where else f"  {problem.message}"
