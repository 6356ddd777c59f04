"""The demo's organising data keeps the model's rules."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min

from organising.models import OPEN_STAGES, Enterprise, Stage, StageChange


@pytest.mark.django_db
def test_the_demo_seeds_enterprises_in_every_stage_with_consistent_histories():
    call_command("seed_demo", until="2021-03", stdout=StringIO())
    enterprises = Enterprise.objects.all()
    assert 50 <= enterprises.count() <= 60
    assert set(enterprises.values_list("stage", flat=True)) == set(Stage.values)
    for enterprise in enterprises.annotate(first=Min("stage_changes__on"), last=Max("stage_changes__on"),
                                           moves=Count("stage_changes")):  # fmt: skip
        changes = list(enterprise.stage_changes.order_by("on", "pk"))
        assert changes[0].from_stage == "" and changes[-1].to_stage == enterprise.stage
        assert all(a.to_stage == b.from_stage and a.on <= b.on for a, b in zip(changes, changes[1:], strict=False))
        assert enterprise.stage_since == enterprise.last and enterprise.last.isoformat() <= "2021-03-31"
        assert (enterprise.stage == Stage.FOUNDED) == (enterprise.cdcs_id is not None)
    assert StageChange.objects.filter(to_stage=Stage.FOUNDED).exists()
    assert enterprises.filter(stage__in=OPEN_STAGES, next_step_on__lt="2021-03-31").exists()
    assert (
        enterprises.filter(stage=Stage.STALLED).exclude(stall_reason="").count()
        == enterprises.filter(stage=Stage.STALLED).count()
    )
