from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from desk import views as desk

from . import backup_views, health

admin.site.site_header = _("UnionPortal – quản trị")
admin.site.site_title = _("UnionPortal")
admin.site.index_title = _("Quản trị dữ liệu")

urlpatterns = [
    path("", desk.home, name="home"),  # each role's own page
    path("health/", health.health, name="health"),  # for the load balancer, no login (issue 9)
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("reports.urls")),
    path("", include("members.urls")),
    path("desk/", include("desk.urls")),  # after members.urls, which registers the month converter
    path("quotas/", include("targets.urls")),
    path("organising/", include("organising.urls")),
    path("ratings/", include("ratings.urls")),
    path("training/", include("training.urls")),
    path("reorganisation/", include("reorganisation.urls")),
    path("notices/", include("notices.urls")),
    path("jobs/", include("jobs.urls")),
    path("backups/", backup_views.backups, name="backups"),  # administrators: a backup as a job (issue 22)
    path("backups/<int:pk>/file/", backup_views.backup_file, name="backup_file"),
    path("admin/", admin.site.urls),
]

handler500 = "unionportal.middleware.server_error"  # 503 page when the database is down (issue 9)
