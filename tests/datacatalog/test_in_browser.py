"""The whole cycle in a real browser (Debian's Chromium, driven by Playwright), with axe-core
checking each page: a department proposes a database (an open personal field is refused
beside its field, nothing kept), submits it; the coordinator accepts it; the city approves
version 2; the portal shows what changed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from motcua.datacatalog.models import Proposal, ProposalStatus
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium

from .conftest import first_version

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def world(transactional_db, settings, city):
    settings.OFFICER_2FA_REQUIRED = False
    first_version(city)
    return city


def _signed_in(browser, site, username):
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(site + reverse("backoffice:login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    page.get_by_role("navigation", name="Công việc của cán bộ").get_by_role(
        "link", name="Danh mục CSDL"
    ).click()
    return page


def _propose(page):
    page.get_by_role("link", name="Đề xuất bổ sung cơ sở dữ liệu").click()
    assert_accessible(page)
    page.get_by_label("Bổ sung cơ sở dữ liệu").check()
    page.get_by_label("Cơ quan chủ quản đề xuất").select_option(label="Sở Tư pháp")
    page.get_by_label("Mã cơ sở dữ liệu").fill("CSDL-CC")
    page.get_by_label("Lý do đề xuất").fill("Đưa cơ sở dữ liệu công chứng vào danh mục.")
    page.get_by_label("Tên cơ sở dữ liệu").fill("Cơ sở dữ liệu công chứng")
    page.get_by_label("Mục đích").fill("Quản lý hợp đồng, giao dịch đã công chứng.")
    page.get_by_label("Tần suất cập nhật").select_option(label="Hằng ngày")
    page.get_by_label("Mức chia sẻ của cơ sở dữ liệu").select_option(label="Mở (công khai)")
    first, second = page.get_by_role("group", name="Trường 1"), page.get_by_role(
        "group", name="Trường 2")  # fmt: skip
    first.get_by_label("Tên trường").fill("Số công chứng")
    first.get_by_label("Mức chia sẻ của trường").select_option(label="Mở (công khai)")
    second.get_by_label("Tên trường").fill("Bên giao kết")
    second.get_by_label("Chứa dữ liệu cá nhân").check()
    second.get_by_label("Mức chia sẻ của trường").select_option(label="Mở (công khai)")
    page.get_by_role("button", name="Lưu đề xuất").click()
    summary = page.get_by_role("alert")
    assert "không thể ở mức mở" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_truong-1-sharing"
    assert not Proposal.objects.filter(code="CSDL-CC").exists()
    second.get_by_label("Mức chia sẻ của trường").select_option(label="Hạn chế")
    page.get_by_role("button", name="Lưu đề xuất").click()
    page.wait_for_url(re.compile(r".*/de-xuat/\d+/(#.*)?$"))  # the error link's #fragment stays
    assert "Bổ sung CSDL-CC" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Gửi thẩm định").click()
    assert "Đã gửi đề xuất" in page.content()


def test_a_proposal_goes_through_review_and_approval(browser, site, world):
    _propose(_signed_in(browser, site, "lanhdao.sotuphap"))
    proposal = Proposal.objects.get(code="CSDL-CC")
    assert proposal.status == ProposalStatus.SUBMITTED

    page = _signed_in(browser, site, "chuyenvien.sokhcn")
    assert_accessible(page)
    page.get_by_role("row").filter(has_text="CSDL-CC").first.get_by_role("link").click()
    page.get_by_label("Chấp nhận, trình phê duyệt").check()
    page.get_by_label("Ý kiến thẩm định").fill("Đủ thông tin, mức chia sẻ phù hợp.")
    page.get_by_role("button", name="Ghi kết quả thẩm định").click()
    assert "Đã ghi kết quả thẩm định" in page.content()

    page = _signed_in(browser, site, "lanhdao.thanhpho")
    page.get_by_role("link", name="Phê duyệt phiên bản mới").click()
    assert_accessible(page)
    page.get_by_label("Có hiệu lực từ ngày").fill("01/07/2026")
    page.get_by_role("button", name="Phê duyệt").click()
    assert "Đã phê duyệt phiên bản 2" in page.content()

    page.goto(site + "/danh-muc-csdl/phien-ban/2/")
    assert "Cơ sở dữ liệu được bổ sung" in page.content() and "CSDL-CC" in page.content()
    assert_accessible(page)
