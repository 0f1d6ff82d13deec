"""The ranking and a unit's page as a person meets them: a phone-sized Chromium, no account,
axe-core on every page (see tests/test_forms_in_browser.py for the set-up this follows)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse

from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.dossiers.world import build_world

from .conftest import make_city, november

pytestmark = [pytest.mark.browser, needs_chromium]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db) -> Any:
    return build_world()


def _in_thread(make: Any) -> Any:
    """Decisions sign their results with pyHanko, whose event loop cannot start where
    Playwright's runs."""

    def run() -> Any:
        try:
            return make()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_a_citizen_reads_the_ranking_and_opens_a_ward_on_a_phone(browser, site, world):
    _in_thread(lambda: november(world))
    city = _in_thread(lambda: make_city(world))
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    answer = page.goto(f"{site}{reverse('portal:rankings')}?cha={city.electronic_id}&ky=2026-11")
    assert answer.status == 200
    assert_accessible(page)
    page.get_by_label("Kỳ", exact=True).fill("2026-13")
    with page.expect_navigation() as landed:
        page.get_by_role("button", name="Xem", exact=True).click()
    assert landed.value.status == 400
    assert_accessible(page)
    page.get_by_role("link", name="Kỳ không hợp lệ", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_ky"
    page.get_by_label("Kỳ", exact=True).fill("11/2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    with page.expect_navigation() as landed:
        page.get_by_role("link", name=world.committee.name).first.click()
    assert landed.value.status == 200
    assert page.get_by_role("heading", name="Mất điểm ở đâu").is_visible()
    assert_accessible(page)
    page.locator("#chi-so-21 summary").click()  # 2.1's definition opens without script
    assert page.get_by_text("Thời điểm kết thúc theo thứ tự ưu tiên").first.is_visible()
    context.close()
