"""A checked province file against this portal, before anything is written: the codes it would
bring (with the prefix, if one is given) against the codes here, the members' ID numbers against
the register here, and its programmes against the programmes here."""

import re

from django.utils.translation import gettext as _

from members.models import GrassrootsUnion, Member, Organisation
from members.register.people import mask_id
from targets.models import Programme
from unionportal.lib.text import CODE_MAX_LENGTH, CODE_PATTERN

from .reading import ProvinceFile

LISTED = 500  # codes named in one refusal; the rest are counted
_CODE = re.compile(CODE_PATTERN)


def new_code(code: str, prefix: str) -> str:
    return f"{prefix}{code}"


def _listed(codes: list[str]) -> str:
    shown = ", ".join(codes[:LISTED])
    if len(codes) > LISTED:
        shown += _(" và %(more)s mã khác") % {"more": len(codes) - LISTED}
    return shown


def _codes_problems(kind: str, codes: list[str], existing: set[str], prefix: str) -> tuple[list[str], bool]:
    """What is wrong with the codes once prefixed, and whether some are taken here already."""
    problems = []
    wrong = [new_code(code, prefix) for code in codes if not _CODE.match(new_code(code, prefix))]
    long = [new_code(code, prefix) for code in codes if len(new_code(code, prefix)) > CODE_MAX_LENGTH]
    clashing = [new_code(code, prefix) for code in codes if new_code(code, prefix).upper() in existing]
    if wrong:
        problems.append(
            _(
                "Mã %(kind)s với tiền tố “%(prefix)s” không đúng quy tắc mã (chữ cái không dấu, chữ số, dấu gạch "
                "ngang giữa chúng): %(codes)s"
            )
            % {"kind": kind, "prefix": prefix, "codes": _listed(wrong)}
        )
    if long:
        problems.append(
            _("Mã %(kind)s thêm tiền tố “%(prefix)s” dài quá %(limit)s ký tự: %(codes)s")
            % {"kind": kind, "prefix": prefix, "limit": CODE_MAX_LENGTH, "codes": _listed(long)}
        )
    if clashing:
        problems.append(
            _("%(count)s mã %(kind)s đã có trong cổng thông tin này (kể cả chỉ khác chữ hoa, chữ thường): %(codes)s")
            % {"count": len(clashing), "kind": kind, "codes": _listed(clashing)}
        )
    return problems, bool(clashing)


def _id_number_problems(file: ProvinceFile) -> list[str]:
    numbers = list(file.id_numbers)
    taken = []
    for start in range(0, len(numbers), 1000):
        taken += Member.objects.filter(id_number__in=numbers[start : start + 1000]).values_list("id_number", flat=True)
    if not taken:
        return []
    lines = ", ".join(
        _("dòng %(line)s (%(number)s)") % {"line": file.id_numbers[number], "number": mask_id(number)}
        for number in sorted(taken, key=file.id_numbers.get)[:LISTED]
    )
    return [
        _("%(count)s đoàn viên trong tệp có số CCCD đã có trong sổ đoàn viên của tỉnh này: %(lines)s")
        % {"count": len(taken), "lines": lines}
    ]


def _programme_problems(file: ProvinceFile) -> list[str]:
    problems = []
    here = {
        (programme.document_number, programme.document_date): programme
        for programme in Programme.objects.filter(document_number__in={key[0] for key in file.programmes})
    }
    for quota in file.quotas:
        programme = here.get((quota["programme_number"], quota["programme_date"]))
        if programme is not None and quota["year"] not in programme.years:
            problems.append(
                _(
                    "dòng %(line)s (quotas): năm %(year)s nằm ngoài chương trình %(number)s của cổng thông tin "
                    "này (%(first)s–%(last)s)"
                )
                % {
                    "line": quota["line"],
                    "year": quota["year"],
                    "number": programme.document_number,
                    "first": programme.first_year,
                    "last": programme.last_year,
                }
            )
    return problems


def portal_problems(file: ProvinceFile, *, prefix: str) -> list[str]:
    """What stops the file from going into this portal (empty when nothing does)."""
    if not Organisation.objects.filter(kind=Organisation.Kind.PROVINCE).exists():
        return [_("Cổng thông tin này chưa có LĐLĐ tỉnh để nhận các công đoàn cấp trên.")]
    unions = [code for code, org in file.organisations.items() if org["kind"] != Organisation.Kind.DIRECT]
    existing_unions = {code.upper() for code in Organisation.objects.values_list("code", flat=True)}
    existing_cdcs = {code.upper() for code in GrassrootsUnion.objects.values_list("code", flat=True)}
    problems, unions_taken = _codes_problems(_("công đoàn cấp trên"), unions, existing_unions, prefix)
    more, cdcs_taken = _codes_problems(_("CĐCS"), list(file.cdcs), existing_cdcs, prefix)
    problems += more
    if (unions_taken or cdcs_taken) and not prefix:
        problems.append(_("Nhập lại với --prefix (ví dụ --prefix BK-) để thêm một tiền tố vào mọi mã nhập vào."))
    return problems + _id_number_problems(file) + _programme_problems(file)
