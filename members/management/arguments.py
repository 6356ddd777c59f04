"""What the import commands (import_month, import_members) read from their arguments: the month,
the user to act as, the file. Each refusal is a CommandError with the same Vietnamese message."""

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
