"""The sentence of each kind of notice, made when it is shown (or mailed) from the names the
notice keeps, so that it reads in the language of the page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Officer

TEXTS = {
    "return_approved": gettext_lazy("%(who)s đã duyệt và khóa số liệu tháng %(month)s của %(org)s."),
    "return_sent_back": gettext_lazy(
        "%(who)s đã trả lại báo cáo tháng %(month)s của %(org)s để sửa. Lý do: %(reason)s"
    ),
    "return_unlocked": gettext_lazy("%(who)s đã mở khóa số liệu tháng %(month)s của %(org)s. Lý do: %(reason)s"),
    "cdcs_founded": gettext_lazy("%(cdcs)s được thành lập, trực thuộc %(org)s từ tháng %(month)s."),
    "cdcs_dissolved": gettext_lazy("%(cdcs)s của %(org)s giải thể trong tháng %(month)s. Lý do: %(reason)s"),
    "cdcs_moved_in": gettext_lazy("%(cdcs)s chuyển từ %(other)s về %(org)s từ tháng %(month)s."),
    "cdcs_moved_out": gettext_lazy("%(cdcs)s chuyển từ %(org)s sang %(other)s từ tháng %(month)s."),
    "transfer_request": gettext_lazy(
        "%(from_cdcs)s đề nghị %(to_cdcs)s tiếp nhận một đoàn viên chuyển sinh hoạt đến. Mở để tiếp nhận hoặc từ chối."
    ),
    "return_due": gettext_lazy("Báo cáo tháng %(month)s của %(org)s phải gửi chậm nhất ngày %(due)s; đơn vị chưa gửi."),
    "return_overdue": gettext_lazy("Báo cáo tháng %(month)s của %(org)s đã quá hạn (ngày %(due)s) mà chưa gửi."),
    "meeting": gettext_lazy("Phiên họp Ban Chỉ đạo ngày %(day)s: %(title)s. Báo cáo nhanh đã sẵn sàng để xem."),
    "chair_vacant": gettext_lazy(
        "%(who)s đã ghi Chủ tịch %(cdcs)s (%(org)s) thôi giữ chức vụ từ ngày %(day)s (%(reason)s): "
        "CĐCS chưa có chủ tịch, cần kiện toàn."
    ),
    "term_ending": gettext_lazy(
        "Nhiệm kỳ của %(cdcs)s (%(org)s) kết thúc ngày %(ends)s, còn %(days)s ngày: hãy chuẩn bị đại hội."
    ),
}


class _Names(dict):
    """A name the notice does not keep reads as a dash rather than failing the page."""

    def __missing__(self, key):
        return "–"


# Names a notice keeps as a code of a list, shown by its label.
CHOICES = {"chair_vacant": {"reason": Officer.LeftReason}}


def notice_text(kind: str, data: dict) -> str:
    names = _Names(data)
    for key, choices in CHOICES.get(kind, {}).items():
        if names.get(key) in choices.values:
            names[key] = choices(names[key]).label
    if not names.get("who"):
        names["who"] = _("Hệ thống")
    template = TEXTS.get(kind)
    return str(template) % names if template else kind
