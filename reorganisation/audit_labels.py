"""The names of the audit actions the reorganisation app writes (registered from ReorganisationConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "reorganisation.draft": gettext_lazy("Lập dự thảo đề án sắp xếp tổ chức"),
    "reorganisation.apply": gettext_lazy("Áp dụng đề án sắp xếp tổ chức"),
    "reorganisation.cdcs": gettext_lazy("Sắp xếp CĐCS theo đề án"),
    "reorganisation.undo": gettext_lazy("Hoàn tác đề án sắp xếp tổ chức"),
    "province.export": gettext_lazy("Xuất dữ liệu tỉnh (để hợp nhất tỉnh)"),
    "province.import": gettext_lazy("Nhập dữ liệu tỉnh khác làm công đoàn cấp trên"),
}
