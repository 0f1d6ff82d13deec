"""The agency's feedback in the back office, through HTTP: the inbox with its marks and filters,
one item and its attachments, each officer action through its page, and who gets a 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.dossiers.files import NewUpload
from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, ItemChannel, ItemStatus, Topic, WardPoint
from motcua.identity.models import OfficerRole
from tests.dossiers.world import local, officer

from .dossier_helpers import PDF, make_world, text, travel

MONDAY = local(2026, 12, 7, 9, 0)
INBOX = reverse("backoffice:feedback-inbox")
CALLS = reverse("backoffice:hotline")


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(settings)
    operator = officer("tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.land_dept)
    world.people["operator"] = operator
    WardPoint.objects.create(ward=world.ward, latitude="21.028800", longitude="105.852000")
    return world


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.get(code="chieu-sang")


def send(world, topic, **extra) -> FeedbackItem:
    values = dict(
        topic=topic,
        title="Đèn đường hỏng",
        body="Đèn trước số nhà 12 phố Tràng Tiền tắt ba hôm nay. Gọi 0912345678.",
        channel=ItemChannel.PORTAL,
        sender=world["citizen"],
        ward=world.ward,
        at=MONDAY,
    )
    values.update(extra)
    return services.submit_feedback(**values)


def page(item: FeedbackItem) -> str:
    return reverse("backoffice:feedback", args=[item.code])


def action(item: FeedbackItem, slug: str) -> str:
    return reverse("backoffice:feedback-action", args=[item.code, slug])


def fresh(item: FeedbackItem) -> FeedbackItem:
    return FeedbackItem.objects.get(pk=item.pk)


# The inbox ------------------------------------------------------------------------------------


def test_the_inbox_puts_the_nearest_deadline_first_and_marks_the_overdue(client, world, topic):
    late = send(world, topic, title="Cũ", at=MONDAY - timedelta(days=30))
    recent = send(world, topic, title="Mới")
    client.force_login(world["receiver"])
    with travel(MONDAY + timedelta(hours=1)):
        response = client.get(INBOX)
    body = text(response)
    assert response.status_code == 200
    assert body.index(late.code) < body.index(recent.code)
    assert body.count("Quá hạn") == 1
    assert '<span class="mark mark-overdue">' in response.content.decode()


def test_the_inbox_filters_by_channel_topic_and_status(client, world, topic):
    lamp = send(world, topic)
    waste = send(world, Topic.objects.get(code="rac-thai"), title="Rác")
    call = services.record_call(
        operator=world["operator"], topic=topic, caller_phone="0912000111",
        summary="Gọi báo đèn tắt", consent=True, ward=world.ward,
    )  # fmt: skip
    client.force_login(world["receiver"])
    by_channel = text(client.get(INBOX, {"kenh": "hotline"}))
    assert call.code in by_channel and lamp.code not in by_channel
    by_topic = text(client.get(INBOX, {"chu-de": "rac-thai"}))
    assert waste.code in by_topic and lamp.code not in by_topic
    services.classify(item=lamp, officer=world["receiver"], classification="other")
    by_status = text(client.get(INBOX, {"trang-thai": "in_progress"}))
    assert lamp.code in by_status and waste.code not in by_status
    # An unknown value is ignored, not an error.
    assert client.get(INBOX, {"kenh": "fax", "page": "x"}).status_code == 200


def test_only_leaders_have_the_reopen_tab(client, world, topic):
    client.force_login(world["specialist"])
    assert "Đề nghị xử lý lại" not in text(client.get(INBOX))
    client.force_login(world["approver"])
    assert "Đề nghị xử lý lại" in text(client.get(INBOX))


# Who sees what ------------------------------------------------------------------------------


def test_another_agencys_officer_gets_404_on_every_url(client, world, topic):
    upload = NewUpload(SimpleUploadedFile("a.pdf", PDF), name="a.pdf", key="files")
    item = send(world, topic, uploads=[upload])
    record = item.attachments.get()
    client.force_login(world["receiver2"])
    file_url = reverse("backoffice:feedback-file", args=[item.code, record.pk])
    for url in (page(item), file_url, action(item, "tra-loi")):
        assert client.get(url).status_code == 404
    assert client.post(action(item, "tra-loi"), {"answer": "Đã sửa"}).status_code == 404
    assert fresh(item).status == ItemStatus.RECEIVED
    assert client.get(INBOX).content.decode().count(item.code) == 0


def test_the_agency_reads_the_item_its_sender_and_its_attachment(client, world, topic):
    upload = NewUpload(SimpleUploadedFile("anh.pdf", PDF), name="anh.pdf", key="files")
    item = send(world, topic, uploads=[upload], address="12 Tràng Tiền")
    client.force_login(world["specialist"])
    body = text(client.get(page(item)))
    for expected in ("Đèn đường hỏng", "Nguyễn Văn An", "0912345678", "an@example.vn",
                     "12 Tràng Tiền", "Gửi phản ánh", "28/12/2026 09:00", "anh.pdf"):  # fmt: skip
        assert expected in body, expected
    record = item.attachments.get()
    response = client.get(reverse("backoffice:feedback-file", args=[item.code, record.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_specialist_cannot_see_a_conduct_item_but_a_leader_handles_it(client, world):
    conduct = send(world, Topic.objects.get(code="can-bo"), title="Cán bộ gây khó dễ")
    client.force_login(world["specialist"])
    assert client.get(page(conduct)).status_code == 404
    assert conduct.code not in text(client.get(INBOX, {"hop": "tat-ca"}))
    client.force_login(world["approver"])
    response = client.get(page(conduct))
    assert response.status_code == 200
    assert "chỉ lãnh đạo cơ quan xử lý" in text(response)


def test_the_officer_a_conduct_item_names_never_sees_it(client, world):
    conduct = send(world, Topic.objects.get(code="can-bo"), officer=world["approver"])
    client.force_login(world["approver"])
    assert client.get(page(conduct)).status_code == 404


# The actions, each through its page ---------------------------------------------------------


def test_the_item_page_offers_what_the_rules_allow(client, world, topic):
    item = send(world, topic)
    client.force_login(world["receiver"])
    body = text(client.get(page(item)))
    offered = (
        "Phân loại phản ánh", "Chuyển cơ quan xử lý", "Từ chối tiếp nhận phản ánh",
        "Yêu cầu người gửi bổ sung thông tin", "Trả lời phản ánh", "Gộp vào phản ánh trùng",
    )  # fmt: skip
    for title in offered:
        assert title in body, title
    assert "Công khai câu trả lời" not in body


def test_an_officer_classifies_an_item(client, world, topic):
    item = send(world, topic)
    client.force_login(world["receiver"])
    assert client.post(action(item, "phan-loai"), {}).status_code == 400
    response = client.post(action(item, "phan-loai"), {"classification": "regulation"})
    assert response.status_code == 302 and response.url == page(item)
    item = fresh(item)
    assert item.classification == "regulation" and item.status == ItemStatus.IN_PROGRESS


def test_classifying_as_conduct_takes_it_out_of_a_specialists_sight(client, world, topic):
    item = send(world, topic)
    client.force_login(world["specialist"])
    response = client.post(action(item, "phan-loai"), {"classification": "conduct"})
    assert response.status_code == 302 and response.url == INBOX
    assert client.get(page(item)).status_code == 404


def test_an_officer_transfers_an_item_to_the_responsible_agency(client, world, topic):
    item = send(world, topic)
    client.force_login(world["receiver"])
    form = client.get(action(item, "chuyen-co-quan"))
    assert "Sở Nông nghiệp và Môi trường" in text(form) and "Công an Phường" in text(form)
    narrowed = text(client.get(action(item, "chuyen-co-quan"), {"q": "so nong nghiep"}))
    assert "Sở Nông nghiệp và Môi trường" in narrowed and "Công an Phường" not in narrowed
    missing = client.post(action(item, "chuyen-co-quan"), {"agency": world.land_dept.pk})
    assert missing.status_code == 400 and "Nhập lý do chuyển." in text(missing)
    response = client.post(
        action(item, "chuyen-co-quan"), {"agency": world.land_dept.pk, "note": "Thuộc Sở"}
    )
    assert response.status_code == 302 and response.url == INBOX
    assert fresh(item).agency == world.land_dept
    assert client.get(page(item)).status_code == 404
    client.force_login(world["land_specialist"])
    assert client.get(page(item)).status_code == 200


def test_an_officer_refuses_an_item_with_a_reason(client, world, topic):
    item = send(world, topic)
    client.force_login(world["receiver"])
    response = client.post(action(item, "tu-choi"), {"reason": "Không thuộc thẩm quyền"})
    assert response.status_code == 302
    item = fresh(item)
    assert item.status == ItemStatus.REFUSED and item.refusal_reason == "Không thuộc thẩm quyền"
    # Refused, it offers nothing more: typed by hand, the address answers with the reason.
    again = client.get(action(item, "tra-loi"))
    assert again.status_code == 409 and "Từ chối tiếp nhận" in text(again)


def test_an_officer_asks_the_sender_for_more_information(client, world, topic):
    item = send(world, topic)
    client.force_login(world["receiver"])
    response = client.post(action(item, "yeu-cau-bo-sung"), {"request": "Vị trí cột đèn"})
    assert response.status_code == 302
    assert fresh(item).status == ItemStatus.INFO_REQUESTED
    assert "Vị trí cột đèn" in text(client.get(page(item)))


def test_an_officer_answers_with_an_attachment(client, world, topic):
    item = send(world, topic)
    client.force_login(world["specialist"])
    empty = client.post(action(item, "tra-loi"), {"answer": "  "})
    assert empty.status_code == 400 and 'href="#id_answer"' in empty.content.decode()
    scan = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    response = client.post(
        action(item, "tra-loi"), {"answer": "Đã thay bóng đèn.", "attachments": scan}
    )
    assert response.status_code == 302
    item = fresh(item)
    assert item.status == ItemStatus.ANSWERED and item.answer == "Đã thay bóng đèn."
    assert item.attachments.get().from_agency


def test_a_refused_attachment_is_shown_beside_the_file_field(client, world, topic):
    item = send(world, topic)
    client.force_login(world["specialist"])
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = client.post(action(item, "tra-loi"), {"answer": "Đã xử lý.", "attachments": bad})
    assert response.status_code == 400
    assert 'href="#id_attachments"' in response.content.decode()
    assert fresh(item).status == ItemStatus.RECEIVED and not item.attachments.exists()


def test_publishing_starts_from_the_draft_without_personal_data(client, world, topic):
    item = services.answer(item=send(world, topic), officer=world["receiver"], text="Đã sửa.")
    client.force_login(world["receiver"])
    form = client.get(action(item, "cong-khai"))
    assert form.status_code == 200
    draft = re.search(
        r'<textarea name="public_question"[^>]*>(.*?)</textarea>', form.content.decode(), re.S
    )
    assert draft and "[đã ẩn]" in draft.group(1) and "0912345678" not in draft.group(1)
    response = client.post(action(item, "cong-khai"), {
        "public_title": "Đèn đường hỏng", "public_question": "Đèn tắt.", "public_answer": "Đã sửa.",
    })  # fmt: skip
    assert response.status_code == 302
    assert fresh(item).published_at is not None


def test_a_private_topic_is_never_offered_for_publication(client, world):
    item = send(world, Topic.objects.get(code="tranh-chap"))
    item = services.answer(item=item, officer=world["receiver"], text="Đã hòa giải.")
    client.force_login(world["receiver"])
    assert "Công khai câu trả lời" not in text(client.get(page(item)))
    assert client.post(action(item, "cong-khai"), {}).status_code == 409


def test_an_officer_merges_a_duplicate_into_its_original(client, world, topic):
    original = send(world, topic, title="Đèn hỏng lần đầu")
    duplicate = send(world, topic, sender=world["other_citizen"])
    client.force_login(world["receiver"])
    form = client.get(action(duplicate, "gop"))
    assert original.code in text(form)
    unknown = client.post(action(duplicate, "gop"), {"original": "PA-000000-9999"})
    assert unknown.status_code == 400 and "Không tìm thấy phản ánh" in text(unknown)
    itself = client.post(action(duplicate, "gop"), {"original": duplicate.code})
    assert itself.status_code == 400 and 'href="#id_original"' in itself.content.decode()
    response = client.post(action(duplicate, "gop"), {"original": original.code.lower()})
    assert response.status_code == 302
    duplicate = fresh(duplicate)
    assert duplicate.status == ItemStatus.MERGED and duplicate.merged_into == original


def test_a_leader_decides_a_reopen_request(client, world, topic):
    item = services.answer(item=send(world, topic), officer=world["receiver"], text="Đã sửa.",
                           at=MONDAY + timedelta(hours=2))  # fmt: skip
    services.rate(item=item, rating="dislike", by=world["citizen"], reason="Vẫn tắt",
                  at=MONDAY + timedelta(days=1))  # fmt: skip
    client.force_login(world["specialist"])
    assert client.get(action(item, "xu-ly-lai")).status_code == 403
    client.force_login(world["approver"])
    tab = text(client.get(INBOX, {"hop": "de-nghi-xu-ly-lai"}))
    assert item.code in tab
    assert "Vẫn tắt" in text(client.get(page(item)))
    missing = client.post(action(item, "xu-ly-lai"), {"decision": "1"})
    assert missing.status_code == 400 and "Nhập ý kiến của lãnh đạo." in text(missing)
    response = client.post(action(item, "xu-ly-lai"), {"decision": "1", "note": "Kiểm tra lại"})
    assert response.status_code == 302
    item = fresh(item)
    assert item.status == ItemStatus.IN_PROGRESS and item.reopen_decision == "reopened"
    assert item.code not in text(client.get(INBOX, {"hop": "de-nghi-xu-ly-lai"}))


def test_a_leader_may_keep_the_answer(client, world, topic):
    item = services.answer(item=send(world, topic), officer=world["receiver"], text="Đã sửa.")
    services.rate(item=item, rating="dislike", by=world["citizen"], reason="Chưa sửa")
    client.force_login(world["approver"])
    response = client.post(action(item, "xu-ly-lai"), {"decision": "0", "note": "Đã kiểm tra"})
    assert response.status_code == 302
    item = fresh(item)
    assert item.status == ItemStatus.ANSWERED and item.reopen_decision == "kept"


def test_an_unknown_action_is_404(client, world, topic):
    item = send(world, topic)
    client.force_login(world["receiver"])
    assert client.get(action(item, "xoa")).status_code == 404


def test_the_inbox_and_the_call_list_cost_the_same_queries_however_many_items(client, world, topic):
    def queries(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def one_call():
        services.record_call(operator=world["operator"], topic=topic, caller_phone="0912000111",
                             summary="Đèn tắt", consent=True, ward=world.ward)  # fmt: skip

    send(world, topic)
    one_call()
    few = queries(world["receiver"], INBOX), queries(world["operator"], CALLS)
    for _ in range(5):
        send(world, topic, sender=world["other_citizen"])
        one_call()
    assert (queries(world["receiver"], INBOX), queries(world["operator"], CALLS)) == few


def test_the_item_links_its_position_to_a_map_and_only_web_photo_links(client, world, topic):
    item = send(world, topic, latitude="21.0288", longitude="105.852",
                media_urls=["https://anh.example.vn/1.jpg", "javascript:alert(1)"])  # fmt: skip
    client.force_login(world["receiver"])
    html = client.get(page(item)).content.decode()
    assert "openstreetmap.org/?mlat=21.028800&amp;mlon=105.852000" in html
    assert '<a href="https://anh.example.vn/1.jpg"' in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html


def test_an_item_due_within_a_working_day_is_marked_due_soon(client, world, topic):
    item = send(world, topic)  # answer due 28/12/2026 09:00
    client.force_login(world["receiver"])
    with travel(local(2026, 12, 25, 16, 0)):  # Friday afternoon: less than a working day left
        inbox, detail = client.get(INBOX), client.get(page(item))
    for response in (inbox, detail):
        assert '<span class="mark mark-due_soon">' in response.content.decode()
        assert "Sắp đến hạn" in text(response)
    with travel(local(2026, 12, 21, 9, 0)):
        assert "Sắp đến hạn" not in text(client.get(INBOX))
