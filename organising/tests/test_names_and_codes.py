"""Enterprise names typed decomposed (NFD) are stored composed (NFC), by the form and by the Excel
list, and found by a search typed either way; the CĐCS code of the founding form is held to the
one code rule, so that no page that links to the CĐCS can break."""

import unicodedata
from datetime import date

from django.urls import reverse

from members.models import GrassrootsUnion
from organising.imports import list_import, list_preview, list_read
from organising.models import Enterprise, Stage
from organising.services import enterprise_create
from unionportal.lib.text import CODE_MESSAGE

from .test_imports import xlsx

NAME, ADDRESS = "Công ty TNHH Giày Đông Hưng", "Xã Điềm Thụy, huyện Phú Bình"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_an_enterprise_typed_decomposed_in_the_form_is_stored_composed(client_for, federation_user, federation):
    data = {"name": nfd(NAME), "address": nfd(ADDRESS), "tax_code": "4600100009", "federation": federation.pk,
            "sector": "fdi", "workers": "120"}  # fmt: skip
    assert client_for(federation_user).post(reverse("organising:enterprise_new"), data).status_code == 302
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.address) == (NAME, ADDRESS)


def test_an_enterprise_list_typed_decomposed_is_stored_composed_and_matched(federation, provincial_staff):
    enterprise_create(name=NAME, tax_code="4600100001", federation=federation, sector="private", user=None)
    data = xlsx([
        (1, "4600100001", nfd(NAME), "", "DT", "", ""),  # the same name: nothing to change
        (2, "4600100002", nfd("Công ty May Đại Từ"), nfd(ADDRESS), "DT", "Hợp tác xã", 30),
    ])  # fmt: skip
    read = list_read(data)
    preview = list_preview(read, user=provincial_staff)
    assert (len(preview.created), len(preview.updated), len(preview.unchanged)) == (1, 0, 1)
    list_import(read=read, user=provincial_staff, plan=preview.plan)
    new = Enterprise.objects.get(tax_code="4600100002")
    assert (new.name, new.address) == ("Công ty May Đại Từ", ADDRESS)


def test_the_enterprise_list_finds_a_name_searched_decomposed(client_for, provincial_staff, federation):
    enterprise_create(name=NAME, tax_code="4600100001", federation=federation, sector="private", user=None)
    page = client_for(provincial_staff).get(reverse("organising:enterprise_list"), {"q": nfd("Giày Đông")})
    assert 'data-tax-code="4600100001"' in page.content.decode()


def test_the_founding_form_refuses_a_code_with_a_slash_and_the_page_still_opens(
    client_for, federation_user, federation
):
    enterprise = enterprise_create(
        name=NAME, tax_code="4600100001", federation=federation, sector="fdi", on=date(2021, 3, 1), user=None
    )
    client = client_for(federation_user)
    found = {"found-code": "DT/50", "found-name": "CĐCS " + NAME, "found-founded_on": "2021-03-25"}
    response = client.post(reverse("organising:enterprise_found", kwargs={"pk": enterprise.pk}), found)
    assert response.status_code == 200
    assert response.context["found_form"].errors["code"] == [str(CODE_MESSAGE)]
    assert not GrassrootsUnion.objects.exists()
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.IDENTIFIED and enterprise.cdcs is None
    assert client.get(reverse("organising:enterprise_detail", kwargs={"pk": enterprise.pk})).status_code == 200
