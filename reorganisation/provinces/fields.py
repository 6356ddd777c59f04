"""What each record of a province file holds, field by field: how the export writes a value and
how the import reads it back, with a Vietnamese message for a value it cannot take.

Records name what they refer to by code (a CĐCS, an organisation, a programme by its document
number and date), never by this portal's ids; members, transfers and events carry the exporting
portal's ids only to refer to each other within the file."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from members.models import (
    FLOW_MAX,
    LOSS_FIELDS,
    STOCK_MAX,
    Gender,
    LossReason,
    Member,
    MemberEvent,
    MemberTransfer,
    MonthlyReturn,
    Organisation,
    Sector,
)
from unionportal.lib.text import CODE_MAX_LENGTH, CODE_PATTERN, TEXT_MAX_LENGTH, nfc

_CODE = re.compile(CODE_PATTERN)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Kind:
    """How one field is written and read: `name` says which, `limit` is a length or a ceiling,
    `choices` the values allowed, `optional` lets it be null."""

    name: str
    limit: int = 0
    choices: tuple = ()
    optional: bool = False

    def __post_init__(self):
        # Found once: a province file has millions of values.
        object.__setattr__(self, "loader", getattr(self, f"_load_{self.name}"))

    def dump(self, value):
        if value is None or self.name not in ("month", "date", "moment"):
            return value
        return value.strftime("%Y-%m") if self.name == "month" else value.isoformat()

    def load(self, value):
        """The value as the portal stores it; ValueError with the message when it cannot be."""
        if value is None:
            if self.optional:
                return None
            raise ValueError(_("không được để trống"))
        return self.loader(value)

    def _load_text(self, value) -> str:
        if not isinstance(value, str):
            raise ValueError(_("phải là văn bản"))
        if len(value) > self.limit:
            raise ValueError(_("dài quá %(limit)s ký tự") % {"limit": self.limit})
        return nfc(value)

    def _load_code(self, value) -> str:
        value = self._load_text(value)
        if not _CODE.match(value):
            raise ValueError(_("mã “%(code)s” không đúng quy tắc mã") % {"code": value})
        return value

    def _load_number(self, value) -> int:
        if type(value) is not int:  # noqa: E721 (True and False are ints, not numbers here)
            raise ValueError(_("phải là số nguyên"))
        if not 0 <= value <= self.limit:
            raise ValueError(_("phải từ 0 đến %(limit)s") % {"limit": self.limit})
        return value

    def _load_bool(self, value) -> bool:
        if not isinstance(value, bool):
            raise ValueError(_("phải là true hoặc false"))
        return value

    def _load_choice(self, value) -> str:
        if value not in self.choices:
            raise ValueError(_("giá trị “%(value)s” không có trong danh mục") % {"value": value})
        return value

    def _load_date(self, value) -> date:
        if not isinstance(value, str) or not _DAY.match(value):
            raise ValueError(_("phải là ngày dạng YYYY-MM-DD"))
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("ngày %(value)s không có thật") % {"value": value}) from None

    def _load_month(self, value) -> date:
        if not isinstance(value, str) or not _MONTH.match(value):
            raise ValueError(_("phải là tháng dạng YYYY-MM"))
        try:
            return date(int(value[:4]), int(value[5:]), 1)
        except ValueError:
            raise ValueError(_("tháng %(value)s không có thật") % {"value": value}) from None

    def _load_moment(self, value) -> datetime:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None or moment.tzinfo is None:
            raise ValueError(_("phải là thời điểm ISO 8601 có múi giờ"))
        return moment

    def _load_list(self, value) -> list:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(_("phải là danh sách văn bản"))
        return value


def _text(limit: int, *, optional=False) -> Kind:
    return Kind("text", limit, optional=optional)


def _choice(choices, *, blank=False) -> Kind:
    return Kind("choice", choices=tuple(value for value, _label in choices) + (("",) if blank else ()))


CODE = Kind("code", CODE_MAX_LENGTH)
CODE_OR_NONE = Kind("code", CODE_MAX_LENGTH, optional=True)
NAME = _text(255)
NOTE = _text(TEXT_MAX_LENGTH)
DAY = Kind("date")
DAY_OR_NONE = Kind("date", optional=True)
MONTH = Kind("month")
MONTH_OR_NONE = Kind("month", optional=True)
MOMENT_OR_NONE = Kind("moment", optional=True)
COUNT = Kind("number", FLOW_MAX)
STOCK = Kind("number", STOCK_MAX)
QUOTA = Kind("number", 2_147_483_647)
SMALL = Kind("number", 32_767)
ID = Kind("number", 2**63 - 1)
ID_OR_NONE = Kind("number", 2**63 - 1, optional=True)
FLAG = Kind("bool")
ORGANISATION_KINDS = [kind for kind in Organisation.Kind.choices if kind[0] != Organisation.Kind.PROVINCE]

FIGURE_COUNTS = ("admitted", "transferred_in", *LOSS_FIELDS.values(), "reorg_in", "reorg_out")
# Every section's fields, in the order they are written. Names are the model's, but for the
# references (by code) and the file's own ids.
SECTION_FIELDS: dict[str, dict[str, Kind]] = {
    "organisations": {
        "code": CODE,
        "name": _text(200),
        "kind": _choice(ORGANISATION_KINDS),
        "position": SMALL,
        "parent": CODE_OR_NONE,
        "active_from": DAY_OR_NONE,
        "active_to": DAY_OR_NONE,
        "merged_into": CODE_OR_NONE,
    },
    "programmes": {
        "name": NAME,
        "document_number": _text(50),
        "document_date": DAY,
        "first_year": SMALL,
        "last_year": SMALL,
    },
    "quotas": {
        "programme_number": _text(50),
        "programme_date": DAY,
        "organisation": CODE,
        "year": SMALL,
        "new_members": QUOTA,
        "new_unions": QUOTA,
        "trained_officers": QUOTA,
    },
    "cdcs": {
        "code": CODE,
        "name": NAME,
        "employer": NAME,
        "sector": _choice(Sector.choices),
        "workers": STOCK,
        "founded_on": DAY,
        "founding_decision": _text(100),
        "dissolved_on": DAY_OR_NONE,
        "dissolution_reason": NAME,
        "merged_into": CODE_OR_NONE,
        "founded_by_reorganisation": FLAG,
        "ended_by_reorganisation": FLAG,
        "register_from": MONTH_OR_NONE,
    },
    "affiliations": {"cdcs": CODE, "federation": CODE, "valid_from": MONTH},
    "figures": {
        "cdcs": CODE,
        "month": MONTH,
        "federation": CODE,
        "members_start": STOCK,
        **dict.fromkeys(FIGURE_COUNTS, COUNT),
        "members_end": STOCK,
        "workers": STOCK,
        "acknowledged_warnings": Kind("list"),
        "updated_at": MOMENT_OR_NONE,
    },
    "returns": {
        "federation": CODE,
        "month": MONTH,
        "status": _choice(MonthlyReturn.Status.choices),
        "version": ID,
        "changed_at": MOMENT_OR_NONE,
        "submitted_at": MOMENT_OR_NONE,
        "approved_at": MOMENT_OR_NONE,
        "unlocked_at": MOMENT_OR_NONE,
        "unlock_reason": NOTE,
        "sent_back_at": MOMENT_OR_NONE,
        "send_back_reason": NOTE,
    },
    "members": {
        "id": ID,
        "cdcs": CODE,
        "full_name": _text(150),
        "born_on": DAY_OR_NONE,
        "gender": _choice(Gender.choices, blank=True),
        "ethnicity": _text(50),
        "id_number": _text(12),
        "card_number": _text(30),
        "joined_on": DAY,
        "job": _text(200),
        "status": _choice(Member.Status.choices),
        "left_on": DAY_OR_NONE,
        "left_reason": _choice(LossReason.choices, blank=True),
        "created_at": MOMENT_OR_NONE,
    },
    "transfers": {
        "id": ID,
        "member": ID,
        "from_cdcs": CODE,
        "to_cdcs": CODE,
        "status": _choice(MemberTransfer.Status.choices),
        "note": NAME,
        "requested_at": MOMENT_OR_NONE,
        "decided_at": MOMENT_OR_NONE,
        "accepted_on": DAY_OR_NONE,
        "decision_note": NAME,
    },
    "events": {
        "member": ID,
        "cdcs": CODE,
        "kind": _choice(MemberEvent.Kind.choices),
        "reason": _choice(LossReason.choices, blank=True),
        "on": DAY,
        "month": MONTH,
        "transfer": ID_OR_NONE,
        "recorded_at": MOMENT_OR_NONE,
    },
}


_ITEMS = {section: list(fields.items()) for section, fields in SECTION_FIELDS.items()}


def dump_record(section: str, values: dict) -> dict:
    """A record of `section` as the file holds it, from values under the field names."""
    return {name: kind.dump(values[name]) for name, kind in _ITEMS[section]}


def load_record(section: str, record: dict) -> tuple[dict, list[str]]:
    """The record's values as the portal stores them, and what is wrong with it (empty when nothing)."""
    values, problems = {}, []
    for name, kind in _ITEMS[section]:
        try:
            value = record[name]
            values[name] = kind.loader(value) if value is not None else kind.load(None)
        except KeyError:
            problems.append(_("thiếu trường “%(field)s”") % {"field": name})
        except ValueError as error:
            problems.append(f"{name}: {error}")
    if len(record) != len(values) + len(problems):
        for name in sorted(set(record) - set(SECTION_FIELDS[section])):
            problems.append(_("trường “%(field)s” không có trong định dạng tệp") % {"field": name})
    return values, problems
