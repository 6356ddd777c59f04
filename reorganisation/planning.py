"""Reading a plan before it is applied: its problems (plan_problems) and what it would change
(plan_preview). The checks live in problems.py, the preview in preview.py; both read one
PlanContext (context.py), so each costs a fixed number of queries whatever the plan's size."""

from .context import plan_context
from .models import Plan
from .preview import OrgChange, PlanPreview, ProvinceTotals, QuotaFigures, plan_preview
from .problems import PlanProblem, context_problems

__all__ = [
    "OrgChange",
    "PlanPreview",
    "PlanProblem",
    "ProvinceTotals",
    "QuotaFigures",
    "plan_preview",
    "plan_problems",
]


def plan_problems(plan: Plan) -> list[PlanProblem]:
    """Every reason the plan cannot be applied as it stands, each with its line (None: the plan)."""
    return context_problems(plan_context(plan))
