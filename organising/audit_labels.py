"""The names of the audit actions organising writes (registered from OrganisingConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "enterprise.create": gettext_lazy("Thêm doanh nghiệp"),
    "enterprise.update": gettext_lazy("Sửa thông tin doanh nghiệp"),
    "enterprise.contact": gettext_lazy("Ghi lần tiếp xúc"),
    "enterprise.stage": gettext_lazy("Chuyển giai đoạn"),
    "enterprise.found": gettext_lazy("Thành lập CĐCS tại doanh nghiệp"),
    "enterprise.link": gettext_lazy("Gắn với CĐCS đã có"),
    "enterprise.lent_staff": gettext_lazy("Cử cán bộ LĐLĐ tỉnh hỗ trợ doanh nghiệp"),
    "enterprise_list.import": gettext_lazy("Nhập danh sách doanh nghiệp từ tệp Excel"),
    "priority_rule.set": gettext_lazy("Đổi ngưỡng ưu tiên vận động"),
}
