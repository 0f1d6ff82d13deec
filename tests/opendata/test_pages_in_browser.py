"""The open-data pages as a person meets them: a phone-sized Chromium, no account, axe-core on
each page (the pages carry no script), a file downloaded through its link."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.opendata.publish import publish_all
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.dossiers.world import build_world
from tests.reporting.conftest import make_city, november
from tests.reporting.test_browser import PHONE, _in_thread

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def world(transactional_db) -> Any:
    return build_world()


def test_a_visitor_finds_a_dataset_reads_its_preview_and_downloads_the_csv(browser, site, world):
    _in_thread(lambda: november(world))
    _in_thread(lambda: make_city(world))
    _in_thread(publish_all)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    assert page.goto(f"{site}/").status == 200
    with page.expect_navigation():
        page.get_by_role("link", name="Xem các bộ dữ liệu mở").click()
    assert page.get_by_role("heading", name="Dữ liệu mở", exact=True).is_visible()
    assert_accessible(page)
    with page.expect_navigation() as landed:
        page.get_by_role("link", name="Số liệu giải quyết hồ sơ hằng tháng của từng đơn vị").click()
    assert landed.value.status == 200
    assert page.get_by_role("heading", name="Xem trước").is_visible()
    assert page.get_by_role("cell", name="2026-11").first.is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="so-lieu-hang-thang.csv").click()
    saved = download.value.path()
    with open(saved, encoding="utf-8") as csv_file:
        assert csv_file.readline().startswith("thang,ma_dinh_danh,ten_don_vi,")
    context.close()
