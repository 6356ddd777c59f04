"""The import: a checked province file (reading.py) written into this portal in one transaction.
The exported province's upper-level unions become upper-level unions of this province (their
kind, dates and history kept), its direct block's CĐCS join this province's direct block, its own
quotas stay out (said in a note). Before it commits, this portal's month-end totals must be
its totals before plus the file's, month by month; else nothing is written."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from members.audit import audit_log
from members.figures.summary import summary_refresh
from members.models import AuditEntry, Organisation
from members.services.org import direct_block
from targets.models import Programme, Quota
from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from ..models import ProvinceImport
from .clashes import new_code, portal_problems
from .fileformat import file_sha256
from .reading import ProvinceFile, ProvinceRefused, province_file_header, province_file_read
from .streaming import RecordWriter
from .totals import Stock, portal_totals


@dataclass
class Imported:
    file: ProvinceFile
    earlier: ProvinceImport | None = None  # the file was imported already: nothing was done
    record: ProvinceImport | None = None
    written: dict[str, int] = field(default_factory=dict)
    before: dict[Month, Stock] = field(default_factory=dict)
    after: dict[Month, Stock] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False


def province_import(*, path: Path, prefix: str = "", user=None, dry_run: bool = False) -> Imported:
    """Import the province file at `path` as upper-level unions of this portal's province, every
    code prefixed with `prefix`. Raises ProvinceRefused (nothing written) when the file or this
    portal says no; returns with `earlier` set, having done nothing, when it was imported before.
    With `dry_run`, everything is written, checked and rolled back."""
    earlier = ProvinceImport.objects.filter(sha256=file_sha256(path)).first()
    if earlier is not None:  # the very same file: said without reading it through
        return Imported(file=province_file_header(path), earlier=earlier)
    file = province_file_read(path)
    if file.problems:
        raise ProvinceRefused([str(problem) for problem in file.problems], more=file.problems_more)
    earlier = ProvinceImport.objects.filter(Q(sha256=file.sha256) | Q(content_sha256=file.content_sha256)).first()
    if earlier is not None:
        return Imported(file=file, earlier=earlier)
    problems = portal_problems(file, prefix=prefix)
    if problems:
        raise ProvinceRefused(problems)
    try:
        with transaction.atomic():
            imported = _import(file, prefix=prefix, user=user)
            imported.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:  # a rule of the database the checks above did not foresee
        raise ProvinceRefused([_("Cơ sở dữ liệu từ chối một bản ghi của tệp: %(error)s") % {"error": error}]) from None
    return imported


def _import(file: ProvinceFile, *, prefix: str, user) -> Imported:
    imported = Imported(file=file)
    if file.first:
        imported.before = portal_totals(file.first, file.last)
    tree = _Tree(file, prefix=prefix)
    writer = RecordWriter(file, tree.organisations, prefix=prefix)
    imported.written = {
        "organisations": len(tree.created),
        **tree.programmes_and_quotas(imported.notes),
        **writer.write(),
    }
    imported.notes += writer.notes
    summary_refresh(federation_ids=[org.pk for org in tree.created] + ([tree.direct.pk] if tree.direct else []))
    if file.first:
        imported.after = portal_totals(file.first, file.last)
        _check_totals(imported)
    imported.record = ProvinceImport.objects.create(
        sha256=file.sha256,
        content_sha256=file.content_sha256,
        source_code=file.source_code,
        source_name=file.source_name,
        exported_at=file.header["exported_at"],
        file_name=file.path.name[:255],
        prefix=prefix,
        counts=imported.written,
        imported_by=user if user is not None and user.is_authenticated else None,
    )
    audit_log(
        user,
        "province.import",
        imported.record,
        source=AuditEntry.Source.COMMAND,
        province=file.source_code,
        prefix=prefix,
        codes=[org.code for org in tree.created],
        **imported.written,
    )
    return imported


def _check_totals(imported: Imported) -> None:
    wrong = [
        _(
            "cuối tháng %(month)s: trước %(before)s + tệp %(file)s ≠ sau %(after)s đoàn viên; "
            "CĐCS: %(before_unions)s + %(file_unions)s ≠ %(after_unions)s"
        )
        % {
            "month": month,
            "before": count(imported.before[month].members),
            "file": count(stock.members),
            "after": count(imported.after[month].members),
            "before_unions": count(imported.before[month].unions),
            "file_unions": count(stock.unions),
            "after_unions": count(imported.after[month].unions),
        }
        for month, stock in imported.file.totals.items()
        if imported.before[month] + stock != imported.after[month]
    ]
    if wrong:
        raise ProvinceRefused([_("Số sau khi nhập không bằng số trước cộng số của tệp; không ghi gì."), *wrong])


class _Tree:
    """The file's organisations made here: its upper-level unions under this province (each code
    prefixed), its direct block as this province's direct block; then its programmes and quotas."""

    def __init__(self, file: ProvinceFile, *, prefix: str):
        self.file, self.prefix = file, prefix
        self.province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
        self.direct = None
        if file.direct_code:  # active from the first month either province had a CĐCS in it
            since = [day for day in (file.organisations[file.direct_code]["active_from"], file.direct_since) if day]
            self.direct = direct_block(create=True, month=Month.of(min(since)) if since else None)
        self.organisations: dict[str, Organisation] = {}
        self.created: list[Organisation] = []
        self.code_in_file: dict[int, str] = {}
        if self.direct is not None:
            self.organisations[file.direct_code] = self.direct
        after = (Organisation.objects.aggregate(last=Max("position"))["last"] or 0) + 1
        waiting = sorted(
            (org for org in file.organisations.values() if org["kind"] != Organisation.Kind.DIRECT),
            key=lambda org: (org["position"], org["line"]),
        )
        while waiting:  # parents first: an organisation waits until the one it stands under is made
            ready = [org for org in waiting if org["parent"] == file.source_code or org["parent"] in self.organisations]
            if not ready:
                raise ProvinceRefused([_("Các tổ chức trong tệp trực thuộc lẫn nhau thành vòng.")])
            for org in ready:
                self._create(org, position=min(after + org["position"], 32_767))
            waiting = [org for org in waiting if org["code"] not in self.organisations]
        for org in self.created:
            merged_into = file.organisations[self.code_in_file[org.pk]]["merged_into"]
            if merged_into:
                org.merged_into = self.organisations[merged_into]
                org.save(update_fields=["merged_into"])

    def _create(self, values: dict, *, position: int) -> None:
        parent = self.province if values["parent"] == self.file.source_code else self.organisations[values["parent"]]
        org = Organisation(
            code=new_code(values["code"], self.prefix),
            name=values["name"],
            kind=values["kind"],
            position=position,
            parent=parent,
            active_from=values["active_from"],
            active_to=values["active_to"],
        )
        org.full_clean()
        org.save()
        self.organisations[values["code"]] = org
        self.created.append(org)
        self.code_in_file[org.pk] = values["code"]

    def programmes_and_quotas(self, notes: list[str]) -> dict[str, int]:
        programmes, created = {}, 0
        for key, values in self.file.programmes.items():
            programme = Programme.objects.filter(document_number=key[0], document_date=key[1]).first()
            if programme is None:
                programme = Programme.objects.create(**{name: values[name] for name in _PROGRAMME_FIELDS})
                created += 1
            programmes[key] = programme
        own, quotas = defaultdict(list), 0
        for values in self.file.quotas:
            programme = programmes[(values["programme_number"], values["programme_date"])]
            if values["organisation"] == self.file.source_code:
                own[programme].append(values)
                continue
            organisation = self.organisations[values["organisation"]]
            quota, _created = Quota.objects.get_or_create(
                programme=programme, organisation=organisation, year=values["year"]
            )
            for name in _QUOTA_FIELDS:  # created, or added to what this province's direct block has
                setattr(quota, name, getattr(quota, name) + values[name])
            quota.save()
            quotas += 1
        notes += [self._own_quota_note(programme, rows) for programme, rows in own.items()]
        return {"programmes": created, "quotas": quotas}

    def _own_quota_note(self, programme: Programme, rows: list[dict]) -> str:
        years = "; ".join(
            _("%(year)s: %(members)s đoàn viên, %(unions)s CĐCS")
            % {"year": row["year"], "members": count(row["new_members"]), "unions": count(row["new_unions"])}
            for row in sorted(rows, key=lambda row: row["year"])
        )
        return _(
            "Chỉ tiêu của %(province)s theo chương trình %(programme)s không được nhập (chỉ tiêu của tỉnh do "
            "Tổng Liên đoàn giao cho tỉnh nhận): %(years)s."
        ) % {"province": self.file.source_name, "programme": programme.document_number, "years": years}


_PROGRAMME_FIELDS = ("name", "document_number", "document_date", "first_year", "last_year")
_QUOTA_FIELDS = ("new_members", "new_unions", "trained_officers")
