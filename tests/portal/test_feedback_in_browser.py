"""Someone without an account, on a phone, sends feedback about their ward with a photo and
follows it: in a real browser (Debian's Chromium, driven by Playwright), with axe-core run on
every page, errors included."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from motcua.core.sms import MemorySmsBackend
from motcua.feedback.models import FeedbackItem
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.portal.citizen_world import build_citizen_world

pytestmark = [pytest.mark.browser, needs_chromium]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


def _phone(browser: Any) -> Any:
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _submit(page: Any, button: str, *, status: int = 200) -> None:
    with page.expect_navigation() as landed:
        page.get_by_role("button", name=button, exact=True).click()
    answer = landed.value
    assert answer.status == status, f"{page.url}: {answer.status}\n{page.content()}"
    assert_accessible(page)


def _follow(page: Any, link: str) -> None:
    with page.expect_navigation() as landed:
        page.get_by_role("link", name=link, exact=True).first.click()
    assert landed.value.status == 200, page.url
    assert_accessible(page)


def test_someone_on_a_phone_sends_feedback_about_their_ward_with_a_photo_and_follows_it(
    browser, site, world, tmp_path
):
    picture = tmp_path / "den-duong.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())
    page = _phone(browser)
    assert page.goto(site + reverse("portal:feedback-public")).status == 200
    assert_accessible(page)

    _follow(page, "Gửi phản ánh, kiến nghị")  # not signed in: the contact comes first
    page.get_by_label("Họ và tên").fill("Lê Văn Cường")
    page.get_by_label("Số điện thoại hoặc thư điện tử").fill("0903 111 222")
    _submit(page, "Gửi mã xác minh")
    code = re.search(r"\b(\d{6})\b", MemorySmsBackend.outbox[-1].text)
    assert code and MemorySmsBackend.outbox[-1].phone == "0903111222"

    _submit(page, "Tiếp tục", status=400)  # nothing entered: the error summary, checked by axe
    assert page.get_by_role("link", name="Nhập tiêu đề.").is_visible()
    page.get_by_label("Mã xác minh").fill(code.group(1))
    page.get_by_label("Chủ đề").select_option("chieu-sang")
    page.get_by_label("Tiêu đề").fill("Đèn đường trước chợ Hàng Da không sáng")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Ba hôm nay đèn tắt cả đêm.")
    page.get_by_label("Phường, xã nơi xảy ra sự việc").select_option("00070")
    _submit(page, "Tiếp tục")
    assert "UBND Phường Hoàn Kiếm" in page.inner_text("main")

    page.get_by_label("Ảnh hoặc tệp PDF (không bắt buộc)").set_input_files(str(picture))
    _submit(page, "Gửi phản ánh")
    item = FeedbackItem.objects.get()
    assert page.get_by_text(item.code).is_visible()
    assert item.attachments.get().content_type == "image/jpeg" and item.sender is None

    _follow(page, "Theo dõi phản ánh")
    assert f"k={item.follow_key}" in page.url
    main = page.inner_text("main")
    assert "Đèn đường trước chợ Hàng Da không sáng" in main and "Mới tiếp nhận" in main
    assert page.get_by_role("link", name="den-duong.jpg").is_visible()
