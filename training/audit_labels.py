"""The names of the audit actions training writes (registered from TrainingConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "course.create": gettext_lazy("Thêm lớp đào tạo"),
    "course.update": gettext_lazy("Sửa lớp đào tạo"),
    "course.delete": gettext_lazy("Xóa lớp đào tạo"),
    "course.officers": gettext_lazy("Ghi tên cán bộ dự lớp đào tạo"),
}
