"""The task update form in a real browser (Debian's Chromium, driven by Playwright), with
axe-core checking each page: a refused file is shown beside its field and nothing is kept;
then the task is reported done with its evidence and loses its overdue mark."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.plans.models import TaskEvidence, TaskStatus
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.dossiers.world import local

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def moment(transactional_db, settings, tmp_path) -> Iterator[None]:
    settings.OFFICER_2FA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(local(2026, 7, 2, 9, 0), tick=False):
        yield


def _signed_in(browser, site, username):
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(site + reverse("backoffice:login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_load_state()
    return page


def test_the_task_owner_reports_a_task_done_with_evidence(
    browser, site, moment, plan_world, plan, tmp_path
):
    task = plan.tasks.get()
    page = _signed_in(browser, site, "congan")  # the ward police's specialist
    page.get_by_role("navigation", name="Công việc của cán bộ").get_by_role(
        "link", name="Kế hoạch, chỉ tiêu"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name=plan.name).click()
    assert "Quá hạn" in page.get_by_role("row").filter(has_text=task.name).inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=f"Cập nhật {task.name}").click()

    fake = tmp_path / "bao-cao.pdf"
    fake.write_bytes(b"this is not a PDF")
    page.get_by_label("Hoàn thành").check()
    page.get_by_label("Tài liệu minh chứng").set_input_files(str(fake))
    page.get_by_role("button", name="Lưu").click()
    summary = page.get_by_role("alert")
    assert "bao-cao.pdf" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_evidence"
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED and not TaskEvidence.objects.exists()

    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(one_page_pdf("Bien ban so hoa"))
    page.get_by_label("Hoàn thành").check()
    page.get_by_label("Ghi chú tiến độ").fill("Đã số hóa toàn bộ sổ hộ tịch.")
    page.get_by_label("Tài liệu minh chứng").set_input_files(str(scan))
    page.get_by_role("button", name="Lưu").click()
    # The browser keeps the error link's #fragment across the redirect.
    plan_page = site + reverse("backoffice:plan", args=[plan.pk])
    page.wait_for_url(re.compile(re.escape(plan_page) + "(#.*)?$"))
    assert "Đã lưu." in page.content()
    row = page.get_by_role("row").filter(has_text=task.name)
    assert "Hoàn thành" in row.inner_text() and "Quá hạn" not in row.inner_text()
    assert_accessible(page)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.evidence.get().original_name == "bien-ban.pdf"
