"""The names of the audit actions reports writes (registered from ReportsConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "demo.seed": gettext_lazy("Dựng dữ liệu mẫu"),
    "api_token.create": gettext_lazy("Cấp khóa truy cập API"),
    "api_token.revoke": gettext_lazy("Thu hồi khóa truy cập API"),
}
