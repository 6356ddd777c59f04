"""Upper-level unions (công đoàn cấp trên trực tiếp cơ sở) of any kind, with their active dates:
founding one from a month and ending one that has no CĐCS left from a month. Merging one into
another, which moves its CĐCS, is members.services.org.organisation_merge; a reorganisation plan
ends and founds many at once (the reorganisation app)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..access import require_provincial
from ..audit import audit_log
from ..figures.locks import ensure_months_open
from ..figures.summary import summary_refresh
from ..models import Affiliation, GrassrootsUnion, MonthlyReturn, Organisation
from .common import Source

# The kinds a province founds as upper-level unions: not the province, not its direct block
# (made on first use, members.services.org.direct_block).
UPPER_UNION_KINDS = [
    kind for kind in Organisation.Kind if kind not in (Organisation.Kind.PROVINCE, Organisation.Kind.DIRECT)
]
SHOWN_CODES = 5  # CĐCS named in a refusal; the rest are counted


@transaction.atomic
def organisation_found(
    *, code: str, name: str, kind: str, active_from: Month, user, source: str = Source.WEB
) -> Organisation:
    """Found an upper-level union under the province, active from the first day of a month."""
    require_provincial(user)
    code, name = code.strip(), name.strip()
    if kind not in UPPER_UNION_KINDS:
        raise ValidationError({"kind": [_("Hãy chọn loại công đoàn cấp trên.")]})
    taken = Organisation.objects.filter(code__iexact=code).first()
    if taken is not None:
        raise ValidationError(
            {
                "code": [
                    _("Mã %(code)s đã được dùng cho “%(name)s”. Hãy chọn mã khác.") % {"code": code, "name": taken.name}
                ]
            }
        )
    province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
    last = Organisation.objects.aggregate(last=Max("position"))["last"] or 0
    organisation = Organisation(
        code=code,
        name=name,
        kind=kind,
        parent=province,
        position=last + 1,  # after those there are: the direct block (position 0) stays first
        active_from=active_from.first_day,
    )
    organisation.full_clean()
    organisation.save()
    summary_refresh(federation_ids=[organisation.pk])  # its (empty) summary, so that no read has to write one
    audit_log(user, "organisation.found", organisation, source=source, federation=organisation, month=active_from)
    return organisation


def end_refusal(organisation: Organisation, from_month: Month) -> str | None:
    """Why the upper union cannot end from `from_month` (its first month without it), if it cannot:
    only an upper union that has no CĐCS from that month on ends, from a month after it began."""
    name = organisation.name
    if organisation.is_province or organisation.is_direct:
        return _("%(org)s không kết thúc hoạt động: đó là LĐLĐ tỉnh và các CĐCS do LĐLĐ tỉnh trực tiếp quản lý.") % {
            "org": name
        }
    if organisation.merged_into_id:
        return _("%(org)s đã hợp nhất vào %(into)s.") % {"org": name, "into": organisation.merged_into.name}
    if organisation.active_to is not None:
        return _("%(org)s đã kết thúc hoạt động từ tháng %(month)s.") % {
            "org": name,
            "month": Month.of(organisation.active_to) + 1,
        }
    if organisation.active_from is not None and Month.of(organisation.active_from) >= from_month:
        return _("%(org)s hoạt động từ tháng %(start)s: chỉ kết thúc được từ tháng sau đó.") % {
            "org": name,
            "start": Month.of(organisation.active_from),
        }
    staying = _cdcs_from(organisation, from_month)
    if staying:
        codes = ", ".join(staying[:SHOWN_CODES]) + ("…" if len(staying) > SHOWN_CODES else "")
        return _(
            "Từ tháng %(month)s %(org)s vẫn còn %(count)s CĐCS trực thuộc (%(codes)s): hãy chuyển, hợp nhất "
            "hoặc giải thể các CĐCS đó trước, hoặc lập đề án sắp xếp tổ chức."
        ) % {"month": from_month, "org": name, "count": len(staying), "codes": codes}
    return None


def _cdcs_from(organisation: Organisation, month: Month) -> list[str]:
    """The codes of CĐCS under the union in `month` or put under it in a later month. Two queries."""
    now = (
        GrassrootsUnion.objects.active_in(month)
        .with_federation_at(month)
        .filter(federation_at_id=organisation.pk)
        .values_list("code", flat=True)
    )
    later = Affiliation.objects.filter(federation=organisation, valid_from__gt=month.first_day).values_list(
        "cdcs__code", flat=True
    )
    return sorted(set(now) | set(later))


@transaction.atomic
def organisation_end(*, organisation: Organisation, from_month: Month, user, source: str = Source.WEB) -> Organisation:
    """End an upper-level union from a month on (its last day of activity is the day before): the
    reports, the board and the forms no longer list it from that month, its history stays."""
    require_provincial(user)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    refusal = end_refusal(organisation, from_month)
    if refusal:
        raise ValidationError(refusal)
    # Its months from then on disappear from the board: none of them may be approved already.
    later = MonthlyReturn.objects.filter(federation=organisation, month__gte=from_month.first_day)
    ensure_months_open([(organisation.pk, first_day) for first_day in later.values_list("month", flat=True)])
    organisation.active_to = from_month.first_day - timedelta(days=1)
    organisation.full_clean()
    organisation.save(update_fields=["active_to"])
    audit_log(user, "organisation.end", organisation, source=source, federation=organisation, month=from_month)
    return organisation
