"""`__in` on integer columns and foreign keys (unionportal.lib.lookups): a long list of whole
numbers finds exactly what Django's IN (…) finds, on either database (one array on PostgreSQL),
and a number no column can hold matches nothing."""

from members.models import AuditEntry, GrassrootsUnion, MonthlyFigure
from unionportal.lib.lookups import ARRAY_FROM
from unionportal.lib.months import Month


def test_a_long_list_of_ids_finds_what_a_short_one_finds(federation, make_cdcs):
    unions = [make_cdcs(federation, opening=10, first_month=Month(2021, 3)) for _ in range(3)]
    ids = [cdcs.pk for cdcs in unions]
    padding = list(range(10**9, 10**9 + ARRAY_FROM))  # ids nobody has
    long = [*padding, *ids, ids[0], 2**70, -(2**70)]  # a repeat, and numbers no column holds
    assert sorted(GrassrootsUnion.objects.filter(pk__in=long).values_list("pk", flat=True)) == ids
    assert MonthlyFigure.objects.filter(cdcs_id__in=long).count() == 3  # a foreign key's column
    assert MonthlyFigure.objects.filter(cdcs__in=long).count() == 3  # and the relation
    assert MonthlyFigure.objects.exclude(cdcs_id__in=long).count() == 0
    assert not GrassrootsUnion.objects.filter(pk__in=[2**70] * ARRAY_FROM).exists()
    assert MonthlyFigure.objects.filter(cdcs__in=unions[:2]).count() == 2  # model instances: as Django does it


def test_a_long_list_of_mixed_values_is_left_to_django(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    mixed = [str(number) for number in range(10**9, 10**9 + ARRAY_FROM)] + [str(cdcs.pk)]
    assert list(GrassrootsUnion.objects.filter(pk__in=mixed)) == [cdcs]
    assert not AuditEntry.objects.filter(pk__in=[True] * ARRAY_FROM).exclude(pk=1).exists()
