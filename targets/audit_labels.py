"""The names of the audit actions targets writes (registered from TargetsConfig.ready())."""

from django.utils.translation import gettext_lazy

LABELS = {
    "quota.set": gettext_lazy("Giao chỉ tiêu"),
    "programme.create": gettext_lazy("Tạo chương trình"),
    "programme.copy": gettext_lazy("Sao chép chương trình"),
}
