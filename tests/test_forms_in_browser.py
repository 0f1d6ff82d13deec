"""Every public form submitted as a person does, in a real browser (Debian's Chromium, driven by
Playwright), with axe-core run on each page visited: the lookup by dossier code, the check of an
issued document by its code and by its file, sign-up, sign-out and the language switch, the
citizen's sign-in and online submission, the officer's sign-in with a code from the
authenticator app and the desk's accept of that dossier, and the page a form expired in the
meantime answers with.

A browser sends what curl and Django's test client do not (an ``Origin`` header on every POST,
shaped by the page's ``Referrer-Policy``, and only the cookies it was given): the lookup form
once answered every browser with Django's English 403 while its client tests passed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse

from motcua.documents.services import slip_document
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier
from motcua.dossiers.workflow import Status
from motcua.identity.second_factor import current_totp_code, enrol_totp_device
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.portal.citizen_world import PDF, build_citizen_world, submitted

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> Iterator[Any]:
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


@pytest.fixture
def accepted(world) -> Dossier:
    return accept_dossier(dossier=submitted(world), officer=world["receiver"])


def _signed_slip(dossier: Dossier) -> Any:
    """Form 01 of ``dossier``, signed. In a thread of its own: pyHanko runs its own event
    loop, which cannot start in this thread, where Playwright's loop runs."""

    def sign() -> Any:
        try:
            return slip_document(dossier, "01")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


def _page(browser: Any) -> Any:
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(10_000)  # a missing label fails in seconds, not half a minute
    return page


def _visit(page: Any, url: str) -> Any:
    answer = page.goto(url)
    assert answer.status == 200, f"{url}: {answer.status}"
    assert_accessible(page)
    return answer


def _submit(page: Any, button: str, *, status: int = 200) -> None:
    """Click ``button`` and require the page the browser lands on to answer ``status``."""
    with page.expect_navigation() as landed:
        page.get_by_role("button", name=button, exact=True).click()
    answer = landed.value
    # A redirect after POST lands on the page it names; the status is that page's.
    assert answer.status == status, f"{page.url}: {answer.status}\n{page.content()}"
    assert_accessible(page)


# Lookup and verification: anonymous forms on pages that keep their address private ---------


def test_the_lookup_form_answers_in_a_browser_again_and_again(browser, site, accepted):
    page = _page(browser)
    _visit(page, site + reverse("portal:lookup"))
    _submit(page, "Tra cứu")  # nothing entered: the error summary, checked by axe too
    assert page.get_by_role("link", name="Nhập mã hồ sơ.").is_visible()

    for contact in ("0912345678", "001090012345"):
        page.get_by_label("Mã hồ sơ").fill(accepted.code)
        page.get_by_label("Số điện thoại hoặc số giấy tờ tùy thân").fill(contact)
        _submit(page, "Tra cứu")
        result = page.get_by_role("heading", name=f"Hồ sơ {accepted.code}")
        assert result.is_visible(), contact
        assert "Được tiếp nhận" in page.inner_text("main")

    # The language switch in the header is a form on the same page.
    _submit(page, "English")
    assert page.get_by_role("heading", name="Track a dossier", level=1).is_visible()


def test_a_document_is_checked_by_its_code_then_by_its_file(browser, site, accepted, tmp_path):
    document = _signed_slip(accepted)
    copy = tmp_path / "giay-tiep-nhan.pdf"
    copy.write_bytes(document.file.read())
    page = _page(browser)
    _visit(page, site + reverse("portal:verify"))
    _submit(page, "Kiểm tra", status=400)  # neither a file nor a code
    assert "Chọn tệp PDF hoặc nhập mã văn bản." in page.inner_text("main")

    page.get_by_label("Hoặc nhập mã văn bản").fill(document.code)
    _submit(page, "Kiểm tra")
    assert page.url == site + reverse("portal:document", args=[document.code])
    assert page.get_by_role("heading", name=document.title, level=1).is_visible()

    # The document's own page carries the form to compare a copy one holds.
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(copy))
    _submit(page, "Kiểm tra")
    assert page.url == site + reverse("portal:verify")
    assert "Tệp: giay-tiep-nhan.pdf" in page.inner_text("main")
    assert page.get_by_role("link", name="Xem văn bản đã cấp").is_visible()


# The citizen submits online; the desk accepts --------------------------------------------


def _citizen_signs_in(page: Any, site: str) -> None:
    _visit(page, site + reverse("portal:login"))
    page.get_by_label("Số điện thoại hoặc thư điện tử").fill("0912345678")
    page.get_by_label("Mật khẩu").fill("x")
    _submit(page, "Đăng nhập")
    assert page.get_by_role("link", name="Hồ sơ của tôi").first.is_visible()


def test_a_person_signs_up_and_signs_out(browser, site, world):
    page = _page(browser)
    _visit(page, site + reverse("portal:signup"))
    page.get_by_label("Họ và tên").fill("Lê Thị Cúc")
    page.get_by_label("Số điện thoại di động").fill("0934567890")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("Hoa-sen-no-tren-ho-Tay-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Hoa-sen-no-tren-ho-Tay-2026!")
    _submit(page, "Tạo tài khoản")
    assert page.url == site + reverse("portal:account")

    _submit(page, "Đăng xuất")
    assert page.get_by_role("link", name="Đăng nhập").is_visible()


def _citizen_submits(page: Any, site: str, world: Any, scan: str) -> str:
    _visit(page, site + reverse("portal:procedure-detail", args=["1.000001"]))
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Nơi giải quyết hồ sơ").select_option(label=world.committee.name)
    page.get_by_label("Nhận trực tiếp tại bộ phận một cửa").check()
    _submit(page, "Bắt đầu khai hồ sơ")
    for _ in range(3):  # the form's pages, each with its own fields
        if "/giay-to/" in page.url:
            break
        for field, value in {
            "Họ, chữ đệm và tên": "Nguyễn Văn Bé",
            "Số định danh cá nhân": "001090012345",
            "Nơi cư trú": "12 Hàng Bạc",
            "Ngày sinh": "2026-11-01",  # a date input takes ISO dates
        }.items():
            boxes = page.get_by_label(field, exact=True)
            if boxes.count():
                boxes.first.fill(value)
        for choice in ("Nam", "Tôi cam đoan nội dung khai là đúng sự thật"):
            boxes = page.get_by_label(choice, exact=True)
            if boxes.count():
                boxes.first.check()
        _submit(page, "Lưu và tiếp tục")
    for requirement in ("Tờ khai", "Giấy chứng sinh"):
        page.get_by_label(f"Chọn tệp — {requirement}").set_input_files(scan)
        section = page.get_by_role("region", name=requirement)
        with page.expect_navigation():
            section.get_by_role("button", name="Tải lên").click()
        assert_accessible(page)
    page.get_by_role("link", name="Tiếp tục").click()
    page.wait_for_load_state()
    assert_accessible(page)
    _submit(page, "Nộp hồ sơ")
    assert page.get_by_role("heading", name="Đã nộp hồ sơ").is_visible()
    code = page.locator(".dossier-code").inner_text()
    assert re.fullmatch(r"000\.01\.99\.H26-\d{6}-\d{4}", code)
    return code


def _officer_signs_in(page: Any, site: str, officer: Any) -> None:
    device = enrol_totp_device(officer, confirmed=True)
    _visit(page, site + reverse("backoffice:login"))
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill("x")
    _submit(page, "Tiếp tục")
    page.get_by_label("Mã xác thực").fill(current_totp_code(device))
    _submit(page, "Đăng nhập")


def test_a_citizen_submits_online_and_the_desk_accepts(browser, site, world, tmp_path):
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF)
    citizen = _page(browser)
    _citizen_signs_in(citizen, site)
    code = _citizen_submits(citizen, site, world, str(scan))
    assert Dossier.objects.get(code=code).files.count() == 2

    desk = _page(browser)
    _officer_signs_in(desk, site, world["receiver"])
    _visit(desk, site + reverse("backoffice:inbox"))
    desk.get_by_role("link", name="Hồ sơ mới").click()
    desk.wait_for_load_state()
    assert_accessible(desk)
    desk.get_by_role("link", name=code).click()
    desk.wait_for_load_state()
    assert_accessible(desk)
    desk.get_by_role("link", name="Tiếp nhận hồ sơ và hẹn trả kết quả").click()
    desk.wait_for_load_state()
    assert_accessible(desk)
    _submit(desk, "Tiếp nhận, in giấy hẹn")
    assert "Đã tiếp nhận hồ sơ" in desk.inner_text("main")
    assert Dossier.objects.get(code=code).status == Status.ACCEPTED

    _visit(citizen, site + reverse("portal:dossier-detail", args=[code]))
    assert "Được tiếp nhận" in citizen.inner_text("main")


# A form whose page outlived its session --------------------------------------------------


def test_a_form_sent_without_its_cookie_gets_a_vietnamese_page_with_a_way_back(
    browser, site, accepted
):
    page = _page(browser)
    lookup = site + reverse("portal:lookup")
    _visit(page, lookup)
    page.context.clear_cookies()  # as when the browser was closed, or the cookie refused
    page.get_by_label("Mã hồ sơ").fill(accepted.code)
    page.get_by_label("Số điện thoại hoặc số giấy tờ tùy thân").fill("0912345678")
    _submit(page, "Tra cứu", status=403)
    assert page.get_by_role("heading", name="Trang đã hết hạn", level=1).is_visible()
    page.get_by_role("link", name="Quay lại trang trước").click()
    page.wait_for_url(lookup)


def test_no_other_site_is_told_the_dossier_code_in_the_address(browser, site, accepted):
    page = _page(browser)
    # A notification's link puts the code in the address.
    _visit(page, site + reverse("portal:lookup") + f"?code={accepted.code}")
    elsewhere = site.replace("127.0.0.1", "localhost") + reverse("portal:home")  # another origin
    with page.expect_request(elsewhere) as leaving:
        page.evaluate("url => { window.location.href = url; }", elsewhere)
    assert "referer" not in leaving.value.all_headers()


# The pages no form above passes through -------------------------------------------------


def test_the_other_main_pages_meet_wcag_aa(browser, site, world, accepted):
    visitor = _page(browser)
    for name, args in [
        ("portal:home", []),
        ("portal:procedure-list", []),
        ("portal:unit-list", []),
        ("portal:unit-detail", [world.committee.unit.code]),
        ("portal:due-date", []),
        ("portal:signup", []),
    ]:
        _visit(visitor, site + reverse(name, args=args))

    citizen = _page(browser)
    _citizen_signs_in(citizen, site)
    for name, args in [
        ("portal:account", []),
        ("portal:dossier-list", []),
        ("portal:dossier-detail", [accepted.code]),
        ("portal:draft-list", []),
        ("portal:data-store", []),
    ]:
        _visit(citizen, site + reverse(name, args=args))

    officer = _page(browser)
    _officer_signs_in(officer, site, world["specialist"])
    for name, args in [
        ("backoffice:dossier", [accepted.code]),
        ("backoffice:ledger", []),
        ("backoffice:report", []),
    ]:
        _visit(officer, site + reverse(name, args=args))
