"""Sending feedback from the portal, as a person does with the test client: signed in, or
without an account through a code sent to a phone or email; the dossier a sender may name; the
open items nearby shown before sending; attachments checked by the domain; the confirmation."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.test import Client
from PIL import Image

from motcua.core.sms import MemorySmsBackend
from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, ItemChannel, Topic, WardPoint
from tests.portal.citizen_world import PDF, build_citizen_world, submitted, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_citizen_world()
    WardPoint.objects.create(ward=world.ward, latitude="21.028800", longitude="105.852000")
    WardPoint.objects.create(ward=world.ward2, latitude="21.035000", longitude="105.834000")
    return world


def item_form(**extra: str) -> dict[str, str]:
    values = {
        "topic": "chieu-sang",
        "title": "Đèn đường hỏng",
        "body": "Đèn trước chợ Hàng Da tắt ba hôm nay.",
        "ward": "00070",
        "procedure": "",
        "dossier": "",
        "address": "Chợ Hàng Da",
        "latitude": "",
        "longitude": "",
    }
    values.update(extra)
    return values


def photo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "den-duong.jpg"
    return buffer


def signed_in(world, who: str = "citizen") -> Client:
    client = Client()
    client.force_login(world[who])
    return client


def last_code() -> str:
    found = re.search(r"\b(\d{6})\b", MemorySmsBackend.outbox[-1].text)
    assert found
    return found.group(1)


def anonymous_with_code(contact: str = "0903111222") -> tuple[Client, str]:
    client = Client()
    response = client.post(url("feedback-contact"), {"sender_name": "Lê Văn Cường",
                                                     "contact": contact})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == url("feedback-send")
    return client, last_code() if "@" not in contact else _mailed_code()


def _mailed_code() -> str:
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found
    return found.group(1)


# Signed in -----------------------------------------------------------------------------------


def test_a_citizen_sends_feedback_about_their_ward_with_a_photo(world):
    client = signed_in(world)
    page = client.get(url("feedback-send")).content.decode()
    assert 'value="00070" selected' in page  # the ward of the account's address
    assert "Mã xác minh" not in page  # the account is the sender: no code

    response = client.post(url("feedback-send"), item_form())
    assert response.status_code == 302 and response["Location"] == url("feedback-check")
    page = client.get(url("feedback-check")).content.decode()
    assert "UBND Phường Hoàn Kiếm" in page and "Gửi phản ánh" in page
    assert not FeedbackItem.objects.exists()  # nothing saved before "send"

    response = client.post(url("feedback-check"), {"attachments": [photo()]})
    assert response.status_code == 302 and response["Location"] == url("feedback-sent")
    item = FeedbackItem.objects.get()
    assert item.sender == world["citizen"] and item.channel == ItemChannel.PORTAL
    assert item.ward == world.ward and item.attachments.get().content_type == "image/jpeg"
    page = client.get(url("feedback-sent")).content.decode()
    assert item.code in page
    assert url("feedback-follow", item.code) in page and "?k=" not in page


def test_the_confirmation_shows_the_answer_deadline_as_dd_mm_yyyy(world):
    client = signed_in(world)
    client.post(url("feedback-send"), item_form())
    client.post(url("feedback-check"), {})
    item = FeedbackItem.objects.get()
    page = client.get(url("feedback-sent")).content.decode()
    from django.utils import timezone

    assert timezone.localtime(item.answer_by).strftime("%d/%m/%Y") in page


def test_what_was_typed_comes_back_with_the_errors(world):
    client = signed_in(world)
    response = client.post(url("feedback-send"), item_form(title="", latitude="21.03"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhập tiêu đề." in page and "Nhập cả vĩ độ và kinh độ" in page
    assert "Đèn trước chợ Hàng Da tắt ba hôm nay." in page
    assert 'href="#id_title"' in page  # the error summary links to the field


def test_without_a_ward_or_position_the_sender_is_asked_for_one(world):
    client = signed_in(world)
    response = client.post(url("feedback-send"), item_form(ward=""))
    assert response.status_code == 400
    assert "hãy chọn phường, xã nơi xảy ra sự việc" in response.content.decode()


def test_a_position_alone_finds_the_ward(world):
    client = signed_in(world)
    form = item_form(ward="", latitude="21.0349", longitude="105.8341")
    assert client.post(url("feedback-send"), form).status_code == 302
    assert "UBND Phường Ba Đình" in client.get(url("feedback-check")).content.decode()


def test_a_citizen_names_only_their_own_dossier(world):
    own = submitted(world)
    others = submitted(world, citizen="other_citizen")
    client = signed_in(world)
    response = client.post(url("feedback-send"), item_form(topic="ho-so", dossier=others.code))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không có hồ sơ mã này trong các hồ sơ của bạn" in page
    assert others.applicant_name not in page and "Trần Thị Bình" not in page

    assert (
        client.post(url("feedback-send"), item_form(topic="ho-so", dossier=own.code)).status_code
        == 302
    )
    client.post(url("feedback-check"), {})
    assert FeedbackItem.objects.get().dossier == own


def test_a_procedure_is_found_by_code_or_name(world):
    client = signed_in(world)
    response = client.post(
        url("feedback-send"), item_form(topic="thu-tuc", procedure="khong co thu tuc nay")
    )
    assert response.status_code == 400 and "Không tìm thấy thủ tục này" in response.content.decode()
    client.post(url("feedback-send"), item_form(topic="thu-tuc", procedure="1.000001"))
    assert "1.000001" in client.get(url("feedback-check")).content.decode()


def test_a_file_the_domain_refuses_is_shown_next_to_the_files_and_nothing_is_saved(world):
    client = signed_in(world)
    client.post(url("feedback-send"), item_form())
    fake = io.BytesIO(b"MZ not a photo")
    fake.name = "anh.jpg"
    response = client.post(url("feedback-check"), {"attachments": [fake]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "không phải PDF, JPEG hoặc PNG" in page and 'href="#id_attachments"' in page
    assert not FeedbackItem.objects.exists()
    # The draft is kept: sending again without the bad file works.
    assert client.post(url("feedback-check"), {}).status_code == 302


def test_more_than_five_files_are_refused(world):
    client = signed_in(world)
    client.post(url("feedback-send"), item_form())
    files = []
    for n in range(6):
        pdf = io.BytesIO(PDF)
        pdf.name = f"tep{n}.pdf"
        files.append(pdf)
    response = client.post(url("feedback-check"), {"attachments": files})
    assert response.status_code == 400 and "Chọn tối đa 5 tệp." in response.content.decode()


def test_an_officer_is_refused(world):
    client = signed_in(world, "receiver")
    assert client.get(url("feedback-send")).status_code == 403


def test_the_check_page_without_a_draft_goes_back_to_the_form(world):
    client = signed_in(world)
    response = client.get(url("feedback-check"))
    assert response.status_code == 302 and response["Location"] == url("feedback-send")


# Without an account ------------------------------------------------------------------------------


def test_without_an_account_the_contact_comes_first(world):
    response = Client().get(url("feedback-send"))
    assert response.status_code == 302 and response["Location"] == url("feedback-contact")


def test_a_sender_without_account_is_refused_without_the_right_code(world):
    client, code = anonymous_with_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(url("feedback-send"), item_form(code=wrong))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mã xác minh không đúng hoặc đã hết hạn." in page
    assert "Đèn trước chợ Hàng Da tắt ba hôm nay." in page  # nothing typed is lost
    # Without the code the form is not accepted, and the check page is out of reach.
    assert client.post(url("feedback-send"), item_form()).status_code == 400
    assert client.get(url("feedback-check"))["Location"] == url("feedback-send")
    assert not FeedbackItem.objects.exists()


def test_a_sender_without_account_sends_with_the_code_and_follows_by_the_key(world):
    client, code = anonymous_with_code("+84 903 111 222")
    assert client.post(url("feedback-send"), item_form(code=code)).status_code == 302
    assert client.post(url("feedback-check"), {"attachments": [photo()]}).status_code == 302
    item = FeedbackItem.objects.get()
    assert item.sender is None and item.sender_phone == "0903111222" and item.contact_verified
    assert item.sender_name == "Lê Văn Cường"
    page = client.get(url("feedback-sent")).content.decode()
    follow = f"{url('feedback-follow', item.code)}?k={item.follow_key}"
    assert follow in page
    assert Client().get(follow).status_code == 200
    # The next item needs a new code.
    assert client.get(url("feedback-send"))["Location"] == url("feedback-contact")


def test_an_email_gets_the_code_too(world):
    client, code = anonymous_with_code("Cuong@Example.vn")
    assert client.post(url("feedback-send"), item_form(code=code)).status_code == 302
    client.post(url("feedback-check"), {})
    assert FeedbackItem.objects.get().sender_email == "cuong@example.vn"


def test_a_bad_contact_is_explained(world):
    response = Client().post(url("feedback-contact"), {"sender_name": "", "contact": "12345"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhập họ và tên của bạn." in page and "Nhập số điện thoại Việt Nam" in page


def test_too_many_codes_for_one_contact_are_answered_429(world):
    client = Client()
    for _ in range(3):
        client.post(url("feedback-contact"), {"sender_name": "A", "contact": "0903111222"})
    response = client.post(url("feedback-contact"), {"sender_name": "A", "contact": "0903111222"})
    assert response.status_code == 429 and "Retry-After" in response
    assert "quá nhiều lần" in response.content.decode()


def test_without_an_account_a_dossier_is_named_only_with_its_applicant_phone(world):
    dossier = submitted(world)  # applicant phone 0912345678
    client, code = anonymous_with_code("0903111222")
    response = client.post(url("feedback-send"), item_form(code=code, topic="ho-so",
                                                           dossier=dossier.code))  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không thấy hồ sơ mã này với số điện thoại bạn đã xác minh" in page
    assert dossier.applicant_name not in page
    # The code was right and is spent: the form no longer asks for it.
    assert 'name="code"' not in page
    response = client.post(url("feedback-send"), item_form(topic="ho-so", dossier=""))
    assert response.status_code == 302

    owner, code = anonymous_with_code("0912345678")
    form = item_form(code=code, topic="ho-so", dossier=dossier.code)
    assert owner.post(url("feedback-send"), form).status_code == 302
    owner.post(url("feedback-check"), {})
    assert FeedbackItem.objects.get(dossier=dossier).agency == dossier.agency


# Duplicates ---------------------------------------------------------------------------------


def _open_item(world, **extra):
    values = dict(topic=Topic.objects.get(code="chieu-sang"), title="Đèn đường tắt, gọi 0912345678",
                  body="Nhà tôi ở số 5.", channel=ItemChannel.PORTAL,
                  sender=world["other_citizen"], ward=world.ward)  # fmt: skip
    values.update(extra)
    return services.submit_feedback(**values)


def test_open_items_nearby_are_shown_before_sending_without_their_sender(world):
    earlier = _open_item(world)
    client = signed_in(world)
    client.post(url("feedback-send"), item_form())
    page = client.get(url("feedback-check")).content.decode()
    assert earlier.code in page and "Đèn đường tắt" in page
    assert "0912345678" not in page and "Trần Thị Bình" not in page  # scrubbed, no sender
    assert "Theo dõi phản ánh này" in page and "Vẫn gửi phản ánh mới" in page


def test_a_citizen_follows_the_open_item_instead_of_sending_a_duplicate(world):
    earlier = _open_item(world)
    client = signed_in(world)
    client.post(url("feedback-send"), item_form())
    response = client.post(url("feedback-follow-instead"), {"item": earlier.code})
    assert response.status_code == 302
    assert response["Location"] == url("feedback-follow", earlier.code)
    assert earlier.followers.filter(pk=world["citizen"].pk).exists()
    assert FeedbackItem.objects.count() == 1  # nothing new was sent
    assert client.get(url("feedback-follow", earlier.code)).status_code == 200


def test_only_an_item_the_page_offered_can_be_followed(world):
    elsewhere = _open_item(world, ward=world.ward2)
    private = _open_item(world, topic=Topic.objects.get(code="tranh-chap"))
    client = signed_in(world)
    client.post(url("feedback-send"), item_form())
    page = client.get(url("feedback-check")).content.decode()
    assert elsewhere.code not in page and private.code not in page
    for item in (elsewhere, private):
        response = client.post(url("feedback-follow-instead"), {"item": item.code})
        assert response.status_code == 404
    assert not elsewhere.followers.filter(pk=world["citizen"].pk).exists()


def test_a_sender_without_account_is_told_to_sign_in_to_follow(world):
    earlier = _open_item(world)
    client, code = anonymous_with_code()
    client.post(url("feedback-send"), item_form(code=code))
    page = client.get(url("feedback-check")).content.decode()
    assert earlier.code in page and "đăng nhập" in page
    assert "Theo dõi phản ánh này" not in page
    response = client.post(url("feedback-follow-instead"), {"item": earlier.code})
    assert response.status_code == 302 and url("login") in response["Location"]


def test_far_away_items_are_not_duplicates_when_a_position_is_given(world):
    _open_item(world, latitude="21.040000", longitude="105.852000", ward=world.ward)
    near = _open_item(world, latitude="21.028900", longitude="105.852000", ward=world.ward)
    client = signed_in(world)
    client.post(url("feedback-send"), item_form(latitude="21.028800", longitude="105.852000"))
    page = client.get(url("feedback-check")).content.decode()
    assert near.code in page and page.count("Theo dõi phản ánh này") == 1


def test_five_wrong_codes_spend_the_code(world):
    client, code = anonymous_with_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert client.post(url("feedback-send"), item_form(code=wrong)).status_code == 400
    response = client.post(url("feedback-send"), item_form(code=code))
    assert response.status_code == 400
    assert "Mã xác minh không đúng hoặc đã hết hạn." in response.content.decode()


def test_the_pages_read_in_english(world):
    client = signed_in(world)
    client.cookies["django_language"] = "en"
    page = client.get(url("feedback-send"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your feedback" in page and "Ward or commune where it happened" in page


def test_a_link_from_a_dossier_or_procedure_fills_in_what_it_is_about(world):
    dossier = submitted(world)
    client = signed_in(world)
    page = client.get(url("feedback-send") + f"?ho-so={dossier.code}").content.decode()
    assert f'value="{dossier.code}"' in page and 'value="ho-so" selected' in page

    visitor = Client()
    response = visitor.get(url("feedback-send") + "?thu-tuc=1.000001")
    assert response["Location"] == url("feedback-contact") + "?thu-tuc=1.000001"
    response = visitor.post(response["Location"], {"sender_name": "A", "contact": "0903111222"})
    assert response["Location"] == url("feedback-send") + "?thu-tuc=1.000001"
    page = visitor.get(response["Location"]).content.decode()
    assert 'value="1.000001"' in page and 'value="thu-tuc" selected' in page


def test_the_dossier_and_procedure_pages_link_to_feedback_about_them(world):
    dossier = submitted(world)
    client = signed_in(world)
    page = client.get(url("dossier-detail", dossier.code)).content.decode()
    assert f"{url('feedback-send')}?ho-so={dossier.code}" in page
    page = Client().get(url("procedure-detail", "1.000001")).content.decode()
    assert f"{url('feedback-send')}?thu-tuc=1.000001" in page


def test_the_files_help_text_follows_the_language():
    from django.utils import translation

    from motcua.portal.feedback_forms import FilesForm

    with translation.override("en"):
        assert str(FilesForm().fields["attachments"].help_text).startswith("Up to 5")
    with translation.override("vi"):
        assert str(FilesForm().fields["attachments"].help_text).startswith("Tối đa 5")


def test_a_vague_procedure_name_is_refused_not_routed_to_the_first_match(world):
    client = signed_in(world)
    for vague in ("xyz-khong-co", "dang ky"):  # no match; several matches
        response = client.post(url("feedback-send"), item_form(procedure=vague))
        assert response.status_code == 400, vague
    response = client.post(url("feedback-send"), item_form(procedure="1.000001"))
    assert response.status_code == 302
