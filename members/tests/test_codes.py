"""Codes and names of CĐCS and federations: one rule for codes on every path in (the founding
form, the month's sheet, the admin, the services, the database), names stored composed (NFC)
whichever way a keyboard sent them, and look-alike codes refused."""

import unicodedata
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.figures.exports import FOUNDED_SHEET
from members.figures.sheet import sheet_read
from members.figures.sheet_import import sheet_preview
from members.models import GrassrootsUnion, Organisation, Sector
from members.services.org import cdcs_found
from unionportal.lib.months import Month
from unionportal.lib.text import CODE_MESSAGE
from unionportal.testing.sheets import list_rows, template, to_bytes

APRIL = Month(2021, 4)
NAME = "CĐCS Công ty TNHH May Việt Đức"
NFD_NAME = unicodedata.normalize("NFD", NAME)
BAD_CODES = ["DT/09", "DT 09", "DT.09", "ĐT09", "DT_09", "-DT09", "DT09-", "DT--09", "DT#09", "DT?09"]


def _found_form(federation, **fields):
    return {
        "code": "DT09", "name": NAME, "employer": "Công ty TNHH May Việt Đức", "sector": Sector.FDI, "workers": "320",
        "federation": federation.pk, "founding_decision": "125/QĐ-LĐLĐ", "founded_on": "2021-04-12", **fields,
    }  # fmt: skip


@pytest.mark.parametrize("code", BAD_CODES)
def test_the_found_form_refuses_a_code_off_the_rule_and_founds_nothing(
    client_for, federation, federation_user, unions, code
):
    response = client_for(federation_user).post(reverse("members:cdcs_new"), _found_form(federation, code=code))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [str(CODE_MESSAGE)]
    assert not GrassrootsUnion.objects.exclude(code__in=["DT01", "DT02"]).exists()


def test_a_code_longer_than_twenty_characters_is_refused(client_for, federation, federation_user, unions):
    response = client_for(federation_user).post(reverse("members:cdcs_new"), _found_form(federation, code="D" * 21))
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert GrassrootsUnion.objects.count() == 2


def test_a_name_typed_decomposed_is_stored_composed_and_found_either_way(
    client_for, federation, federation_user, unions
):
    assert NFD_NAME != NAME and unicodedata.normalize("NFC", NFD_NAME) == NAME  # the same letters, sent otherwise
    client = client_for(federation_user)
    response = client.post(reverse("members:cdcs_new"), _found_form(federation, name=NFD_NAME, employer=NFD_NAME))
    assert response.status_code == 302
    cdcs = GrassrootsUnion.objects.get(code="DT09")
    assert (cdcs.name, cdcs.employer) == (NAME, NAME)
    for typed in ("May Việt Đức", unicodedata.normalize("NFD", "May Việt Đức")):
        listed = client.get(reverse("members:cdcs_list"), {"q": typed}).context["page"]
        assert [union.code for union in listed] == ["DT09"]
    assert GrassrootsUnion.objects.filter(name=NFD_NAME).get() == cdcs  # a lookup composes what it looks for


def test_a_code_that_differs_only_in_case_is_refused_with_the_one_it_looks_like(
    client_for, federation, federation_user, unions
):
    response = client_for(federation_user).post(reverse("members:cdcs_new"), _found_form(federation, code="dt01"))
    assert response.status_code == 200
    [message] = response.context["form"].errors["code"]
    assert "DT01" in message and unions[0].name in message
    assert GrassrootsUnion.objects.count() == 2


def test_the_service_and_the_database_hold_codes_to_the_rule(federation, unions):
    with pytest.raises(ValidationError) as refused:
        cdcs_found(code="DT/09", name=NAME, employer=NAME, sector=Sector.FDI, founded_on=date(2021, 4, 2),
                   federation=federation, user=None)  # fmt: skip
    assert refused.value.message_dict["code"] == [str(CODE_MESSAGE)]
    for model, pk in ((GrassrootsUnion, unions[0].pk), (Organisation, federation.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=pk).update(code="DT/09")  # around every rule but the database's


def test_a_federation_code_is_held_to_the_same_rule(province, federation):
    odd = Organisation(code="TP Thái Nguyên", name="LĐLĐ TP Thái Nguyên", kind=Organisation.Kind.DISTRICT,
                       parent=province)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        odd.full_clean()
    assert refused.value.message_dict["code"] == [str(CODE_MESSAGE)]
    twin = Organisation(code="dt", name="Trùng", kind=Organisation.Kind.DISTRICT, parent=province)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "DT" in refused.value.message_dict["code"][0]


def test_the_founded_sheet_refuses_a_code_off_the_rule_on_its_row_and_column(federation, federation_user, unions):
    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [
        {"Mã CĐCS": "DT50", "Tên CĐCS": "CĐCS Đúng", "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 2)},
        {"Mã CĐCS": "DT/51", "Tên CĐCS": "CĐCS Sai mã", "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 2)},
        {"Mã CĐCS": "dt01", "Tên CĐCS": "CĐCS Giống mã", "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 2)},
        {"Mã CĐCS": "dt50", "Tên CĐCS": "CĐCS Lặp mã", "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 2)},
    ])  # fmt: skip
    preview = sheet_preview(sheet_read(to_bytes(workbook)), federation=federation, month=APRIL, user=federation_user)
    problems = [(p.sheet, p.row, p.column) for p in preview.problems]
    assert problems == [(FOUNDED_SHEET, 5, "Mã CĐCS"), (FOUNDED_SHEET, 6, "Mã CĐCS"), (FOUNDED_SHEET, 7, "Mã CĐCS")]
    assert preview.problems[0].message == str(CODE_MESSAGE)
    assert "DT01" in preview.problems[1].message
    assert preview.problems[2].message == "CĐCS dt50 khai hai lần."


def test_a_name_typed_decomposed_in_the_founded_sheet_is_stored_composed(federation, federation_user, unions):
    from members.figures.sheet_import import sheet_import

    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [
        {"Mã CĐCS": "DT50", "Tên CĐCS": NFD_NAME, "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 2)},
    ])  # fmt: skip
    sheet = sheet_read(to_bytes(workbook))
    preview = sheet_preview(sheet, federation=federation, month=APRIL, user=federation_user)
    assert not preview.problems
    sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    assert GrassrootsUnion.objects.get(code="DT50").name == NAME


def test_the_admin_refuses_a_code_off_the_rule(client_for, superuser, federation):
    data = {**_found_form(federation, code="DT/09"), "_save": "Lưu"}
    response = client_for(superuser).post(reverse("admin:members_grassrootsunion_add"), data)
    assert response.status_code == 200
    assert str(CODE_MESSAGE) in response.content.decode()
    assert not GrassrootsUnion.objects.exists()


# --- codes stored before the rule ---------------------------------------------------------------


def _migrate(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_codes_stored_before_the_rule_are_mended_audited_and_open_again(client):
    """The data migration before the rule: odd codes become the nearest valid ones (a look-alike
    gets its record number), each change audited; names composed; the pages of every CĐCS open;
    migrating back restores the codes."""
    from django.contrib.auth import get_user_model
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None).graph
    mending = next(key for key in graph.nodes if key[1].endswith("codes_and_names_composed"))
    before = next(parent.key for parent in graph.node_map[mending].parents if parent.key[0] == "members")
    executor = _migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        organisation, union = old.get_model("members", "Organisation"), old.get_model("members", "GrassrootsUnion")
        province = organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind="province")
        odd = organisation.objects.create(code="TP TN", name=NFD_NAME, kind="district", parent=province)
        day = date(2020, 1, 1)
        for code in ("DT/01", "DT01", "dt01", "ĐT 02", "//"):
            cdcs = union.objects.create(code=code, name=NFD_NAME, employer="X", sector="private", founded_on=day)
            old.get_model("members", "Affiliation").objects.create(cdcs=cdcs, federation=odd, valid_from=day)
        _migrate(None)

        codes = dict(GrassrootsUnion.objects.values_list("pk", "code"))
        pks = sorted(codes)
        assert [codes[pk] for pk in pks] == ["DT-01", "DT01", f"dt01-{pks[2]}", "DT-02", f"CDCS-{pks[4]}"]
        assert set(GrassrootsUnion.objects.values_list("name", flat=True)) == {NAME}
        assert Organisation.objects.get(pk=odd.pk).code == "TP-TN"
        assert Organisation.objects.get(pk=odd.pk).name == NAME
        from members.models import AuditEntry

        changes = AuditEntry.objects.filter(action="cdcs.update").values_list("data__before", "data__after")
        assert sorted(changes) == sorted([("DT/01", "DT-01"), ("dt01", codes[pks[2]]), ("ĐT 02", "DT-02"),
                                          ("//", codes[pks[4]])])  # fmt: skip
        staff = get_user_model().objects.create_superuser("quantri", password="x" * 12)
        client.force_login(staff)
        assert client.get(reverse("members:cdcs_list")).status_code == 200
        for code in codes.values():
            assert client.get(reverse("members:cdcs_detail", kwargs={"code": code})).status_code == 200

        _migrate([before])
        assert sorted(union.objects.values_list("code", flat=True)) == sorted(["DT/01", "DT01", "dt01", "ĐT 02", "//"])
        assert organisation.objects.get(pk=odd.pk).code == "TP TN"
    finally:
        _migrate(None)
