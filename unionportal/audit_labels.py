"""The names of the audit actions the project's own commands write (registered from
UnionportalConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "database.restore": gettext_lazy("Khôi phục cơ sở dữ liệu từ bản sao lưu"),
    "database.backup": gettext_lazy("Sao lưu cơ sở dữ liệu"),
    "database.backup_download": gettext_lazy("Tải tệp sao lưu cơ sở dữ liệu"),
}
