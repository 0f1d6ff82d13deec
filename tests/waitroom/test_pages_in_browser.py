"""The room as a person meets it: a phone-sized Chromium, no JavaScript needed, axe-core on
each page; and the pages' HTML through the Nu HTML checker."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.waitroom import services
from motcua.waitroom.models import Ticket, TicketState
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.reporting.test_browser import PHONE, _in_thread
from tests.test_html import JAVA, nu_errors


@pytest.fixture(autouse=True)
def _nobody_let_in_by_itself(settings):
    # The platform "sustains" nothing: people are let in only when the test says so.
    settings.WAITROOM_START_RATE = 0.0


def _admit_everyone() -> None:
    Ticket.objects.filter(state=TicketState.WAITING).update(
        state=TicketState.ADMITTED, admitted_at=timezone.now()
    )


@pytest.mark.browser
@needs_chromium
def test_a_visitor_takes_a_ticket_checks_it_and_goes_in(browser: Any, site: str) -> None:
    # The pages carry no script (axe, injected by the test, needs JavaScript on; a client with
    # none follows the room in tests/waitroom/test_door.py).
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    assert page.goto(f"{site}/hang-cho/?tiep=/thu-tuc/").status == 200
    assert page.get_by_role("heading", name="Hàng chờ", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_label("Số điện thoại hoặc thư điện tử để liên hệ").fill("0912345678")
    with page.expect_navigation():
        page.get_by_role("button", name="Lấy lượt").click()
    code = _in_thread(lambda: Ticket.objects.get().code)
    assert page.get_by_role("heading", name=f"Lượt {code}").is_visible()
    assert page.get_by_text("Còn 0 người trước bạn.").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Tự tải lại sau mỗi 30 giây").click()
    assert "lam-moi=30" in page.url
    assert_accessible(page)

    _in_thread(_admit_everyone)
    with page.expect_navigation():
        page.get_by_role("button", name="Kiểm tra lại").click()
    assert page.get_by_role("heading", name="Đã đến lượt bạn").is_visible()
    assert_accessible(page)
    with page.expect_navigation() as landed:
        page.get_by_role("link", name="Vào cổng dịch vụ công").click()
    assert landed.value.status == 200 and page.url == f"{site}/thu-tuc/"
    context.close()


@pytest.mark.browser
@needs_chromium
def test_a_ticket_is_found_by_its_code_on_another_device(browser: Any, site: str) -> None:
    ticket = _in_thread(lambda: services.take_ticket(queue=services.general_queue(), holder=None))
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{site}/hang-cho/")
    page.get_by_label("Mã lượt của bạn").fill(ticket.code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm lượt").click()
    assert page.url == f"{site}/hang-cho/{ticket.secret}/"
    page.goto(f"{site}/hang-cho/")
    page.get_by_label("Mã lượt của bạn").fill("ZZZZZZZZ")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm lượt").click()
    assert page.get_by_role(
        "link", name="Không tìm thấy lượt còn hiệu lực với mã này."
    ).is_visible()
    assert_accessible(page)
    context.close()


@pytest.mark.html
@pytest.mark.skipif(JAVA is None, reason="the Nu HTML checker needs Java")
@pytest.mark.django_db
def test_the_room_pages_are_valid_html(tmp_path) -> None:
    client = Client()
    room = client.get("/hang-cho/?tiep=/thu-tuc/").content.decode()
    ticket_page = client.post("/hang-cho/", {"hang": "chung", "tiep": "/"})["Location"]
    waiting = client.get(ticket_page, {"lam-moi": "30"}).content.decode()
    not_found = client.get("/hang-cho/tim/", {"ma": "ZZZZZZZZ"}).content.decode()
    _admit_everyone()
    admitted = client.get(ticket_page).content.decode()
    pages = {"room": room, "waiting": waiting, "not found": not_found, "admitted": admitted}
    assert nu_errors(pages, tmp_path) == []
