"""Every write to the organisation tree, the CĐCS register and the monthly figures.

Views, the admin, imports and management commands all call these functions, so that each
rule lives once. Errors are ValidationError with Vietnamese messages; nothing is written
when one is raised (every service runs in one transaction). One module per concern:
figures (the monthly rows), register (CĐCS and federations), workflow (submit, approve,
unlock), common (what they share)."""

from .common import (
    AUDITED_FIGURES,
    Source,
    ensure_month_open,
    ensure_months_open,
    federation_of,
    locked_message,
    who_and_when,
)
from .figures import FigureEntry, RowErrors, figures_record, figures_record_many
from .people import (
    LEAVING_REASONS,
    MemberData,
    member_admit,
    member_leave,
    member_transfer_accept,
    member_transfer_cancel,
    member_transfer_reject,
    member_transfer_request,
    member_update,
    members_close,
)
from .register import cdcs_dissolve, cdcs_found, cdcs_merge, cdcs_move, organisation_merge
from .workflow import (
    changed_since_seen_message,
    missing_cdcs,
    open_warnings,
    return_approve,
    return_for_update,
    return_send_back,
    return_submit,
    return_unlock,
)

__all__ = [
    "LEAVING_REASONS",
    "MemberData",
    "member_admit",
    "member_leave",
    "member_transfer_accept",
    "member_transfer_cancel",
    "member_transfer_reject",
    "member_transfer_request",
    "member_update",
    "members_close",
    "AUDITED_FIGURES",
    "FigureEntry",
    "RowErrors",
    "Source",
    "cdcs_dissolve",
    "changed_since_seen_message",
    "cdcs_found",
    "cdcs_merge",
    "cdcs_move",
    "ensure_month_open",
    "ensure_months_open",
    "federation_of",
    "figures_record",
    "figures_record_many",
    "locked_message",
    "missing_cdcs",
    "open_warnings",
    "organisation_merge",
    "return_approve",
    "return_for_update",
    "return_send_back",
    "return_submit",
    "return_unlock",
    "who_and_when",
]
