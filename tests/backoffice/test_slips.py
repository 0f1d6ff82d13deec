"""The printable slips (forms 01–05 of Circular 01/2018/TT-VPCP) in the back office, and the
fragments the portal includes on its own pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from motcua.dossiers.selectors import control_slip
from motcua.dossiers.services import (
    decide_dossier,
    forward_dossier,
    issue_apology,
    refuse_dossier,
    request_supplement,
)
from motcua.dossiers.workflow import Action
from tests.dossiers.world import local

from .dossier_helpers import MONDAY_8, accepted, fresh, make_world, page, slip_url, text, travel

NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.fixture
def world(db, settings):
    return make_world(settings)


def test_form_01_is_the_receipt_with_components_appointment_and_signatures(client, world):
    dossier = accepted(world)  # 08:00 23/11/2026, one working day
    client.force_login(world["receiver"])
    response = client.get(slip_url(dossier.code, "01"))
    body = text(response)
    assert response.status_code == 200
    for words in (
        *NATIONAL,
        "UBND PHƯỜNG HOÀN KIẾM",
        "Phường Hoàn Kiếm, ngày 23 tháng 11 năm 2026",
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {dossier.code}",
        "Tiếp nhận hồ sơ của: Nguyễn Văn An",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "1 Tờ khai 1 0",
        "2 Giấy chứng sinh 1 0",
        "Thời gian giải quyết hồ sơ theo quy định là: 1 ngày làm việc.",
        "Thời gian nhận hồ sơ: 08:00 23/11/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 17:00 23/11/2026",
        "Bản sao Giấy khai sinh: 8.000 đồng",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
    ):
        assert words in body, words
    assert "dossiers/slips.css" in response.content.decode()
    assert "Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text(client.get(page(dossier.code)))


def test_form_02_lists_every_missing_document_with_its_reason_and_deadline(client, world):
    dossier = world.submit(at=MONDAY_8)
    request_supplement(
        dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 9, 0),
        items=[{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ"}],
        deadline=local(2026, 11, 30, 17, 0),
    )  # fmt: skip
    client.force_login(world["receiver"])
    body = text(client.get(slip_url(dossier.code, "02")))
    for words in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "1 Giấy chứng sinh Bản chụp mờ",
        "Hạn bổ sung, hoàn thiện hồ sơ: 17:00 30/11/2026",
        "NGƯỜI HƯỚNG DẪN",
        "motcua",
    ):
        assert words in body, words


def test_form_03_gives_the_reasons_of_the_refusal(client, world):
    dossier = world.submit(at=MONDAY_8)
    refuse_dossier(
        dossier=dossier, officer=world["receiver"], reasons=["Không thuộc thẩm quyền"],
        at=local(2026, 11, 23, 9, 15),
    )  # fmt: skip
    client.force_login(world["receiver"])
    body = text(client.get(slip_url(dossier.code, "03")))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in body
    assert "không tiếp nhận, giải quyết hồ sơ này (lúc 09:15 23/11/2026)" in body
    assert "Không thuộc thẩm quyền" in body


def test_form_04_shows_each_hand_over_and_its_verdict(client, world):
    dossier = accepted(world)  # step 1 (1 h) due 09:00
    forward_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 8, 30))
    # step 2 (4 h) due 13:30: handed over late, at 16:00
    forward_dossier(
        dossier=fresh(dossier), officer=world["specialist"], at=local(2026, 11, 23, 16, 0)
    )
    # step 3 (3 h) due 10:00 the next day: decided early, the same afternoon
    decide_dossier(
        dossier=fresh(dossier), officer=world["approver"], approve=True,
        at=local(2026, 11, 23, 16, 30),
    )  # fmt: skip
    client.force_login(world["approver"])
    response = client.get(slip_url(dossier.code, "04"))
    body = text(response)
    assert response.status_code == 200
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in body
    assert "(Kèm theo hồ sơ của: Nguyễn Văn An)" in body
    assert "TÊN CƠ QUAN" in body and "THỜI GIAN GIAO, NHẬN HỒ SƠ" in body
    assert "08:30 23/11/2026 Người giao motcua Người nhận chuyenvien Đúng hạn" in body
    assert "16:00 23/11/2026 Người giao chuyenvien Người nhận lanhdao Quá hạn" in body
    assert "16:30 23/11/2026 Người giao lanhdao Người nhận motcua Trước hạn" in body


def test_form_05_apologises_with_the_old_and_new_dates(client, world):
    dossier = accepted(world)
    issue_apology(
        dossier=dossier, officer=world["receiver"], reason="Chờ xác minh của công an",
        new_due_at=local(2026, 11, 26, 16, 30), at=local(2026, 11, 23, 9, 0),
    )  # fmt: skip
    client.force_login(world["receiver"])
    body = text(client.get(slip_url(dossier.code, "05")))
    for words in (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Nguyễn Văn An",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17:00 23/11/2026",
        "Lý do: Chờ xác minh của công an",
        "hẹn lại thời gian trả kết quả: 16:30 26/11/2026",
    ):
        assert words in body, words


def test_a_slip_not_issued_yet_or_unknown_is_404(client, world):
    dossier = world.submit()
    client.force_login(world["receiver"])
    for number in ("01", "02", "03", "04", "05", "06", "1", "xx"):
        assert client.get(slip_url(dossier.code, number)).status_code == 404, number


def test_the_fragments_render_alone_for_the_portal(world):
    with travel(MONDAY_8):
        dossier = accepted(world)
    accept = dossier.events.get(action=Action.ACCEPT)
    receipt = render_to_string("dossiers/slips/receipt.html", {"dossier": dossier, "event": accept})
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt and "<html" not in receipt
    rows = control_slip(dossier)
    control = render_to_string("dossiers/slips/control.html", {"dossier": dossier, "rows": rows})
    assert dossier.code in control
