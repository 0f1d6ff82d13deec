"""Issue 15's walk-through for feedback, through the real pages only: someone without an
account sends feedback about their ward with a photo (a code to their phone), follows it; the
ward's specialist finds it in the inbox, answers within the deadline and publishes the answer;
the sender dislikes it, which asks the ward's leader to reopen it; the public answer shows no
trace of the sender; an officer of another ward sees nothing. Then a returned dossier is rated
from the QR code on its slip without signing in, and the desk's tablet refuses a second rating."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from PIL import Image

from motcua.core.models import OutboxMessage
from motcua.core.sms import MemorySmsBackend
from motcua.feedback.models import FeedbackItem, WardPoint
from tests.dossiers.world import build_world, local


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def photo() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "gray").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "o-ga.jpg"
    return buffer


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OFFICER_2FA_REQUIRED = False
    world = build_world()
    WardPoint.objects.create(ward=world.ward, latitude="21.028800", longitude="105.852000")
    return world


def test_feedback_from_a_phone_to_a_public_answer_and_a_reopen_request(world):
    portal = lambda name, *a: reverse(f"portal:{name}", args=a)  # noqa: E731
    sender = Client()
    with time_machine.travel(local(2026, 12, 7, 20, 15), tick=False):  # a Monday evening
        who = {"sender_name": "Hoàng Văn Dũng", "contact": "0903111222"}
        response = sender.post(portal("feedback-contact"), who)
        assert response.status_code == 302
        code = re.search(r"\b(\d{6})\b", MemorySmsBackend.outbox[-1].text).group(1)
        response = sender.post(portal("feedback-send"), {
            "code": code, "topic": "mat-duong", "title": "Ổ gà trước nhà",
            "body": "Ổ gà sâu trước số 12 Hàng Bài, gọi 0903111222 nếu cần.", "ward": "00070",
            "procedure": "", "dossier": "", "address": "12 Hàng Bài",
            "latitude": "21.0226", "longitude": "105.8526",
        })  # fmt: skip
        assert response.status_code == 302, text(response)
        response = sender.post(portal("feedback-check"), {"attachments": [photo()]})
        assert response.status_code == 302
        sent = text(sender.get(portal("feedback-sent")))
    item = FeedbackItem.objects.get()
    # Sent after hours on Monday: 15 working days from Tuesday 08/12 end on Monday 28/12.
    assert item.code in sent and "28/12/2026" in sent
    texts = [m.payload.get("text", "") for m in OutboxMessage.objects.filter(channel="sms")]
    follow = re.search(r"/phan-anh/theo-doi/[^\s\"<]+\?k=[\w-]+", " ".join(texts))
    assert follow  # the receipt SMS carries the follow link

    other_ward = as_user(world["receiver2"])
    assert other_ward.get(reverse("backoffice:feedback", args=[item.code])).status_code == 404

    specialist = as_user(world["specialist"])
    with time_machine.travel(local(2026, 12, 10, 9, 0), tick=False):
        inbox = text(specialist.get(reverse("backoffice:feedback-inbox")))
        assert item.code in inbox
        action = lambda slug: reverse("backoffice:feedback-action", args=[item.code, slug])  # noqa: E731
        response = specialist.post(action("tra-loi"), {"answer": "Đã vá ổ gà ngày 09/12."})
        assert response.status_code == 302
        form = specialist.get(action("cong-khai")).content.decode()
        draft = " ".join(re.findall(r"<textarea[^>]*>(.*?)</textarea>", form, re.S))
        assert "Ổ gà sâu" in draft and "0903111222" not in draft and "[đã ẩn]" in draft
        response = specialist.post(action("cong-khai"), {
            "public_title": "Ổ gà phố Hàng Bài", "public_question": "Ổ gà sâu trên phố Hàng Bài.",
            "public_answer": "Đã vá ổ gà ngày 09/12.",
        })  # fmt: skip
        assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "answered" and not item.was_late and item.published_at

    page = text(sender.get(follow.group(0)))
    assert "Đã vá ổ gà" in page
    with time_machine.travel(local(2026, 12, 11, 9, 0), tick=False):
        response = sender.post(portal("feedback-rate", item.code),
                               {"k": item.follow_key, "rating": "dislike",
                                "reason": "Vá xong lại bong ngay."})  # fmt: skip
        assert response.status_code == 302
    reopen_tab = reverse("backoffice:feedback-inbox") + "?hop=de-nghi-xu-ly-lai"
    assert item.code in text(as_user(world["approver"]).get(reopen_tab))
    assert item.code not in text(specialist.get(reopen_tab))  # leaders triage, never silently

    public = Client()
    listing = text(public.get(portal("feedback-public") + "?q=o+ga"))
    assert "Ổ gà phố Hàng Bài" in listing
    answer = text(public.get(portal("feedback-answer", item.code)))
    assert "Đã vá ổ gà" in answer
    for private in ("Hoàng Văn Dũng", "0903111222", "12 Hàng Bài"):
        assert private not in answer and private not in listing
