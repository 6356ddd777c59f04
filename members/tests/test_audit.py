"""No write path skips the audit trail: each way of changing figures, CĐCS, quotas and a
month's status, used as people use it, leaves an entry saying who, what and from where."""

from datetime import date

import pytest
from django.urls import reverse

from members.figures.workflow import return_approve, return_submit
from members.models import AuditEntry, MonthlyFigure
from targets.models import Programme
from unionportal.lib.months import Month

MARCH, APRIL = Month(2021, 3), Month(2021, 4)
WEB, ADMIN = AuditEntry.Source.WEB, AuditEntry.Source.ADMIN


@pytest.fixture
def world(federation, other_federation, make_cdcs, provincial_staff, province):
    programme = Programme.objects.create(
        name="Chương trình thử", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=2023,
    )  # fmt: skip
    return {
        "a": make_cdcs(federation, code="A1", opening=50, first_month=MARCH),
        "b": make_cdcs(federation, code="B1", opening=30, first_month=MARCH),
        "pb": make_cdcs(other_federation, code="C1", opening=20, first_month=MARCH),
        "federation": federation,
        "other": other_federation,
        "province": province,
        "programme": programme,
    }


def _grid(client, world):
    a, b = world["a"], world["b"]
    url = reverse("members:grid", kwargs={"code": "DT", "month": APRIL})
    version = client.get(url).context["grid"].monthly_return.version
    client.post(url, {"version": version, f"r{a.pk}-admitted": "4", f"r{b.pk}-lost_died": "1"})


def _admin_figure(client, world):
    row = MonthlyFigure.objects.get(cdcs=world["a"], month=MARCH.first_day)
    url = reverse("admin:members_monthlyfigure_change", args=[row.pk])
    data = {field: getattr(row, field) for field in ("members_start", "admitted", "transferred_in", "workers")}
    data |= {f"lost_{r}": 0 for r in ("job", "retired", "enterprise_closed", "left", "died", "transferred_out")}
    data |= {"lost_cdcs_dissolved": 0, "cdcs": row.cdcs_id, "month": "2021-03-01", "members_end": 52, "admitted": 2}
    client.post(url, data)


def _found(client, world):
    client.post(
        reverse("members:cdcs_new"),
        {
            "code": "N1", "name": "CĐCS Công ty Mới", "employer": "Công ty Mới", "sector": "fdi", "workers": 300,
            "federation": world["federation"].pk, "founding_decision": "12/QĐ-LĐLĐ", "founded_on": "2021-04-12",
        },
    )  # fmt: skip


def _dissolve(client, world):
    client.post(
        reverse("members:cdcs_dissolve", kwargs={"code": "B1"}), {"on": "2021-04-20", "reason": "Doanh nghiệp phá sản"}
    )


def _move(client, world):
    client.post(
        reverse("members:cdcs_move", kwargs={"code": "B1"}), {"federation": world["other"].pk, "from_month": "2021-04"}
    )


def _merge(client, world):
    client.post(reverse("members:cdcs_merge", kwargs={"code": "B1"}), {"into": "A1", "on": "2021-04-15"})


def _submit(client, world):
    _grid(client, world)
    client.post(reverse("members:return_submit", kwargs={"code": "DT", "month": APRIL}))


def _approve(client, world):
    return_submit(federation=world["federation"], month=MARCH, user=None)
    client.post(reverse("members:return_approve", kwargs={"code": "DT", "month": MARCH}))


def _unlock(client, world):
    return_submit(federation=world["federation"], month=MARCH, user=None)
    return_approve(federation=world["federation"], month=MARCH, user=None)
    client.post(reverse("members:return_unlock", kwargs={"code": "DT", "month": MARCH}), {"reason": "Sửa số chuyển đi"})


def _quotas(client, world):
    name = f"q-{world['province'].pk}-2021-new_members"
    client.post(reverse("targets:quotas", kwargs={"pk": world["programme"].pk}), {name: "5000"})


def _programme(client, world):
    client.post(
        reverse("targets:programme_new"),
        {
            "name": "Chương trình 2023–2028", "document_number": "01/CTr-LĐLĐ", "document_date": "2023-06-01",
            "first_year": 2023, "last_year": 2028, "source": world["programme"].pk,
        },
    )  # fmt: skip


# path → (how a person does it, the actions it must leave, where it came from)
PATHS = {
    "grid": (_grid, {"figures.record"}, WEB),
    "admin figure edit": (_admin_figure, {"figures.record"}, ADMIN),
    "found": (_found, {"cdcs.found"}, WEB),
    "dissolve": (_dissolve, {"cdcs.dissolve", "figures.record"}, WEB),
    "move": (_move, {"cdcs.move"}, WEB),
    "merge": (_merge, {"cdcs.merge", "figures.record"}, WEB),
    "submit": (_submit, {"figures.record", "return.submit"}, WEB),
    "approve": (_approve, {"return.approve"}, WEB),
    "unlock": (_unlock, {"return.unlock"}, WEB),
    "quota grid": (_quotas, {"quota.set"}, WEB),
    "new programme": (_programme, {"programme.create", "programme.copy"}, WEB),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_write_path_leaves_an_audit_entry(client, world, provincial_staff, superuser, path):
    perform, actions, source = PATHS[path]
    user = superuser if source == ADMIN else provincial_staff
    client.force_login(user)
    already = set(AuditEntry.objects.values_list("pk", flat=True))

    perform(client, world)

    new = AuditEntry.objects.exclude(pk__in=already)
    by_user = new.filter(user=user, source=source)
    assert set(by_user.values_list("action", flat=True)) >= actions, list(new.values_list("action", "source"))
    assert all(entry.username == user.username for entry in by_user)
