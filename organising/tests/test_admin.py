"""The enterprise admin writes through the services: audited, and refusing what the portal refuses
with a form error rather than a 500."""

from django.urls import reverse

from members.models import AuditEntry, Sector
from organising.models import Enterprise, Stage, StageChange


def _add(client, federation, **changes):
    data = {
        "name": "Công ty TNHH Giày da Phú Bình", "tax_code": "4600111222", "address": "Phú Bình",
        "federation": federation.pk, "sector": Sector.PRIVATE, "workers": "80",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        "stage_changes-TOTAL_FORMS": "0", "stage_changes-INITIAL_FORMS": "0",
        **changes,
    }  # fmt: skip
    return client.post(reverse("admin:organising_enterprise_add"), data)


def test_an_enterprise_added_in_the_admin_is_identified_and_audited(client, superuser, federation):
    client.force_login(superuser)
    response = _add(client, federation)
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get(tax_code="4600111222")
    assert (enterprise.stage, enterprise.federation) == (Stage.IDENTIFIED, federation)
    assert StageChange.objects.filter(enterprise=enterprise, from_stage="", to_stage=Stage.IDENTIFIED).exists()
    assert AuditEntry.objects.filter(action="enterprise.create", source=AuditEntry.Source.ADMIN).count() == 1


def test_the_admin_offers_no_province_as_the_responsible_federation(client, superuser, federation, province):
    client.force_login(superuser)
    response = _add(client, province)
    assert response.status_code == 200
    assert "federation" in response.context["adminform"].form.errors
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.filter(action="enterprise.create").exists()


def test_an_enterprise_corrected_in_the_admin_keeps_its_pipeline(client, superuser, federation):
    client.force_login(superuser)
    _add(client, federation)
    enterprise = Enterprise.objects.get()
    response = client.post(
        reverse("admin:organising_enterprise_change", args=[enterprise.pk]),
        {
            "name": "Công ty TNHH Giày da Phú Bình Việt Nam", "tax_code": "4600111222", "address": "Phú Bình",
            "federation": federation.pk, "sector": Sector.PRIVATE, "workers": "95",
            "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
            "stage_changes-TOTAL_FORMS": "1", "stage_changes-INITIAL_FORMS": "1",
            "stage_changes-0-id": str(StageChange.objects.get().pk), "stage_changes-0-enterprise": str(enterprise.pk),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.workers, enterprise.stage) == (
        "Công ty TNHH Giày da Phú Bình Việt Nam", 95, Stage.IDENTIFIED,
    )  # fmt: skip
    assert StageChange.objects.count() == 1
    update = AuditEntry.objects.get(action="enterprise.update")
    assert update.data["changed"]["workers"] == [80, 95]
