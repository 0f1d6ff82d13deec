"""The public answers on the portal: only what the agency published (public title, question
and answer), searchable without diacritics, paged, cacheable for visitors; never the sender,
their files or the item's private text; never a private topic."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, ItemChannel, Topic
from motcua.feedback.privacy import public_draft
from tests.portal.citizen_world import build_citizen_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


def published(world, *, title: str = "Đèn đường Hàng Bạc tắt", topic: str = "chieu-sang"):
    item = services.submit_feedback(
        topic=Topic.objects.get(code=topic), title=title,
        body="Nhà tôi số 12 Hàng Bạc, Nguyễn Văn An, 0912345678.", channel=ItemChannel.PORTAL,
        sender=world["citizen"], ward=world.ward,
    )  # fmt: skip
    item = services.answer(item=item, officer=world["receiver"], text="Đã thay bóng đèn.")
    return services.publish(item=item, officer=world["receiver"], **public_draft(item))


def test_published_answers_are_listed_and_found_without_diacritics(world):
    item = published(world)
    published(world, title="Rác thải chợ Đồng Xuân", topic="rac-thai")
    page = Client().get(url("feedback-public")).content.decode()
    assert item.public_title in page and "Rác thải chợ Đồng Xuân" in page
    page = Client().get(url("feedback-public") + "?q=den+duong+hang+bac").content.decode()
    assert item.public_title in page and "Rác thải" not in page
    assert "Tìm thấy 1 câu trả lời." in page


def test_the_answer_page_shows_only_the_public_text(world):
    item = published(world)
    response = Client().get(url("feedback-answer", item.code))
    assert response.status_code == 200
    page = response.content.decode()
    assert item.public_question in page and "Đã thay bóng đèn." in page
    assert "UBND Phường Hoàn Kiếm" in page
    for private in ("Nguyễn Văn An", "0912345678", "an@example.vn", item.body):
        assert private not in page, private


def test_unpublished_and_private_items_are_not_public(world):
    item = services.submit_feedback(
        topic=Topic.objects.get(code="chieu-sang"), title="Chưa trả lời", body="x",
        channel=ItemChannel.PORTAL, sender=world["citizen"], ward=world.ward,
    )  # fmt: skip
    assert Client().get(url("feedback-answer", item.code)).status_code == 404
    assert "Chưa trả lời" not in Client().get(url("feedback-public")).content.decode()
    # A private topic's item is never published, even if its row says so.
    private = published(world, title="Tranh chấp ranh giới", topic="chieu-sang")
    FeedbackItem.objects.filter(pk=private.pk).update(topic=Topic.objects.get(code="tranh-chap"))
    assert Client().get(url("feedback-answer", private.code)).status_code == 404


def test_the_list_pages_through_many_answers(world):
    for n in range(21):
        published(world, title=f"Đèn số {n:02d} tắt")
    page = Client().get(url("feedback-public")).content.decode()
    assert "Trang 1 / 2" in page and 'rel="next"' in page
    second = Client().get(url("feedback-public") + "?page=2").content.decode()
    assert "Trang 2 / 2" in second


def test_public_answers_are_cacheable_for_visitors_only(world):
    item = published(world)
    for address in (url("feedback-public"), url("feedback-answer", item.code)):
        response = Client().get(address)
        assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
        signed_in = Client()
        signed_in.force_login(world["citizen"])
        assert "no-store" in signed_in.get(address)["Cache-Control"]
    # Sending and following are never stored.
    assert "no-store" in Client().get(url("feedback-contact"))["Cache-Control"]


def test_the_portal_links_to_feedback(world):
    page = Client().get(url("home")).content.decode()
    assert url("feedback-public") in page and url("feedback-send") in page
    citizen = Client()
    citizen.force_login(world["citizen"])
    assert url("feedback-mine") in citizen.get(url("feedback-public")).content.decode()
