"""API tokens: made by provincial staff (the admin, or `manage.py api_token create --by NAME`), kept
as a SHA-256 only, shown once, and revoked rather than deleted so that the audit trail keeps them.
The admin and the command call these functions; both name the person who acts, whom the audit
trail records: a token is never made or revoked by nobody."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import require_provincial
from members.audit import audit_log
from members.models import AuditEntry

from .models import ApiToken

KEY_PREFIX = "up_"  # so that a key pasted into a chat or a repository is recognisable


def _require_person(user) -> None:
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Mã truy cập API phải do một cán bộ Ban Tổ chức có tên tạo hoặc thu hồi."))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str = "", created_by, source: str = AuditEntry.Source.WEB) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the key, which is not kept and cannot be shown again."""
    _require_person(created_by)
    require_provincial(created_by)
    if not user.is_active:
        raise ValidationError(_("Tài khoản %(user)s đã bị khóa.") % {"user": user.get_username()})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=key[:12], key_hash=_hash(key), created_by=created_by
    )
    audit_log(created_by, "api_token.create", token, source=source, for_user=user.get_username())
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by, source: str = AuditEntry.Source.WEB) -> ApiToken:
    _require_person(revoked_by)
    require_provincial(revoked_by)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(revoked_by, "api_token.revoke", token, source=source, for_user=token.user.get_username())
    return token


def api_token_user(key: str):
    """The user a key acts as, or None for an unknown, revoked or inactive user's key. Records
    when the token was last used."""
    token = (
        ApiToken.objects.select_related("user", "user__profile")
        .filter(key_hash=_hash(key.strip()), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
