"""Who uses the portal and in which role (members.access reads it)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .org import Organisation


class Role(models.TextChoices):
    PROVINCIAL_STAFF = "provincial_staff", _("Cán bộ Ban Tổ chức LĐLĐ tỉnh")
    FEDERATION_STAFF = "federation_staff", _("Cán bộ công đoàn cấp trên trực tiếp cơ sở")
    LEADERSHIP = "leadership", _("Lãnh đạo, thành viên Ban Chỉ đạo")


class UserProfile(models.Model):
    """What a user does in the portal. Administrators are Django superusers and need no profile."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    federation = models.ForeignKey(
        Organisation,
        verbose_name=_("công đoàn cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Chỉ với cán bộ công đoàn cấp trên: đơn vị mà người này nhập và xem số liệu."),
    )
    followed_federations = models.ManyToManyField(
        Organisation,
        verbose_name=_("đơn vị phụ trách (Ban Chỉ đạo)"),
        blank=True,
        related_name="followers",
        help_text=_("Thành viên Ban Chỉ đạo: các đơn vị được phân công theo dõi, đôn đốc."),
    )

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="federation_staff", federation__isnull=False)
                | (~Q(role="federation_staff") & Q(federation__isnull=True)),
                name="profile_federation_only_for_federation_staff",
                violation_error_message=_(
                    "Cán bộ công đoàn cấp trên phải gắn với đúng một đơn vị; vai trò khác thì không."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def clean(self):
        """Federation staff keep an upper-level union's figures. The province's direct block is
        kept by provincial staff (their role already writes everything), so nobody is bound to it."""
        federation = self.federation if self.federation_id else None
        if federation is not None and federation.kind in (Organisation.Kind.PROVINCE, Organisation.Kind.DIRECT):
            raise ValidationError(
                {
                    "federation": _(
                        "Số liệu của %(org)s do cán bộ Ban Tổ chức LĐLĐ tỉnh nhập và gửi: hãy giao vai trò "
                        "“Cán bộ Ban Tổ chức LĐLĐ tỉnh”, không gắn cán bộ công đoàn cấp trên với đơn vị này."
                    )
                    % {"org": federation.name}
                }
            )
