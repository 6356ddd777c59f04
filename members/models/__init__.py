"""The members app's models, one module per concern, all re-exported here so that
`from members.models import X` is the one way to name them (the app label stays "members":
no table, migration or permission moves with a module).

- counts: what is counted and the ceilings every count is held to (LossReason, FLOW_MAX, …);
- org: the organisation tree (Organisation, GrassrootsUnion, Affiliation);
- accounts: roles (UserProfile); audit: the audit trail (AuditEntry);
- figures: the monthly figures (MonthlyFigure, MonthlyReturn, FederationMonth, SectorMonth,
  SummaryHorizon);
- register: the member register (Member, MemberEvent, MemberTransfer);
- officers: who leads a CĐCS (Term, Officer, its Body and Post, OfficerListUpload);
- uploads: Excel files uploaded to be imported (Upload, MemberListUpload; the abstract ListUpload
  is unionportal.lib.uploads).

Months are stored as the date of their first day (see unionportal.lib.months)."""

from .accounts import Role, UserProfile
from .audit import AuditEntry
from .counts import (
    FLOW_FIELDS,
    FLOW_MAX,
    LOSS_FIELDS,
    REORG_FIELDS,
    STOCK_FIELDS,
    STOCK_MAX,
    AtMost,
    LossReason,
    ceiling_of,
    first_of_month,
    too_large_message,
)
from .figures import FederationMonth, MonthlyFigure, MonthlyReturn, SectorMonth, SummaryHorizon, stock_identity
from .officers import (
    COMMITTEE_MAX,
    POSTS_OF_BODY,
    SINGLE_POSTS,
    Body,
    Officer,
    OfficerListUpload,
    Post,
    Term,
    in_post_on,
)
from .org import (
    SECTORS_OF_GROUP,
    Affiliation,
    GrassrootsUnion,
    GrassrootsUnionQuerySet,
    Organisation,
    OrganisationQuerySet,
    Sector,
    SectorGroup,
    federation_at_subquery,
)
from .register import Gender, Member, MemberEvent, MemberQuerySet, MemberTransfer
from .uploads import MemberListUpload, Upload

__all__ = [
    "FLOW_FIELDS",
    "FLOW_MAX",
    "LOSS_FIELDS",
    "REORG_FIELDS",
    "SECTORS_OF_GROUP",
    "SINGLE_POSTS",
    "STOCK_FIELDS",
    "STOCK_MAX",
    "Affiliation",
    "AtMost",
    "AuditEntry",
    "Body",
    "COMMITTEE_MAX",
    "FederationMonth",
    "Gender",
    "GrassrootsUnion",
    "GrassrootsUnionQuerySet",
    "LossReason",
    "Member",
    "MemberEvent",
    "MemberListUpload",
    "MemberQuerySet",
    "MemberTransfer",
    "MonthlyFigure",
    "MonthlyReturn",
    "Officer",
    "OfficerListUpload",
    "Organisation",
    "OrganisationQuerySet",
    "POSTS_OF_BODY",
    "Post",
    "Role",
    "Sector",
    "SectorGroup",
    "SectorMonth",
    "SummaryHorizon",
    "Term",
    "Upload",
    "UserProfile",
    "ceiling_of",
    "federation_at_subquery",
    "first_of_month",
    "in_post_on",
    "stock_identity",
    "too_large_message",
]
