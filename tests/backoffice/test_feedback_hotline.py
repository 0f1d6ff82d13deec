"""The hotline in the back office: an operator records a call (never without the caller's
consent), reads the calls they recorded, and reaches nothing else of the back office."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.feedback.models import FeedbackItem, ItemChannel, Topic
from motcua.identity.models import OfficerRole
from tests.dossiers.world import officer

from .dossier_helpers import make_world, text

RECORD = reverse("backoffice:hotline-record")
CALLS = reverse("backoffice:hotline")


@pytest.fixture
def world(db, settings):
    world = make_world(settings)
    operator = officer("tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.committee)
    world.people["operator"] = operator
    return world


def call(world, **extra):
    values = {
        "consent": "on",
        "caller_phone": "0912 000 111",
        "caller_name": "Lê Văn Gọi",
        "topic": Topic.objects.get(code="chieu-sang").pk,
        "summary": "Đèn đường phố Tràng Tiền tắt từ tối qua.",
        "ward": world.ward.pk,
    }
    values.update(extra)
    return values


def test_an_operator_sees_no_dossier_of_the_agency_their_role_names(client, world):
    dossier = world.submit()
    client.force_login(world["operator"])
    for box in ("tat-ca", "moi", "cho-nhan"):
        assert dossier.code not in text(client.get(reverse("backoffice:inbox"), {"hop": box}))
    assert client.get(reverse("backoffice:dossier", args=[dossier.code])).status_code == 404
    assert dossier.code not in text(client.get(reverse("backoffice:ledger")))
    unit = {"don-vi": world.committee.electronic_id}
    assert client.get(reverse("backoffice:report"), unit).status_code == 403
    assert client.get(reverse("backoffice:evaluations"), unit).status_code == 403


def test_an_operator_records_a_call_for_the_wards_committee(client, world):
    client.force_login(world["operator"])
    form = client.get(RECORD)
    assert form.status_code == 200 and "Người gọi đồng ý" in text(form)
    response = client.post(RECORD, call(world))
    assert response.status_code == 302 and response.url == CALLS
    item = FeedbackItem.objects.get()
    assert item.channel == ItemChannel.HOTLINE and item.agency == world.committee
    assert item.consent and item.recorded_by == world["operator"]
    assert item.sender_phone == "0912000111" and item.sender_name == "Lê Văn Gọi"
    listing = client.get(CALLS)
    body = text(listing)
    assert item.code in body and "Mới tiếp nhận" in body and "UBND Phường Hoàn Kiếm" in body
    assert f"Đã ghi nhận cuộc gọi thành phản ánh {item.code}" in body
    # The operator follows the item they recorded, and may do nothing to it.
    detail = client.get(reverse("backoffice:feedback", args=[item.code]))
    assert detail.status_code == 200
    assert "Hiện bạn không có thao tác nào với phản ánh này." in text(detail)
    # The ward's officers have it in their inbox.
    client.force_login(world["receiver"])
    assert item.code in text(client.get(reverse("backoffice:feedback-inbox")))


def test_a_call_without_the_callers_consent_is_refused_and_nothing_is_kept(client, world):
    client.force_login(world["operator"])
    values = call(world, summary="")
    del values["consent"]
    response = client.post(RECORD, values)
    assert response.status_code == 400
    assert 'href="#id_summary"' in response.content.decode()  # every error at once
    assert "Hãy hỏi và ghi nhận sự đồng ý của người gọi" in text(response)
    assert 'href="#id_consent"' in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_a_call_names_its_dossier_or_is_told_the_code_is_unknown(client, world):
    dossier = world.submit()
    client.force_login(world["operator"])
    unknown = client.post(RECORD, call(world, ward="", dossier_code="KHONG-CO"))
    assert unknown.status_code == 400 and 'href="#id_dossier_code"' in unknown.content.decode()
    response = client.post(RECORD, call(world, ward="", dossier_code=dossier.code))
    assert response.status_code == 302
    assert FeedbackItem.objects.get().dossier == dossier


def test_a_call_without_a_place_asks_for_the_ward(client, world):
    client.force_login(world["operator"])
    response = client.post(RECORD, call(world, ward=""))
    assert response.status_code == 400 and 'href="#id_ward"' in response.content.decode()


def test_only_operators_reach_the_hotline(client, world):
    client.force_login(world["receiver"])
    assert client.get(CALLS).status_code == 403
    assert client.post(RECORD, call(world)).status_code == 403
    assert not FeedbackItem.objects.exists()
    assert "Đường dây nóng" not in text(client.get(reverse("backoffice:home")))


def test_an_operator_only_account_has_a_working_home_with_the_hotline_alone(client, world):
    client.force_login(world["operator"])
    home = client.get(reverse("backoffice:home"))
    assert home.status_code == 200
    nav = home.content.decode().split('class="bo-nav', 1)[1].split("</nav>", 1)[0]
    assert reverse("backoffice:hotline") in nav
    assert reverse("backoffice:inbox") not in nav and reverse("backoffice:ledger") not in nav
    assert reverse("backoffice:feedback-inbox") not in nav
    assert "Ghi nhận cuộc gọi đường dây nóng" in text(home) and "Hồ sơ mới" not in text(home)


def test_a_wrong_number_is_shown_beside_the_callers_phone(client, world):
    client.force_login(world["operator"])
    response = client.post(RECORD, call(world, caller_phone="123"))
    assert response.status_code == 400
    assert 'href="#id_caller_phone"' in response.content.decode()
    assert "Số điện thoại không hợp lệ." in text(response)
    assert not FeedbackItem.objects.exists()
