"""Audit entries and return statuses in words: who, which action, what changed."""

from datetime import date

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.formatting import count

from .. import audit
from ..access import can_read_people
from ..figures.grid import column_label
from ..models import MonthlyFigure, Officer, Post, Term
from ..services.common import display_name, short_day

register = template.Library()

# Labels of the keys of AuditEntry.data other than "changes"; unknown keys show as they are.
DATA_KEYS = {
    "reason": gettext_lazy("Lý do"),
    "from_federation": gettext_lazy("Từ đơn vị"),
    "to_federation": gettext_lazy("Sang đơn vị"),
    "into": gettext_lazy("Hợp nhất vào"),
    "cdcs_moved": gettext_lazy("Số CĐCS chuyển theo"),
    "before": gettext_lazy("Trước khi sửa"),
    "after": gettext_lazy("Sau khi sửa"),
    "absorbed": gettext_lazy("CĐCS được hợp nhất"),
    "members": gettext_lazy("Số đoàn viên chuyển theo"),
    "warnings": gettext_lazy("Cảnh báo đã kiểm tra"),
    "copied_from": gettext_lazy("Sao chép từ"),
    "organisations": gettext_lazy("Số đơn vị"),
    "quotas": gettext_lazy("Số chỉ tiêu"),
    "with_values": gettext_lazy("Sao chép cả số giao"),
    "file": gettext_lazy("Tệp"),
    "rows": gettext_lazy("Số dòng thay đổi"),
    "founded": gettext_lazy("CĐCS thành lập"),
    "dissolved": gettext_lazy("CĐCS giải thể"),
    "fields": gettext_lazy("Thông tin đã ghi"),
    "id_number": gettext_lazy("Số CCCD (che)"),
    "changed": gettext_lazy("Thông tin đã sửa"),
    "transfer": gettext_lazy("Đề nghị chuyển số"),
    "from_cdcs": gettext_lazy("Từ CĐCS"),
    "to_cdcs": gettext_lazy("Đến CĐCS"),
    "admitted": gettext_lazy("Số kết nạp mới"),
    "opening": gettext_lazy("Số ghi sổ (đã là đoàn viên)"),
    "transferred_in": gettext_lazy("Số chuyển đến khi thành lập CĐCS"),
    "readmitted": gettext_lazy("Số kết nạp lại"),
    "updated": gettext_lazy("Số hồ sơ cập nhật"),
    "exported": gettext_lazy("Số đoàn viên xuất ra"),
    "upload": gettext_lazy("Lần tải lên số"),
    "checked": gettext_lazy("Số CCCD tra cứu"),
    "found_elsewhere": gettext_lazy("Số trả lời “là đoàn viên ở đơn vị khác”"),
    "refused": gettext_lazy("Từ chối vì vượt giới hạn trong ngày"),
    "found": gettext_lazy("Số đoàn viên tìm thấy"),
    "duplicate_of": gettext_lazy("Trùng số CCCD với"),
    "unchecked_warnings": gettext_lazy("Số CĐCS còn cảnh báo chưa kiểm tra khi duyệt"),
    "cdcs": gettext_lazy("CĐCS"),
    "post": gettext_lazy("Chức vụ"),
    "how": gettext_lazy("Hình thức"),
    "kind": gettext_lazy("Mở nhiệm kỳ bằng"),
    "on": gettext_lazy("Ngày"),
    "from_on": gettext_lazy("Từ ngày"),
    "starts_on": gettext_lazy("Nhiệm kỳ từ"),
    "ends_on": gettext_lazy("Nhiệm kỳ đến"),
    "vacant": gettext_lazy("Chức vụ để trống"),
    "officers": gettext_lazy("Số cán bộ"),
    "terms": gettext_lazy("Số nhiệm kỳ mới"),
    "created": gettext_lazy("Số cán bộ thêm mới"),
    # reorganisation plans (đề án sắp xếp tổ chức)
    "name": gettext_lazy("Tên"),
    "endings": gettext_lazy("Số đơn vị kết thúc"),
    "lines": gettext_lazy("Số CĐCS trong đề án"),
    "new_unions": gettext_lazy("Số đơn vị thành lập"),
    "new_cdcs": gettext_lazy("Số CĐCS thành lập"),
    "unions_ended": gettext_lazy("Đơn vị kết thúc"),
    "unions_founded": gettext_lazy("Đơn vị thành lập"),
    "cdcs_founded": gettext_lazy("CĐCS thành lập"),
    "moved": gettext_lazy("CĐCS chuyển công đoàn cấp trên"),
    "to_province": gettext_lazy("CĐCS chuyển về LĐLĐ tỉnh"),
    "merged": gettext_lazy("CĐCS hợp nhất"),
    "ended": gettext_lazy("CĐCS kết thúc hoạt động"),
    "members_transferred": gettext_lazy("Đoàn viên chuyển theo đề án"),
    "unions_removed": gettext_lazy("Đơn vị thành lập đã bỏ"),
    "cdcs_removed": gettext_lazy("CĐCS thành lập đã bỏ"),
    "plan": gettext_lazy("Đề án số"),
    "line_action": gettext_lazy("Hình thức"),
    "union": gettext_lazy("Đến công đoàn cấp trên"),
    "target": gettext_lazy("CĐCS nhận đoàn viên"),
}
# Values stored as codes, in words (the officers' actions: members.officers.services).
VALUE_LABELS = {
    "post": dict(Post.choices),
    "how": dict(Officer.How.choices),
    "kind": dict(Term.Kind.choices),
    "officer.reason": dict(Officer.LeftReason.choices),
}
DAY_KEYS = {"on", "from_on", "starts_on", "ends_on"}
# Keys kept for machines, not people.
HIDDEN_KEYS = {"changes", "copied_from_id"}

STATUS_BADGES = {
    "empty": "text-bg-light border",
    "draft": "text-bg-warning",
    "sent_back": "text-bg-danger",
    "resubmit": "text-bg-danger",
    "submitted": "text-bg-primary",
    "approved": "text-bg-success",
}
TIMELINESS_BADGES = {
    "on_time": "text-bg-success",
    "late": "text-bg-warning",
    "missing": "text-bg-danger",
    "not_due": "text-bg-light border",
}


@register.filter
def action_label(code: str) -> str:
    """The action in words, as the app that writes it registered it (members.audit)."""
    return audit.action_label(code)


@register.filter
def who(user) -> str:
    return display_name(user)


@register.filter
def entry_user(entry) -> str:
    """The person behind an entry; the stored username when the account was deleted since."""
    if entry.user is not None:
        return who(entry.user)
    return entry.username or _("hệ thống")


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, int | float):
        return count(value)
    if isinstance(value, list | tuple):
        return " / ".join(_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_value(item)}" for key, item in value.items())
    return str(value)


def _field_label(field: str) -> str:
    try:
        return str(MonthlyFigure._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


# Figures in the order of the grid's columns (the database may keep JSON keys in another order).
_FIELD_ORDER = {field.name: index for index, field in enumerate(MonthlyFigure._meta.fields)}
_KEY_ORDER = {key: index for index, key in enumerate(DATA_KEYS)}


# What an entry may say that names people (a file's name is often a person's list): shown only
# to those who may read member records (members.access.can_read_people).
NAMING_KEYS = {"file"}


@register.filter
def audit_details(entry, viewer=None) -> list[str]:
    """The entry's data as lines: "Kết nạp mới: 3 → 5" for each changed figure, "Lý do: …" for the
    rest. With the `viewer` (entry|audit_details:request.user), what names people is left out for a
    role that reads no member records."""
    data = entry.data if isinstance(entry.data, dict) else {}
    if viewer is not None and not (hasattr(viewer, "is_authenticated") and can_read_people(viewer)):
        data = {key: value for key, value in data.items() if key not in NAMING_KEYS}
    lines = []
    changes = data.get("changes") or {}
    for field in sorted(changes, key=lambda f: (_FIELD_ORDER.get(f, len(_FIELD_ORDER)), f)):
        change = changes[field]
        before, after = change if isinstance(change, list | tuple) and len(change) == 2 else (None, change)
        label = _field_label(field)
        lines.append(f"{label[:1].upper()}{label[1:]}: {_value(before)} → {_value(after)}")
    for key in sorted(data, key=lambda k: (_KEY_ORDER.get(k, len(_KEY_ORDER)), k)):
        if key == "warnings" and isinstance(data[key], list):
            lines.append(f"{DATA_KEYS[key]}: {'; '.join(_warning(code) for code in data[key])}")
        elif key not in HIDDEN_KEYS:
            lines.append(f"{DATA_KEYS.get(key, key)}: {_coded(entry.action, key, data[key])}")
    return lines


def _coded(action: str, key: str, value) -> str:
    """A value as people read it: a code in words, an ISO day as dd/mm/yyyy."""
    labels = VALUE_LABELS.get(key) or (VALUE_LABELS.get(f"officer.{key}") if action.startswith("officer") else None)
    if labels and isinstance(value, str) and value in labels:
        return str(labels[value])
    if key in DAY_KEYS and isinstance(value, str):
        try:
            return short_day(date.fromisoformat(value))
        except ValueError:
            pass
    return _value(value)


def _warning(code: str) -> str:
    from ..figures.grid import WARNINGS  # late: the entry grid is a large module that pages without warnings never need

    return str(WARNINGS.get(code, code))


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def timeliness_badge(value: str) -> str:
    return TIMELINESS_BADGES.get(value, "text-bg-secondary")


@register.filter
def upload_changes(change) -> list[dict]:
    """A previewed row's changed figures as label, saved value (None: nothing saved) and new value."""
    return [
        {
            "label": column_label(key),
            "before": change.before[key] if change.before else None,
            "after": change.after[key],
        }
        for key in change.changed
        if change.before or change.after[key] or key == "members_end"  # a new row: its figures that are not 0
    ]
