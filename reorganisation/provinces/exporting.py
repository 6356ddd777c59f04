"""The export: this portal's whole history in one province file (fileformat.py), read in one
snapshot and written as it is read, a few thousand rows at a time."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit_log
from members.models import (
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    Member,
    MemberEvent,
    MemberTransfer,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
)
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .fields import dump_record
from .fileformat import FORMAT, REGISTER_SECTIONS, SECTIONS, VERSION, ProvinceFileError, ProvinceFileWriter
from .totals import StockTotals, totals_record

CHUNK = 2_000


@dataclass
class Exported:
    path: Path
    province: Organisation
    counts: dict[str, int]
    first: Month | None
    last: Month | None
    personal_data: bool


class _Codes:
    """This portal's ids as the file names them: organisations and CĐCS by code, programmes by
    their document number and date."""

    def __init__(self):
        self.org = dict(Organisation.objects.values_list("pk", "code"))
        self.cdcs = dict(GrassrootsUnion.objects.values_list("pk", "code"))
        self.programme = {
            pk: (number, day)
            for pk, number, day in Programme.objects.values_list("pk", "document_number", "document_date")
        }


def _records(codes: _Codes, section: str) -> Iterator[dict]:
    yield from getattr(_Sections(codes), section)()


class _Sections:
    """Each section's records, streamed from the database."""

    def __init__(self, codes: _Codes):
        self.codes = codes

    def organisations(self):
        for values in Organisation.objects.exclude(kind=Organisation.Kind.PROVINCE).order_by("pk").values():
            values["parent"] = self.codes.org[values["parent_id"]]
            values["merged_into"] = self.codes.org.get(values["merged_into_id"])
            yield dump_record("organisations", values)

    def programmes(self):
        for values in Programme.objects.order_by("first_year", "pk").values():
            yield dump_record("programmes", values)

    def quotas(self):
        for values in Quota.objects.order_by("programme_id", "organisation_id", "year").values():
            values["programme_number"], values["programme_date"] = self.codes.programme[values["programme_id"]]
            values["organisation"] = self.codes.org[values["organisation_id"]]
            yield dump_record("quotas", values)

    def cdcs(self):
        for values in GrassrootsUnion.objects.order_by("pk").values().iterator(chunk_size=CHUNK):
            values["merged_into"] = self.codes.cdcs.get(values["merged_into_id"])
            yield dump_record("cdcs", values)

    def affiliations(self):
        rows = Affiliation.objects.order_by("cdcs_id", "valid_from").values_list(
            "cdcs_id", "federation_id", "valid_from"
        )
        for cdcs_id, federation_id, valid_from in rows.iterator(chunk_size=CHUNK):
            yield dump_record(
                "affiliations",
                {
                    "cdcs": self.codes.cdcs[cdcs_id],
                    "federation": self.codes.org[federation_id],
                    "valid_from": valid_from,
                },
            )

    def figures(self):
        # Grouped by CĐCS, each in month order: the import checks the continuity as it reads.
        for values in MonthlyFigure.objects.order_by("cdcs_id", "month").values().iterator(chunk_size=CHUNK):
            values["cdcs"] = self.codes.cdcs[values["cdcs_id"]]
            values["federation"] = self.codes.org[values["federation_id"]]
            yield dump_record("figures", values)

    def returns(self):
        for values in MonthlyReturn.objects.order_by("federation_id", "month").values().iterator(chunk_size=CHUNK):
            values["federation"] = self.codes.org[values["federation_id"]]
            yield dump_record("returns", values)

    def members(self):
        for values in Member.objects.order_by("pk").values().iterator(chunk_size=CHUNK):
            values["cdcs"] = self.codes.cdcs[values["cdcs_id"]]
            yield dump_record("members", values)

    def transfers(self):
        for values in MemberTransfer.objects.order_by("pk").values().iterator(chunk_size=CHUNK):
            values["member"] = values["member_id"]
            values["from_cdcs"] = self.codes.cdcs[values["from_cdcs_id"]]
            values["to_cdcs"] = self.codes.cdcs[values["to_cdcs_id"]]
            yield dump_record("transfers", values)

    def events(self):
        for values in MemberEvent.objects.order_by("member_id", "on", "pk").values().iterator(chunk_size=CHUNK):
            values["member"], values["transfer"] = values["member_id"], values["transfer_id"]
            values["cdcs"] = self.codes.cdcs[values["cdcs_id"]]
            yield dump_record("events", values)


_QUERYSETS = {
    "organisations": lambda: Organisation.objects.exclude(kind=Organisation.Kind.PROVINCE),
    "programmes": Programme.objects.all,
    "quotas": Quota.objects.all,
    "cdcs": GrassrootsUnion.objects.all,
    "affiliations": Affiliation.objects.all,
    "figures": MonthlyFigure.objects.all,
    "returns": MonthlyReturn.objects.all,
    "members": Member.objects.all,
    "transfers": MemberTransfer.objects.all,
    "events": MemberEvent.objects.all,
}


def export_totals(first: Month, last: Month) -> StockTotals:
    """Members and CĐCS at the end of each month first..last, counted from the rows as the file
    holds them (totals.StockTotals), in two streamed reads."""
    totals = StockTotals(first, last)
    affiliated = {
        cdcs_id: Month.of(day)
        for cdcs_id, day in Affiliation.objects.values("cdcs_id")
        .annotate(first=Min("valid_from"))
        .values_list("cdcs_id", "first")
    }
    unions = {
        pk: (Month.of(founded), Month.of(dissolved) if dissolved else None)
        for pk, founded, dissolved in GrassrootsUnion.objects.values_list("pk", "founded_on", "dissolved_on")
    }
    rows = MonthlyFigure.objects.order_by("cdcs_id", "month").values_list(
        "cdcs_id", "month", "members_start", "members_end"
    )
    current, group = None, []
    for cdcs_id, month, start, end in [*rows.iterator(chunk_size=CHUNK), (None, None, 0, 0)]:
        if cdcs_id != current and current is not None:
            founded, dissolved = unions.pop(current)
            totals.add(founded=founded, dissolved=dissolved, affiliated=affiliated.get(current), rows=group)
            group = []
        current = cdcs_id
        if month is not None:
            group.append((Month.of(month), start, end))
    for pk, (founded, dissolved) in unions.items():  # CĐCS without a row
        totals.add(founded=founded, dissolved=dissolved, affiliated=affiliated.get(pk), rows=[])
    return totals


def _snapshot(outer: bool) -> None:
    """Every read of the export sees the database at one moment (SQLite's transaction does so
    already; inside a caller's transaction, the caller chose)."""
    if outer and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def province_export(*, path: Path, register: bool = True, user=None) -> Exported:
    """Write this portal's province to `path`: its upper-level unions and direct block, CĐCS,
    affiliations, monthly figures and returns, programmes and quotas, and, with `register`, the
    member register (personal data). Audited."""
    province = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE).first()
    if province is None:
        raise ProvinceFileError(_("Cổng thông tin này chưa có LĐLĐ tỉnh: không có gì để xuất."))
    path = Path(path)
    if not path.parent.is_dir():
        raise ProvinceFileError(_("Không có thư mục %(folder)s để ghi tệp.") % {"folder": path.parent})
    outer = not connection.in_atomic_block
    with transaction.atomic():
        _snapshot(outer)
        sections = [name for name in SECTIONS if register or name not in REGISTER_SECTIONS]
        counts = {name: (_QUERYSETS[name]().count() if name in sections else 0) for name in SECTIONS}
        span = MonthlyFigure.objects.aggregate(first=Min("month"), last=Max("month"))
        first, last = (Month.of(span["first"]), Month.of(span["last"])) if span["first"] else (None, None)
        totals = export_totals(first, last).totals() if first else {}
        header = {
            "format": FORMAT,
            "version": VERSION,
            "province": {"code": province.code, "name": province.name},
            "exported_at": timezone.now().isoformat(),
            "personal_data": register and counts["members"] > 0,
            "months": {"first": first.iso if first else None, "last": last.iso if last else None},
            "counts": counts,
            "totals": totals_record(totals),
        }
        codes = _Codes()
        with ProvinceFileWriter(path) as writer:
            writer.header(header)
            for name in SECTIONS:
                written = writer.section(name, _records(codes, name) if name in sections else [])
                if written != counts[name]:
                    raise ProvinceFileError(_("Dữ liệu thay đổi trong lúc xuất: hãy chạy lại lệnh."))
    audit_log(
        user,
        "province.export",
        province,
        source=AuditEntry.Source.COMMAND,
        file=path.name,
        personal_data=header["personal_data"],
        **counts,
    )
    return Exported(
        path=path, province=province, counts=counts, first=first, last=last, personal_data=header["personal_data"]
    )
