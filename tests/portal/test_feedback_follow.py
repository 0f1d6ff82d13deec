"""Following an item on the portal: its sender (account or follow key) and its followers see
what each may; anyone else gets 404; the sender adds the information asked for, rates the
answer (a dislike becomes a reopen request), downloads the files; "my feedback"."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from motcua.dossiers.files import NewUpload
from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, ItemChannel, ItemStatus, Topic
from tests.portal.citizen_world import build_citizen_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


def photo() -> NewUpload:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    buffer.seek(0)
    return NewUpload(buffer, name="anh.png", key="attachments")


def send(world, **extra) -> FeedbackItem:
    values = dict(topic=Topic.objects.get(code="mat-duong"), title="Ổ gà trước nhà Nguyễn Văn An",
                  body="Ổ gà sâu trước số nhà 12 Hàng Bạc, gọi tôi 0912345678.",
                  channel=ItemChannel.PORTAL, sender=world["citizen"], ward=world.ward,
                  uploads=[photo()])  # fmt: skip
    values.update(extra)
    return services.submit_feedback(**values)


def anonymous(world) -> FeedbackItem:
    return send(world, sender=None, sender_name="Lê Văn Cường", sender_phone="0903111222",
                contact_verified=True)  # fmt: skip


def as_user(world, who: str) -> Client:
    client = Client()
    client.force_login(world[who])
    return client


def follow_url(item: FeedbackItem, key: str = "") -> str:
    return url("feedback-follow", item.code) + (f"?k={key}" if key else "")


def test_the_sender_sees_their_item_with_its_deadline_and_history(world):
    item = send(world)
    page = as_user(world, "citizen").get(follow_url(item)).content.decode()
    assert item.title in page and item.body in page and "anh.png" in page
    assert timezone.localtime(item.answer_by).strftime("%d/%m/%Y") in page
    assert "Gửi phản ánh" in page and "Mới tiếp nhận" in page


def test_a_sender_without_account_opens_it_by_the_follow_key_only(world):
    item = anonymous(world)
    assert Client().get(follow_url(item, item.follow_key)).status_code == 200
    response = Client().get(follow_url(item, item.follow_key))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert Client().get(follow_url(item)).status_code == 404
    assert Client().get(follow_url(item, "x" * 43)).status_code == 404


def test_anyone_else_gets_404_whether_or_not_the_item_exists(world):
    item = send(world)
    other = as_user(world, "other_citizen")
    assert other.get(follow_url(item)).status_code == 404
    assert other.get(url("feedback-follow", "PA-000000-0000")).status_code == 404
    assert other.get(url("feedback-file", item.code, item.attachments.get().pk)).status_code == 404
    assert Client().get(follow_url(item)).status_code == 404


def test_a_follower_sees_the_progress_without_the_sender_or_their_files(world):
    item = send(world)
    services.follow(item=item, user=world["other_citizen"])
    services.answer(item=item, officer=world["receiver"], text="Đã vá ổ gà. Liên hệ 0912345678.")
    page = as_user(world, "other_citizen").get(follow_url(item)).content.decode()
    assert "Đã trả lời" in page and "Đã vá ổ gà" in page
    for private in ("Nguyễn Văn An", "0912345678", "12 Hàng Bạc", "anh.png", item.body):
        assert private not in page, private
    assert "Gửi đánh giá" not in page  # only the sender rates
    file_id = item.attachments.get().pk
    assert (
        as_user(world, "other_citizen").get(url("feedback-file", item.code, file_id)).status_code
        == 404
    )


def test_officers_names_never_appear(world):
    officer = world["receiver"]
    officer.full_name = "Phạm Thị Cán Bộ"
    officer.save()
    item = send(world)
    services.request_info(item=item, officer=world["receiver"], request="Cho biết số nhà gần nhất.")
    page = as_user(world, "citizen").get(follow_url(item)).content.decode()
    assert "Cho biết số nhà gần nhất." in page
    assert "Phạm Thị Cán Bộ" not in page and officer.email not in page


def test_the_sender_downloads_their_file(world):
    item = anonymous(world)
    record = item.attachments.get()
    response = Client().get(url("feedback-file", item.code, record.pk) + f"?k={item.follow_key}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]
    assert Client().get(url("feedback-file", item.code, record.pk)).status_code == 404
    missing = url("feedback-file", item.code, record.pk + 99) + f"?k={item.follow_key}"
    assert Client().get(missing).status_code == 404


def test_the_sender_provides_the_information_asked_for(world):
    item = anonymous(world)
    services.request_info(item=item, officer=world["receiver"], request="Gửi thêm ảnh.")
    client = Client()
    page = client.get(follow_url(item, item.follow_key)).content.decode()
    assert "Gửi thêm ảnh." in page and "Gửi thông tin bổ sung" in page
    response = client.post(url("feedback-info", item.code), {"k": item.follow_key, "text": ""})
    assert response.status_code == 400 and "Nhập thông tin bổ sung." in response.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "them.jpg"
    response = client.post(url("feedback-info", item.code),
                           {"k": item.follow_key, "text": "Ảnh chụp sáng nay.",
                            "attachments": [buffer]})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == follow_url(item, item.follow_key)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS and item.attachments.count() == 2


def test_information_cannot_be_added_when_none_was_asked_for_or_by_someone_else(world):
    item = send(world)
    response = as_user(world, "citizen").post(url("feedback-info", item.code), {"text": "Thêm"})
    assert response.status_code == 400
    assert "không yêu cầu bổ sung thông tin" in response.content.decode()
    services.request_info(item=item, officer=world["receiver"], request="Gửi thêm ảnh.")
    other = as_user(world, "other_citizen")
    assert other.post(url("feedback-info", item.code), {"text": "Thêm"}).status_code == 404


def test_the_sender_likes_the_answer(world):
    item = send(world)
    services.answer(item=item, officer=world["receiver"], text="Đã vá.")
    client = as_user(world, "citizen")
    assert "Gửi đánh giá" in client.get(follow_url(item)).content.decode()
    response = client.post(url("feedback-rate", item.code), {"rating": "like"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rating == "like" and item.reopen_requested_at is None
    page = client.get(follow_url(item)).content.decode()
    assert "Gửi đánh giá" not in page and "Hài lòng với câu trả lời" in page
    again = client.post(url("feedback-rate", item.code), {"rating": "dislike", "reason": "x"})
    assert again.status_code == 400 and "Bạn đã đánh giá câu trả lời này." in again.content.decode()


def test_a_dislike_needs_a_reason_and_becomes_a_reopen_request(world):
    item = anonymous(world)
    services.answer(item=item, officer=world["receiver"], text="Không thuộc thẩm quyền.")
    client = Client()
    form = {"k": item.follow_key, "rating": "dislike", "reason": ""}
    response = client.post(url("feedback-rate", item.code), form)
    assert response.status_code == 400
    assert "Cho biết vì sao bạn không hài lòng." in response.content.decode()
    form["reason"] = "Ổ gà vẫn còn."
    response = client.post(url("feedback-rate", item.code), form)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rating == "dislike" and item.reopen_requested_at is not None
    page = client.get(follow_url(item, item.follow_key)).content.decode()
    assert "Đề nghị xử lý lại" in page and "đang xem xét" in page
    services.decide_reopen(item=item, leader=world["approver"], reopen=False, note="Đã xử lý đúng.")
    page = client.get(follow_url(item, item.follow_key)).content.decode()
    assert "giữ nguyên câu trả lời" in page and "Đã xử lý đúng." in page


def test_rating_before_the_answer_is_refused(world):
    item = send(world)
    response = as_user(world, "citizen").post(url("feedback-rate", item.code), {"rating": "like"})
    assert response.status_code == 400
    assert (
        "Chỉ đánh giá được câu trả lời khi phản ánh đã được trả lời." in response.content.decode()
    )


def test_my_feedback_lists_what_i_sent_and_follow(world):
    mine = send(world)
    theirs = send(world, sender=world["other_citizen"], title="Đèn tắt, gọi 0987654321")
    services.follow(item=theirs, user=world["citizen"])
    hidden = send(world, sender=world["other_citizen"], title="Không liên quan")
    page = as_user(world, "citizen").get(url("feedback-mine")).content.decode()
    assert mine.code in page and mine.title in page
    assert theirs.code in page and "0987654321" not in page  # a followed title is scrubbed
    assert hidden.code not in page
    assert Client().get(url("feedback-mine")).status_code == 302  # to sign in


def test_a_wrong_key_cannot_rate_or_add_information(world):
    item = anonymous(world)
    services.answer(item=item, officer=world["receiver"], text="Đã vá.")
    for name in ("feedback-rate", "feedback-info"):
        response = Client().post(url(name, item.code), {"k": "sai", "rating": "like", "text": "x"})
        assert response.status_code == 404
    item.refresh_from_db()
    assert item.rating == ""


def test_a_refusal_is_explained_to_the_sender_and_without_personal_data_to_followers(world):
    item = send(world)
    services.follow(item=item, user=world["other_citizen"])
    reason = "Không thuộc thẩm quyền phường. Ông Nguyễn Văn An gọi 0912345678."
    services.refuse(item=item, officer=world["receiver"], reason=reason)
    page = as_user(world, "citizen").get(follow_url(item)).content.decode()
    assert "Phản ánh không được tiếp nhận" in page and reason in page
    page = as_user(world, "other_citizen").get(follow_url(item)).content.decode()
    assert "Không thuộc thẩm quyền phường." in page
    assert "Nguyễn Văn An" not in page and "0912345678" not in page
