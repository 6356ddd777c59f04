"""The names of the audit actions the plan's pages write (registered from ReorganisationConfig.ready()
beside audit_labels.py, the services' own): a plan's Excel list confirmed, a draft deleted."""

from django.utils.translation import gettext_lazy

LABELS = {
    "reorganisation.upload": gettext_lazy("Lập đề án sắp xếp tổ chức từ tệp Excel"),
    "reorganisation.delete": gettext_lazy("Xóa dự thảo đề án sắp xếp tổ chức"),
}
