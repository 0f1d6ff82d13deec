"""The city operations view in a real browser (Debian's Chromium, driven by Playwright), with
axe-core checking it and a unit's view: reached from the officers' menu, its chart and table
readable, the refresh turned on and off by the person."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from motcua.identity.models import OfficerRole
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.dossiers.world import World, build_world, local, officer
from tests.reporting.helpers import accepted, with_city

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def world(transactional_db, settings) -> Iterator[World]:
    settings.OFFICER_2FA_REQUIRED = False
    with time_machine.travel(local(2026, 11, 16, 9, 0), tick=False) as traveller:
        world = build_world()
        world.city = with_city(world)  # type: ignore[attr-defined]
        officer("thanhpho", OfficerRole.Role.SPECIALIST, world.city)
        accepted(world, local(2026, 11, 16, 9, 0))
        traveller.move_to(local(2026, 11, 23, 10, 0))
        accepted(world, local(2026, 11, 23, 10, 0), agency=world.committee2)
        yield world


def test_a_city_officer_opens_the_operations_view(browser, site, world):
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(site + reverse("backoffice:login"))
    page.get_by_label("Tên đăng nhập").fill("thanhpho")
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()

    menu = page.get_by_role("navigation", name="Công việc của cán bộ")
    with page.expect_navigation():  # wait for the page: a busy machine is slow to load it
        menu.get_by_role("link", name="Điều hành").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Điều hành: UBND Thành phố Hà Nội"
    chart = page.get_by_role("img", name="Hồ sơ quá hạn hiện tại theo đơn vị")
    assert chart.is_visible()
    table = page.get_by_role("table", name="Hồ sơ quá hạn hiện tại theo đơn vị")
    assert "UBND Phường Hoàn Kiếm" in table.get_by_role("row").nth(1).inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="UBND Phường Hoàn Kiếm").click()
    assert page.get_by_role("img", name="Điểm chỉ số 766 theo tháng (trên 100)").is_visible()
    assert_accessible(page)
    page.go_back()

    with page.expect_navigation():
        page.get_by_role("link", name="Tự tải lại sau mỗi 60 giây").click()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="Tắt tự tải lại").click()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
