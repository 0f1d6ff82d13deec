"""Answering a feedback item and recording a hotline call in a real browser (Debian's
Chromium, driven by Playwright), with axe-core checking each page on the way: the inbox, the
item, the answer form with its errors, the call form refused without the caller's consent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, ItemChannel, ItemStatus, Topic
from motcua.identity.models import OfficerRole
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.dossiers.world import World, build_world, local, officer

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> Iterator[World]:
    settings.OFFICER_2FA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path
    # A live-server test empties the tables after it, the migration's topics included.
    Topic.objects.get_or_create(code="chieu-sang", defaults={"name": "Chiếu sáng công cộng"})
    with time_machine.travel(local(2026, 12, 7, 9, 0), tick=False):
        yield build_world()


def _signed_in(browser, site, username):
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(site + reverse("backoffice:login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    return page


def _officer_menu(page):
    """The back office's own menu (the site's header has a public feedback link too)."""
    return page.get_by_role("navigation", name="Công việc của cán bộ")


def test_an_officer_answers_an_item_with_a_file(browser, site, world, tmp_path):
    item = services.submit_feedback(
        topic=Topic.objects.get(code="chieu-sang"), title="Đèn đường hỏng",
        body="Đèn trước ngõ 5 Tràng Tiền tắt.", channel=ItemChannel.PORTAL,
        sender=world["citizen"], ward=world.ward,
    )  # fmt: skip
    page = _signed_in(browser, site, "chuyenvien")

    _officer_menu(page).get_by_role("link", name="Phản ánh, kiến nghị").click()
    assert_accessible(page)
    page.get_by_role("link", name=item.code).click()
    assert_accessible(page)
    actions = page.get_by_role("region", name="Thao tác bạn có thể thực hiện")
    actions.get_by_role("link", name="Trả lời phản ánh").click()

    page.get_by_role("button", name="Gửi câu trả lời").click()  # nothing typed
    summary = page.get_by_role("alert")
    assert "Nhập nội dung trả lời." in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link", name="Nhập nội dung trả lời.").click()
    assert page.evaluate("document.activeElement.id") == "id_answer"

    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(one_page_pdf("Bien ban"))
    page.get_by_label("Nội dung trả lời").fill("Đã thay bóng đèn ngày 07/12/2026.")
    page.get_by_label("Tệp đính kèm câu trả lời").set_input_files(str(scan))
    page.get_by_role("button", name="Gửi câu trả lời").click()
    page.wait_for_url(site + reverse("backoffice:feedback", args=[item.code]))
    assert "Đã gửi câu trả lời" in page.content()
    assert_accessible(page)
    item = FeedbackItem.objects.get(pk=item.pk)
    assert item.status == ItemStatus.ANSWERED
    assert item.attachments.get().original_name == "bien-ban.pdf"


def test_an_operator_records_a_call_only_with_the_callers_consent(browser, site, world):
    officer("tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.committee)
    page = _signed_in(browser, site, "tongdai")
    _officer_menu(page).get_by_role("link", name="Đường dây nóng").click()
    assert_accessible(page)
    page.get_by_role("link", name="Ghi nhận cuộc gọi").first.click()
    page.get_by_label("Số điện thoại người gọi").fill("0912 000 111")
    page.get_by_label("Chủ đề").select_option(label="Chiếu sáng công cộng")
    page.get_by_label("Nội dung cuộc gọi", exact=True).fill("Đèn phố Tràng Tiền tắt từ tối qua.")
    page.get_by_label("Phường, xã nơi xảy ra sự việc").select_option(label="Phường Hoàn Kiếm")
    page.get_by_role("button", name="Ghi nhận cuộc gọi").click()
    summary = page.get_by_role("alert")
    assert "Hãy hỏi và ghi nhận sự đồng ý của người gọi" in summary.inner_text()
    assert_accessible(page)
    assert not FeedbackItem.objects.exists()
    # What was typed is still there; only the consent is missing.
    assert page.get_by_label("Nội dung cuộc gọi", exact=True).input_value().startswith("Đèn phố")
    page.get_by_label("Người gọi đồng ý").check()
    page.get_by_role("button", name="Ghi nhận cuộc gọi").click()
    page.wait_for_url(site + reverse("backoffice:hotline"))
    item = FeedbackItem.objects.get()
    assert item.code in page.content() and item.agency == world.committee
    assert_accessible(page)
