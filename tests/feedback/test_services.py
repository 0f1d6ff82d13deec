"""The feedback domain: routing, the legal deadlines on the working calendar, each officer and
sender action, duplicates and repeats, privacy of photos and public text, the 766 figures."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from motcua.core.outbox import OutboxMessage
from motcua.dossiers.files import NewUpload
from motcua.feedback import selectors, services
from motcua.feedback.models import ItemChannel, ItemStatus, Topic
from motcua.feedback.privacy import public_draft, scrub
from motcua.feedback.services import FeedbackError
from tests.dossiers.world import local

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 12, 7, 9, 0)  # a Monday


def send(world, topic, **extra):
    values = dict(
        topic=topic,
        title="Đèn đường hỏng",
        body="Đèn trước số nhà 12 phố Tràng Tiền tắt ba hôm nay.",
        channel=ItemChannel.PORTAL,
        sender=world["citizen"],
        ward=world.ward,
        at=MONDAY,
    )
    values.update(extra)
    return services.submit_feedback(**values)


def test_an_item_goes_to_the_ward_with_the_legal_deadlines_in_working_days(world, topic):
    item = send(world, topic)
    assert item.agency == world.committee
    assert item.code.startswith("PA-261207-")
    # 2, 5 and 15 working days from Monday 07/12/2026 09:00.
    assert item.refuse_by == local(2026, 12, 9, 9, 0)
    assert item.info_by == local(2026, 12, 14, 9, 0)
    assert item.answer_by == local(2026, 12, 28, 9, 0)
    assert item.due_at == item.answer_by
    assert item.events.get().action == "submit"


def test_a_position_alone_finds_the_nearest_ward(world, topic):
    item = send(world, topic, ward=None, latitude="21.0349", longitude="105.8341")
    assert item.ward == world.ward2 and item.agency == world.committee2


def test_an_item_about_a_dossier_goes_to_the_dossier_agency(world):
    dossier = world.submit()
    item = send(world, Topic.objects.get(code="ho-so"), ward=None, dossier=dossier)
    assert item.agency == dossier.agency and item.procedure == dossier.version.procedure


def test_without_a_ward_or_position_the_sender_is_asked_for_one(world, topic):
    with pytest.raises(FeedbackError) as error:
        send(world, topic, ward=None)
    assert error.value.field == "ward"


def test_a_sender_without_account_must_verify_a_contact(world, topic):
    with pytest.raises(FeedbackError) as error:
        send(world, topic, sender=None, sender_name="Lê Văn C", sender_phone="0912000111")
    assert error.value.field == "code"
    item = send(world, topic, sender=None, sender_name="Lê Văn C", sender_phone="+84912000111",
                contact_verified=True)  # fmt: skip
    assert item.sender_phone == "0912000111" and item.follow_key


def test_the_hotline_needs_an_operator_and_the_callers_consent(world, topic):
    with pytest.raises(FeedbackError) as error:
        services.record_call(operator=world["operator"], topic=topic, caller_phone="0912000111",
                             summary="Đèn hỏng", consent=False, ward=world.ward)  # fmt: skip
    assert error.value.field == "consent"
    with pytest.raises(FeedbackError):
        services.record_call(operator=world["specialist"], topic=topic, caller_phone="0912000111",
                             summary="Đèn hỏng", consent=True, ward=world.ward)  # fmt: skip
    item = services.record_call(operator=world["operator"], topic=topic,
                                caller_phone="0912000111", summary="Đèn hỏng", consent=True,
                                ward=world.ward)  # fmt: skip
    assert item.channel == "hotline" and item.recorded_by == world["operator"]
    assert item.events.get().action == "record_call"


def test_refusing_after_two_working_days_is_late(world, topic):
    item = send(world, topic)
    item = services.refuse(item=item, officer=world["receiver"], reason="Không thuộc thẩm quyền",
                           at=MONDAY + timedelta(days=3))  # fmt: skip
    assert item.status == ItemStatus.REFUSED and item.was_late
    texts = [m.payload.get("text", "") for m in OutboxMessage.objects.filter(channel="sms")]
    assert any("Không thuộc thẩm quyền" in text for text in texts)


def test_an_officer_of_another_agency_may_not_act(world, topic):
    item = send(world, topic)
    with pytest.raises(FeedbackError):
        services.answer(item=item, officer=world["receiver2"], text="Đã sửa")
    assert selectors.visible_items(world["receiver2"]).filter(pk=item.pk).count() == 0
    assert selectors.visible_items(world["receiver"]).filter(pk=item.pk).count() == 1
    assert selectors.visible_items(world["other_citizen"]).count() == 0


def test_asking_for_information_restarts_the_answer_deadline(world, topic):
    item = send(world, topic)
    item = services.request_info(
        item=item,
        officer=world["specialist"],
        request="Ảnh chụp cột đèn",
        at=MONDAY + timedelta(days=1),
    )
    assert item.status == "info_requested" and item.due_at is None and not item.was_late
    arrived = local(2026, 12, 10, 14, 0)
    item = services.provide_info(item=item, text="Cột số 7", by=world["citizen"], at=arrived)
    assert item.status == "in_progress"
    assert item.answer_by == local(2026, 12, 31, 14, 0)


def test_answer_publish_rate_and_a_dislike_becomes_a_reopen_request(world, topic):
    item = send(world, topic)
    item = services.answer(item=item, officer=world["specialist"], text="Đã thay bóng đèn.",
                           at=MONDAY + timedelta(days=2))  # fmt: skip
    assert item.status == "answered" and not item.was_late
    assert item.publish_by == local(2026, 12, 11, 9, 0)
    draft = public_draft(item)
    assert "12" not in draft["public_question"] or "[đã ẩn]" in draft["public_question"]
    item = services.publish(item=item, officer=world["specialist"], **draft,
                            at=MONDAY + timedelta(days=3))  # fmt: skip
    assert selectors.public_answers("den duong").filter(pk=item.pk).exists()
    item = services.rate(item=item, rating="dislike", by=world["citizen"], reason="Vẫn tắt",
                         at=MONDAY + timedelta(days=4))  # fmt: skip
    assert item.reopen_requested_at is not None and item.status == "answered"
    assert selectors.inbox(world["approver"], tab="reopen").filter(pk=item.pk).exists()
    with pytest.raises(FeedbackError):  # a specialist is not a leader
        services.decide_reopen(item=item, leader=world["specialist"], reopen=True, note="x")
    item = services.decide_reopen(item=item, leader=world["approver"], reopen=True,
                                  note="Kiểm tra lại", at=MONDAY + timedelta(days=5))  # fmt: skip
    assert item.status == "in_progress" and item.reopen_count == 1


def test_a_late_dislike_is_only_a_rating(world, topic):
    item = send(world, topic)
    item = services.answer(item=item, officer=world["specialist"], text="Đã sửa.", at=MONDAY)
    item = services.rate(item=item, rating="dislike", by=world["citizen"],
                         at=MONDAY + timedelta(days=6))  # fmt: skip
    assert item.reopen_requested_at is None and item.rating == "dislike"


def test_private_topics_are_never_published_nor_shown_as_nearby(world):
    conduct = Topic.objects.get(code="can-bo")
    item = send(world, conduct, title="Cán bộ thu tiền", body="Cán bộ A đòi tiền.")
    item = services.answer(item=item, officer=world["approver"], text="Đã xử lý kỷ luật.")
    with pytest.raises(FeedbackError):
        services.publish(item=item, officer=world["approver"], **public_draft(item))
    assert selectors.nearby_open(ward=world.ward, topic=conduct) == []
    assert item.classification == "conduct"


def test_conduct_is_for_leaders_and_never_for_the_officer_named(world):
    conduct = Topic.objects.get(code="can-bo")
    item = send(world, conduct, title="Thái độ", body="Cán bộ quát nạt.",
                officer=world["receiver"])  # fmt: skip
    for name, sees in (("approver", True), ("specialist", False), ("receiver", False)):
        assert selectors.visible_items(world[name]).filter(pk=item.pk).exists() is sees
        assert selectors.inbox(world[name]).filter(pk=item.pk).exists() is sees
    with pytest.raises(FeedbackError):
        services.answer(item=item, officer=world["specialist"], text="x")


def test_a_repeat_is_flagged_and_a_merged_duplicate_is_not_counted(world, topic):
    first = send(world, topic)
    services.answer(item=first, officer=world["specialist"], text="Đã sửa.", at=MONDAY)
    repeat = send(world, topic, at=MONDAY + timedelta(days=1))
    assert repeat.repeated_of == first
    duplicate = send(world, topic, sender=world["other_citizen"], latitude="21.0288",
                     longitude="105.8520", at=MONDAY + timedelta(days=1))  # fmt: skip
    assert repeat in selectors.nearby_open(ward=world.ward, topic=topic)
    near = selectors.nearby_open(ward=world.ward, topic=topic, latitude="21.02881",
                                 longitude="105.85201")  # fmt: skip
    assert near == [duplicate]  # only items with a position within 50 m
    services.merge(item=duplicate, original=repeat, officer=world["specialist"])
    figures = selectors.figures([world.committee], now=MONDAY + timedelta(days=2))
    assert figures.total == 2 and figures.repeated == 1
    assert figures.satisfaction_rate == 50
    services.answer(item=repeat, officer=world["specialist"], text="Đã sửa lần nữa.")
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.answer == "Đã sửa lần nữa."


def test_figures_count_open_items_past_their_deadline_as_late(world, topic):
    send(world, topic)
    on_time = send(world, topic, sender=world["other_citizen"])
    on_time = services.answer(item=on_time, officer=world["specialist"], text="Xong.", at=MONDAY)
    unpublished = selectors.figures([world.committee], now=local(2027, 1, 15, 9, 0))
    assert unpublished.late == 2  # an answer not published within 2 working days is late too
    services.publish(item=on_time, officer=world["specialist"], **public_draft(on_time),
                     at=MONDAY + timedelta(days=1))  # fmt: skip
    later = selectors.figures([world.committee], now=local(2027, 1, 15, 9, 0))
    assert (later.total, later.late, later.on_time_rate) == (2, 1, 50)
    assert later.by_channel["portal"] == 2 and later.by_channel["hotline"] == 0


def _photo_with_metadata() -> bytes:
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 43.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_is_turned_upright_and_loses_its_metadata(world, topic):
    item = send(world, topic, uploads=[NewUpload(io.BytesIO(_photo_with_metadata()), "a.jpg")])
    stored = item.attachments.get()
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert b"PhoneMaker" not in content and b"Exif" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (20, 40)
        assert not image.getexif()


def test_a_refused_attachment_leaves_no_item(world, topic):
    with pytest.raises(FeedbackError) as error:
        send(world, topic, uploads=[NewUpload(io.BytesIO(b"MZ not a picture"), "x.exe",
                                              key="files")])  # fmt: skip
    assert error.value.field == "files"
    from motcua.feedback.models import FeedbackItem

    assert not FeedbackItem.objects.exists()


def test_scrub_hides_names_phones_emails_and_numbers(world, topic):
    item = send(world, topic, body="Tôi là Nguyễn Văn An, 0912 345 678, an@example.vn, "
                                   "CCCD 001090012345.")  # fmt: skip
    text = scrub(item.body, item)
    for secret in ("Nguyễn Văn An", "0912 345 678", "an@example.vn", "001090012345"):
        assert secret not in text


def test_a_dissatisfied_evaluation_becomes_an_item_for_the_leaders(world):
    dossier = world.submit()
    item = services.open_from_evaluation(dossier=dossier, comment="Chờ lâu quá", at=MONDAY)
    assert item.agency == dossier.agency and item.dossier == dossier and item.leaders_only
    assert item.sender == dossier.applicant and item.topic.code == "ho-so"
    assert selectors.inbox(world["approver"]).filter(pk=item.pk).exists()
    assert not selectors.inbox(world["specialist"]).filter(pk=item.pk).exists()
    leaders = [m.recipient for m in OutboxMessage.objects.filter(channel="email")]
    assert "lanhdao@example.vn" in leaders


def test_the_rule_table_refuses_a_second_rating_for_every_door(world, topic):
    from motcua.feedback import rules

    item = services.answer(item=send(world, topic), officer=world["specialist"], text="Xong.")
    assert rules.why_not(None, "rate", item) is None
    item = services.rate(item=item, rating="like", by=world["citizen"])
    assert rules.why_not(None, "rate", item) == "Bạn đã đánh giá câu trả lời này."
    with pytest.raises(FeedbackError):
        services.rate(item=item, rating="dislike", by=world["citizen"])
