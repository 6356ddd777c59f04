"""The names of the audit actions reorganisation writes (registered from ReorganisationConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "province.export": gettext_lazy("Xuất dữ liệu tỉnh (để hợp nhất tỉnh)"),
    "province.import": gettext_lazy("Nhập dữ liệu tỉnh khác làm công đoàn cấp trên"),
}
