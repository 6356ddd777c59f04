"""The member register's pages for losing and transferring a member: a loss and its reasons, a
transfer asked, accepted, rejected or cancelled, which side may act on it, and the transfers page,
for each role."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Member, MemberTransfer
from members.register.moves import member_transfer_request
from unionportal.lib.months import Month
from unionportal.testing.html import find, find_all, page, text

from .people_pages import AN_ID, admit, messages_after, person_url, sent_to, signed_in


def test_losing_a_member(an, federation_user):
    client = signed_in(federation_user)
    response = client.post(person_url("person_leave", an), {"on": "2021-04-02", "reason": "died"})

    assert messages_after(client, response) == [f"Đã ghi giảm Đoàn viên #{an.pk} (tính vào số liệu tháng 04/2021)."]
    an.refresh_from_db()
    assert (an.status, an.left_on, an.left_reason) == ("left", date(2021, 4, 2), "died")
    page_after = client.get(person_url("person", an))
    assert "Từ trần" in page_after.content.decode()
    assert reverse("members:person_leave", kwargs={"pk": an.pk}) not in sent_to(page_after)


def test_leaving_the_province_is_a_reason_of_its_own(an, federation_user):
    choices = dict(
        signed_in(federation_user).get(person_url("person_leave", an)).context["form"].fields["reason"].choices
    )
    assert choices["transferred_out"] == "Chuyển đi ngoài tỉnh" and "cdcs_dissolved" not in choices

    signed_in(federation_user).post(person_url("person_leave", an), {"on": "2021-04-02", "reason": "transferred_out"})
    an.refresh_from_db()
    assert an.status == Member.Status.TRANSFERRED_OUT


@pytest.mark.parametrize(
    "data, message",
    [
        ({"on": "2021-03-01", "reason": "job"}, "trước biến động gần nhất"),
        ({"on": "2099-01-01", "reason": "job"}, "chưa đến"),
        ({"on": "2021-04-01", "reason": "cdcs_dissolved"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_losing_refusals_change_nothing(an, federation_user, data, message):
    response = signed_in(federation_user).post(person_url("person_leave", an), data)

    assert response.status_code == 200 and message in response.content.decode()
    an.refresh_from_db()
    assert an.is_active and an.events.count() == 1


def test_a_transfer_is_asked_accepted_and_moves_the_member(an, pb01, federation_user, other_federation_user):
    sender, receiver = signed_in(federation_user), signed_in(other_federation_user)
    form = sender.get(person_url("person_transfer", an))
    assert ("DT01", "CĐCS Trường THCS Hùng Sơn") not in form.context["options"]
    assert ("PB01", "CĐCS Công ty May Phú Bình") in form.context["options"]

    asked = sender.post(person_url("person_transfer", an), {"to_cdcs": "PB01 – CĐCS Công ty May Phú Bình"})

    transfer = MemberTransfer.objects.get()
    assert asked.status_code == 302 and transfer.status == "pending" and transfer.to_cdcs == pb01
    assert "Đã gửi đề nghị chuyển" in messages_after(sender, asked)[0]
    assert receiver.get(person_url("person", an)).status_code == 404  # not theirs until they accept
    waiting = receiver.get(reverse("members:transfers"))
    row = find(find(page(waiting), "table", id="incoming"), "tr", data_transfer=str(transfer.pk))
    assert "Nguyễn Văn An" in text(row) and "•••••••••234" in text(row) and AN_ID not in waiting.content.decode()
    assert find_all(
        find(page(sender.get(reverse("members:transfers"))), "table", id="outgoing"), "form", data_cancel=True
    )

    accepted = receiver.post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}), {"on": "2021-04-10"})

    assert accepted.status_code == 302 and accepted.url == reverse("members:transfers")
    assert messages_after(receiver, accepted) == [
        f"Đã tiếp nhận Đoàn viên #{an.pk} vào PB01 (tính vào số liệu tháng 04/2021)."
    ]
    an.refresh_from_db()
    assert an.cdcs == pb01
    assert sorted(an.events.filter(month=date(2021, 4, 1)).values_list("cdcs__code", "kind")) == [
        ("DT01", "lost"),
        ("PB01", "transferred_in"),
    ]
    assert sender.get(person_url("person", an)).status_code == 404
    assert receiver.get(person_url("person", an)).status_code == 200


def test_transfer_refusals_change_nothing(an, dt01, pb01, federation_user):
    client = signed_in(federation_user)
    to_itself = client.post(person_url("person_transfer", an), {"to_cdcs": "DT01"})
    assert "Không có CĐCS mã “DT01”" in " ".join(to_itself.context["form"].errors["to_cdcs"])
    member_transfer_request(member=an, to_cdcs=pb01, user=federation_user)
    again = client.post(person_url("person_transfer", an), {"to_cdcs": "PB01"})
    assert again.status_code == 200 and "Đã có đề nghị chuyển đến PB01" in text(
        find(page(again), id="pending-transfer")
    )
    leave = client.post(person_url("person_leave", an), {"on": "2021-04-02", "reason": "job"})
    assert leave.status_code == 200 and "hãy hủy đề nghị chuyển trước" in leave.content.decode()
    assert MemberTransfer.objects.count() == 1 and an.events.count() == 1


def test_the_receiving_side_rejects_with_a_reason(an, pb01, federation_user, other_federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=pb01, user=federation_user)
    receiver = signed_in(other_federation_user)
    reject = reverse("members:transfer_reject", kwargs={"pk": transfer.pk})

    without = receiver.post(reject, {"note": "  "})
    assert without.status_code == 302 and messages_after(receiver, without) == ["Trường này là bắt buộc."]
    transfer.refresh_from_db()
    assert transfer.status == "pending"

    rejected = receiver.post(reject, {"note": "Không có hồ sơ"})
    assert messages_after(receiver, rejected) == [f"Đã từ chối tiếp nhận Đoàn viên #{an.pk}."]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decision_note, transfer.decided_by) == (
        "rejected",
        "Không có hồ sơ",
        other_federation_user,
    )
    # the decided transfer shows who decided, on the member's page and in the recent list
    assert "Canbo.Pb" in text(
        find(page(signed_in(federation_user).get(person_url("person", an))), "table", id="transfers")
    )
    late = receiver.post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}), {"on": "2021-04-10"})
    assert messages_after(receiver, late) == ["Đề nghị chuyển sinh hoạt này không còn chờ tiếp nhận: bị từ chối."]
    an.refresh_from_db()
    assert an.cdcs.code == "DT01"


def test_only_the_right_side_acts_on_a_transfer(an, dt02, pb01, federation_user, other_federation_user, leader):
    inside = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user)
    outsider = signed_in(other_federation_user)
    for action in ("accept", "reject", "cancel"):
        url = reverse(f"members:transfer_{action}", kwargs={"pk": inside.pk})
        assert outsider.post(url, {"on": "2021-04-10", "note": "x"}).status_code == 404, action
        assert signed_in(leader).post(url, {"on": "2021-04-10", "note": "x"}).status_code == 403, action
        assert signed_in(federation_user).get(url).status_code == 405, action
    assert find_all(page(outsider.get(reverse("members:transfers"))), "tr", data_transfer=str(inside.pk)) == []
    inside.refresh_from_db()
    assert inside.status == "pending"

    # PB01's request to DT: DT decides, but only PB cancels
    binh = admit(pb01, "Trần Thị Bình")
    incoming = member_transfer_request(member=binh, to_cdcs=an.cdcs, user=other_federation_user)
    cancel = reverse("members:transfer_cancel", kwargs={"pk": incoming.pk})
    assert signed_in(federation_user).post(cancel).status_code == 403
    assert outsider.post(cancel).status_code == 302
    incoming.refresh_from_db()
    assert incoming.status == "cancelled"


def test_cancelling_from_the_members_page_goes_back_there(an, dt02, federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user)

    client = signed_in(federation_user)
    response = client.post(reverse("members:transfer_cancel", kwargs={"pk": transfer.pk}), {"back": "person"})

    assert response.url == person_url("person", an)
    assert messages_after(client, response) == [f"Đã hủy đề nghị chuyển Đoàn viên #{an.pk}."]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == ("cancelled", federation_user)


def test_an_acceptance_before_the_members_last_event_is_refused(an, dt02, federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user)
    url = reverse("members:transfer_accept", kwargs={"pk": transfer.pk})

    client = signed_in(federation_user)
    assert messages_after(client, client.post(url, {"on": ""})) == ["Trường này là bắt buộc."]
    response = client.post(url, {"on": "2021-03-01"})

    assert "trước biến động gần nhất" in messages_after(client, response)[0]
    transfer.refresh_from_db()
    an.refresh_from_db()
    assert transfer.status == "pending" and an.cdcs.code == "DT01" and an.events.count() == 1


def test_decided_transfers_name_only_members_the_user_may_read(an, pb01, federation_user, other_federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=pb01, user=federation_user)
    signed_in(other_federation_user).post(
        reverse("members:transfer_reject", kwargs={"pk": transfer.pk}), {"note": "Không nhận"}
    )

    receiver = find(page(signed_in(other_federation_user).get(reverse("members:transfers"))), "table", id="decided")
    sender = find(page(signed_in(federation_user).get(reverse("members:transfers"))), "table", id="decided")

    assert f"Đoàn viên #{an.pk}" in text(receiver) and "Nguyễn" not in text(receiver)
    assert "Nguyễn Văn An" in text(sender) and "Không nhận" in text(sender)


def test_transfers_page_takes_a_constant_number_of_queries(dt01, dt02, provincial_staff, django_assert_max_num_queries):
    for number in range(30):
        member = admit(dt01, f"Người Thứ {number}")
        member_transfer_request(member=member, to_cdcs=dt02, user=None)
    client = signed_in(provincial_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:transfers"))
    assert len(response.context["incoming"]) == 30


def test_the_register_month_is_this_month_by_default(dt01, federation_user):
    form = signed_in(federation_user).get(reverse("members:person_new")).context["form"]
    assert form["month"].value() == Month.of(timezone.localdate())


def test_a_transfer_asked_for_by_the_system_shows_on_the_members_page(an, dt02, federation_user):
    """A transfer without a requesting user (a command, the demo) broke the member's page (500)."""
    member_transfer_request(member=an, to_cdcs=dt02, user=None)

    response = signed_in(federation_user).get(person_url("person", an))

    assert response.status_code == 200
    assert "hệ thống" in text(find(page(response), "table", id="transfers"))
