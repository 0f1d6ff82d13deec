"""The QR form as a person meets it: a phone-sized Chromium with no account, axe-core on every
page (see tests/test_forms_in_browser.py for the set-up this follows)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse

from motcua.surveys.models import Evaluation
from motcua.surveys.services import evaluation_token
from tests.accessibility import assert_accessible
from tests.conftest import needs_chromium
from tests.dossiers.world import build_world

from .helpers import returned

pytestmark = [pytest.mark.browser, needs_chromium]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db) -> Any:
    return build_world()


def _returned(world: Any) -> Any:
    """A returned dossier, made in a thread of its own: the decision signs its result with
    pyHanko, whose event loop cannot start where Playwright's runs."""

    def make() -> Any:
        try:
            return returned(world)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(make).result()


def _submit(page: Any, status: int) -> None:
    with page.expect_navigation() as landed:
        page.get_by_role("button", name="Gửi đánh giá", exact=True).click()
    assert landed.value.status == status, page.content()
    assert_accessible(page)


def test_a_citizen_rates_from_the_qr_code_on_a_phone(browser, site, world):
    dossier = _returned(world)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    answer = page.goto(site + reverse("portal:evaluation", args=[evaluation_token(dossier)]))
    assert answer.status == 200
    assert_accessible(page)
    _submit(page, 400)  # nothing chosen: the error summary links to the first question
    page.get_by_role("link", name="Hãy chọn mức độ hài lòng chung.").click()
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Tốt: hướng dẫn tận tình, đúng mực").check()
    page.get_by_label("Không, chỉ nộp đúng giấy tờ đã công khai").check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Cán bộ nhiệt tình")
    _submit(page, 200)
    assert page.get_by_role("heading", level=1).inner_text() == "Cảm ơn Anh/Chị đã đánh giá"
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.overall, evaluation.channel) == ("satisfied", "qr")
    assert evaluation.comment == "Cán bộ nhiệt tình"
    context.close()
