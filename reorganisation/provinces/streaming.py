"""The import's second reading of the file: its CĐCS, affiliations, monthly rows and returns and its
member register written here a batch at a time (unionportal.lib.bulk), each record pointing at
what was made here for what it refers to in the file."""

from django.db.models import Model
from django.utils.translation import gettext as _

from members.models import (
    Affiliation,
    GrassrootsUnion,
    Member,
    MemberEvent,
    MemberTransfer,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
)
from members.register.people import card_key, search_key
from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.months import Month

from .clashes import new_code
from .fields import SECTION_FIELDS, load_record
from .fileformat import ProvinceFileReader
from .reading import ProvinceFile, ProvinceRefused

BATCH = 2_000
WRITTEN = ("cdcs", "affiliations", "figures", "returns", "members", "transfers", "events")
# The moments the portal stamps itself on a new row (auto_now): put back as the file gives them.
STAMPED = {"figures": "updated_at", "members": "created_at", "transfers": "requested_at", "events": "recorded_at"}
# Whose new ids later records need: a member's for their events, a transfer's for its events.
KEYED = {"cdcs", "members", "transfers"}
_REFERENCES = {"cdcs", "federation", "member", "from_cdcs", "to_cdcs", "transfer", "merged_into", "id"}


def _own(section: str, values: dict) -> dict:
    """The values that go into the model's fields as they are (not the references)."""
    return {name: values[name] for name in SECTION_FIELDS[section] if name not in _REFERENCES}


class RecordWriter:
    def __init__(self, file: ProvinceFile, organisations: dict[str, Organisation], *, prefix: str):
        self.file, self.organisations, self.prefix = file, organisations, prefix
        self.ids: dict[str, dict] = {section: {} for section in KEYED}  # the file's key → the id here
        self.merged: list[tuple[str, str]] = []
        self.written = dict.fromkeys(WRITTEN, 0)
        self.notes: list[str] = []
        direct = organisations.get(file.direct_code) if file.direct_code else None
        self.direct = direct
        self.kept_months: set = set()
        self.direct_months = (
            set(MonthlyReturn.objects.filter(federation=direct).values_list("month", flat=True)) if direct else set()
        )

    def write(self) -> dict[str, int]:
        reader = ProvinceFileReader(self.file.path)
        batch, current = [], None
        for section, _line, record in reader.records():
            if section not in WRITTEN:
                continue
            if section != current:
                self._flush(current, batch)
                batch, current = [], section
            values, _problems = load_record(section, record)
            item = getattr(self, f"_{section}")(values)
            if item is not None:
                batch.append(item)
            if len(batch) >= BATCH:
                self._flush(current, batch)
                batch = []
        self._flush(current, batch)
        self._merged()
        if reader.content_sha256 != self.file.content_sha256:
            raise ProvinceRefused([_("Tệp đã thay đổi trong lúc nhập; không ghi gì.")])
        if self.kept_months:
            months = ", ".join(str(Month.of(month)) for month in sorted(self.kept_months))
            self.notes.append(
                _(
                    "Báo cáo tháng của khối CĐCS trực thuộc LĐLĐ tỉnh các tháng %(months)s giữ nguyên trạng thái đang "
                    "có ở đây (số liệu của các CĐCS trực thuộc tỉnh kia vẫn được nhập vào các tháng đó)."
                )
                % {"months": months}
            )
        return self.written

    def _flush(self, section: str | None, batch: list[tuple[object, Model]]) -> None:
        if not batch:
            return
        keys, objects = [key for key, _obj in batch], [obj for _key, obj in batch]
        stamped = STAMPED.get(section)
        moments = [getattr(obj, stamped) for obj in objects] if stamped else []
        insert_many(objects, returning=section in KEYED or bool(stamped))
        if section in KEYED:
            self.ids[section].update((key, obj.pk) for key, obj in zip(keys, objects, strict=True))
        if stamped:
            kept = [obj for obj, moment in zip(objects, moments, strict=True) if moment is not None]
            for obj, moment in zip(objects, moments, strict=True):
                if moment is not None:
                    setattr(obj, stamped, moment)
            update_many(kept, [stamped])
        self.written[section] += len(objects)

    def _merged(self) -> None:
        """A CĐCS merged into another points at it once both are written."""
        rows = []
        for code, into in self.merged:
            cdcs = GrassrootsUnion(pk=self.ids["cdcs"][code], merged_into_id=self.ids["cdcs"][into])
            rows.append(cdcs)
        update_many(rows, ["merged_into"])

    # --- one record each: (its key in the file, the unsaved row) or None to leave it out ---------

    def _cdcs(self, values: dict):
        if values["merged_into"]:
            self.merged.append((values["code"], values["merged_into"]))
        fields = _own("cdcs", values)
        fields["code"] = new_code(values["code"], self.prefix)
        return values["code"], GrassrootsUnion(**fields)

    def _affiliations(self, values: dict):
        federation = self.organisations[values["federation"]]
        return None, Affiliation(
            cdcs_id=self.ids["cdcs"][values["cdcs"]], federation=federation, valid_from=values["valid_from"]
        )

    def _figures(self, values: dict):
        federation = self.organisations[values["federation"]]
        return None, MonthlyFigure(
            cdcs_id=self.ids["cdcs"][values["cdcs"]], federation=federation, **_own("figures", values)
        )

    def _returns(self, values: dict):
        federation = self.organisations[values["federation"]]
        if federation == self.direct and values["month"] in self.direct_months:
            self.kept_months.add(values["month"])
            return None
        return None, MonthlyReturn(federation=federation, **_own("returns", values))

    def _members(self, values: dict):
        fields = _own("members", values)
        fields["search_name"], fields["card_key"] = search_key(fields["full_name"]), card_key(fields["card_number"])
        return values["id"], Member(cdcs_id=self.ids["cdcs"][values["cdcs"]], **fields)

    def _transfers(self, values: dict):
        return values["id"], MemberTransfer(
            member_id=self.ids["members"][values["member"]],
            from_cdcs_id=self.ids["cdcs"][values["from_cdcs"]],
            to_cdcs_id=self.ids["cdcs"][values["to_cdcs"]],
            **_own("transfers", values),
        )

    def _events(self, values: dict):
        transfer = values["transfer"]
        return None, MemberEvent(
            member_id=self.ids["members"][values["member"]],
            cdcs_id=self.ids["cdcs"][values["cdcs"]],
            transfer_id=self.ids["transfers"][transfer] if transfer is not None else None,
            **_own("events", values),
        )
