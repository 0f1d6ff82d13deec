"""The action table met in a real browser (Debian's Chromium, driven by Playwright): each role
is shown the actions it may take on its dossier page, a specialist who types the desk's action
address is refused with the reason and the dossier is left as it was, the desk records cash
through its form, and the citizen supplies what was asked with a file through the portal's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.workflow import Status
from tests.conftest import needs_chromium
from tests.dossiers.world import World, build_world, local

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> Iterator[World]:
    settings.OFFICER_2FA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(local(2026, 11, 23, 8, 0), tick=False):
        yield build_world()


def _officer_page(browser: Any, site: str, username: str) -> Any:
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(site + reverse("backoffice:login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    return page


def test_each_role_sees_its_actions_and_the_desk_records_the_cash(browser, site, world):
    dossier = world.submit()
    dossier = services.accept_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.request_payment(dossier=dossier, officer=world["specialist"], amount=8000)
    detail = site + reverse("backoffice:dossier", args=[dossier.code])
    cash = "Xác nhận đã thu phí, lệ phí"

    specialist = _officer_page(browser, site, "chuyenvien")
    specialist.goto(detail)
    actions = specialist.get_by_role("region", name="Thao tác bạn có thể thực hiện")
    assert actions.get_by_role("link", name="Yêu cầu thực hiện nghĩa vụ tài chính").count() == 1
    assert actions.get_by_role("link", name=cash).count() == 0
    # Typed by hand, the desk's address answers with the reason, and nothing changes.
    answer = specialist.goto(
        site + reverse("backoffice:dossier-action", args=[dossier.code, "xac-nhan-nop-phi"])
    )
    assert answer.status == 403
    assert "Chỉ bộ phận một cửa tiếp nhận hồ sơ" in specialist.content()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PAYMENT_REQUESTED

    desk = _officer_page(browser, site, "motcua")
    desk.goto(detail)
    desk.get_by_role("link", name=cash).click()
    desk.get_by_label("Số biên lai thu tiền").fill("BL-0042")
    desk.get_by_role("button", name="Xác nhận đã thu").click()
    desk.wait_for_url(detail)
    assert "Đã xác nhận thu phí, lệ phí" in desk.content()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING


def test_the_citizen_supplies_a_file_through_the_portal(browser, site, world, tmp_path):
    dossier = services.request_supplement(
        dossier=world.submit(), officer=world["receiver"], items=[{"name": "Giấy chứng sinh"}]
    )
    scan = tmp_path / "chung-sinh.pdf"
    scan.write_bytes(one_page_pdf("Giay chung sinh"))
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(site + reverse("portal:login"))
    page.get_by_label("Số điện thoại hoặc thư điện tử").fill("0912345678")
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    page.goto(site + reverse("portal:dossier-detail", args=[dossier.code]))
    page.get_by_role("link", name="Bổ sung hồ sơ").click()
    page.get_by_label("Giấy chứng sinh").set_input_files(str(scan))
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    page.wait_for_url("**" + reverse("portal:dossier-detail", args=[dossier.code]))
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    added = DossierFile.objects.get(dossier=dossier, kind=DossierFile.Kind.SUPPLEMENT)
    assert added.original_name == "chung-sinh.pdf" and added.requirement_name == "Giấy chứng sinh"
