from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import (
    accept_dossier,
    issue_apology,
    refuse_dossier,
    request_supplement,
)
from motcua.dossiers.workflow import Status
from tests.dossiers.world import local

from .citizen_world import PDF, build_citizen_world, first_file, submitted, url


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


@pytest.fixture
def citizen(client, world):
    client.force_login(world["citizen"])
    return world["citizen"]


def _asked(world, dossier):
    request_supplement(
        dossier=dossier,
        officer=world["receiver"],
        items=[{"name": "Giấy chứng sinh", "reason": "Ảnh bị mờ"}],
    )


# The list and one dossier ----------------------------------------------------------------


def test_the_list_shows_only_the_citizens_dossiers_newest_first(client, citizen, world):
    older = submitted(world, at=local(2026, 11, 23, 9, 0))
    newer = submitted(world, at=local(2026, 11, 24, 9, 0))
    others = submitted(world, citizen="other_citizen", at=local(2026, 11, 24, 10, 0))
    response = client.get(url("dossier-list"))
    assert [d.code for d in response.context["page"].object_list] == [newer.code, older.code]
    html = response.content.decode()
    assert others.code not in html
    assert "24/11/2026 09:00" in html and "Mới đăng ký" in html and "UBND Phường Hoàn Kiếm" in html


def test_the_list_is_paged(client, citizen, world):
    for day in range(1, 23):
        submitted(world, at=local(2026, 12, day, 9, 0))
    first = client.get(url("dossier-list"))
    assert len(first.context["page"].object_list) == 20
    assert client.get(url("dossier-list"), {"page": 2}).context["page"].object_list[0].code
    assert client.get(url("dossier-list"), {"page": "abc"}).status_code == 200


def test_the_detail_shows_the_history_by_unit_not_by_officer(client, citizen, world):
    dossier = submitted(world, at=local(2026, 11, 23, 9, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 9, 30))
    response = client.get(url("dossier-detail", dossier.code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Được tiếp nhận" in html and "24/11/2026 09:30" in html  # status and due date
    steps = response.context["history"]
    assert [s.who for s in steps] == ["Bạn", "UBND Phường Hoàn Kiếm"]
    assert "motcua" not in [s.who for s in steps]
    assert "giay-chung-sinh.pdf" in html


def test_the_receipt_and_the_apology_slips_are_there_to_print(client, citizen, world):
    dossier = submitted(world, at=local(2026, 11, 23, 9, 0))
    accept_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 9, 30))
    issue_apology(
        dossier=dossier,
        officer=world["receiver"],
        reason="Chờ xác minh",
        new_due_at=local(2026, 11, 26, 17, 0),
        at=local(2026, 11, 23, 10, 0),
    )
    slips = client.get(url("dossier-detail", dossier.code)).context["slips"]
    assert [s.number for s in slips] == ["01", "05"]
    receipt = client.get(url("dossier-slip", dossier.code, "01", slips[0].event.pk))
    assert receipt.status_code == 200
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt.content.decode()
    apology = client.get(url("dossier-slip", dossier.code, "05", slips[1].event.pk))
    assert "Chờ xác minh" in apology.content.decode()
    # A slip number with the wrong event, or an unknown number, is not found.
    assert client.get(url("dossier-slip", dossier.code, "05", slips[0].event.pk)).status_code == 404
    assert client.get(url("dossier-slip", dossier.code, "04", slips[0].event.pk)).status_code == 404
    assert client.get(url("dossier-slip", dossier.code, "99", 1)).status_code == 404


def test_a_refused_dossier_shows_the_refusal_and_cannot_be_withdrawn(client, citizen, world):
    dossier = submitted(world)
    refuse_dossier(dossier=dossier, officer=world["receiver"], reasons=["Sai thẩm quyền"])
    response = client.get(url("dossier-detail", dossier.code))
    assert [s.number for s in response.context["slips"]] == ["03"]
    assert not response.context["can_withdraw"]
    withdraw = client.get(url("dossier-withdraw", dossier.code))
    assert withdraw.status_code == 302 and withdraw.url == url("dossier-detail", dossier.code)


def test_a_3_in_1_dossier_shows_its_children_and_their_statuses(client, citizen, world):
    parent = world.submit("2.000003", citizen=citizen, at=local(2026, 11, 23, 8, 0))
    accept_dossier(dossier=parent, officer=world["receiver"], at=local(2026, 11, 23, 8, 0))
    response = client.get(url("dossier-detail", parent.code))
    children = response.context["children"]
    assert len(children) == 3
    html = response.content.decode()
    assert all(child.code in html for child in children)
    assert "Công an Phường Hoàn Kiếm" in html and "Đang xử lý" in html
    assert [d.code for d in client.get(url("dossier-list")).context["page"]] == [parent.code]
    assert client.get(url("dossier-detail", children[0].code)).status_code == 200


# Files -----------------------------------------------------------------------------------


def test_the_citizen_downloads_their_file_and_nobody_else_can(client, citizen, world):
    dossier = submitted(world)
    upload = first_file(dossier)
    response = client.get(url("dossier-file", dossier.code, upload.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="giay-chung-sinh.pdf"' in response["Content-Disposition"]
    assert client.get(url("dossier-file", dossier.code, 999999)).status_code == 404
    theirs = submitted(world, citizen="other_citizen")
    other_file = first_file(theirs)
    assert client.get(url("dossier-file", dossier.code, other_file.pk)).status_code == 404
    client.force_login(world["other_citizen"])
    assert client.get(url("dossier-file", dossier.code, upload.pk)).status_code == 404


def test_a_file_missing_from_storage_is_not_found_rather_than_an_error(client, citizen, world):
    dossier = submitted(world)
    upload = first_file(dossier)
    upload.file.storage.delete(upload.file.name)
    assert client.get(url("dossier-file", dossier.code, upload.pk)).status_code == 404


@pytest.mark.parametrize(
    "name", ["dossier-detail", "dossier-supplement", "dossier-withdraw", "dossier-submitted"]
)
def test_another_citizens_dossier_answers_404(client, world, name):
    dossier = submitted(world)
    client.force_login(world["other_citizen"])
    assert client.get(url(name, dossier.code)).status_code == 404
    assert client.post(url(name, dossier.code)).status_code in (404, 405)
    assert client.get(url(name, "000.01.99.H26-261123-9999")).status_code == 404
    assert Dossier.objects.get().status == Status.SUBMITTED


def test_the_pages_need_a_signed_in_citizen(client, world):
    dossier = submitted(world)
    response = client.get(url("dossier-detail", dossier.code))
    assert response.status_code == 302 and response.url.startswith(url("login"))
    client.force_login(world["receiver"])
    assert client.get(url("dossier-list")).status_code == 403


# Supplement ------------------------------------------------------------------------------


def test_the_citizen_supplies_what_was_asked(client, citizen, world):
    dossier = submitted(world)
    _asked(world, dossier)
    detail = client.get(url("dossier-detail", dossier.code)).content.decode()
    assert "Hồ sơ cần bổ sung" in detail and "Ảnh bị mờ" in detail
    page = client.get(url("dossier-supplement", dossier.code))
    assert page.status_code == 200 and "Giấy chứng sinh" in page.content.decode()
    response = client.post(
        url("dossier-supplement", dossier.code),
        {
            "file_0": SimpleUploadedFile("chung-sinh-ro.pdf", PDF, "application/pdf"),
            "note": "Gửi lại bản rõ",
        },
    )
    assert response.url == url("dossier-detail", dossier.code)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    added = dossier.files.get(kind=DossierFile.Kind.SUPPLEMENT)
    assert added.original_name == "chung-sinh-ro.pdf"
    assert added.requirement_name == "Giấy chứng sinh"
    assert dossier.events.last().note == "Gửi lại bản rõ"


def test_a_bad_supplement_file_is_refused_with_the_reason_and_nothing_changes(
    client, citizen, world, tmp_path
):
    dossier = submitted(world)
    _asked(world, dossier)
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    response = client.post(
        url("dossier-supplement", dossier.code),
        {
            "other": SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
            "file_0": SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert not dossier.files.filter(kind=DossierFile.Kind.SUPPLEMENT).exists()
    assert {p for p in tmp_path.rglob("*") if p.is_file()} == before
    empty = client.post(url("dossier-supplement", dossier.code), {"note": "  "})
    assert empty.status_code == 400
    assert "Tải lên ít nhất một tệp" in empty.content.decode()


def test_the_officers_words_are_shown_as_text_not_markup(client, citizen, world):
    dossier = submitted(world)
    request_supplement(
        dossier=dossier,
        officer=world["receiver"],
        items=[{"name": "<b>Tờ khai</b>", "reason": "<script>alert(1)</script>"}],
    )
    html = client.get(url("dossier-supplement", dossier.code)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>Tờ khai</b>" not in html


def test_there_is_nothing_to_supply_unless_asked(client, citizen, world):
    dossier = submitted(world)
    response = client.post(url("dossier-supplement", dossier.code), {"note": "x"})
    assert response.status_code == 302
    assert Dossier.objects.get().status == Status.SUBMITTED


# Withdraw --------------------------------------------------------------------------------


def test_the_citizen_withdraws_after_confirming(client, citizen, world):
    dossier = submitted(world)
    page = client.get(url("dossier-withdraw", dossier.code))
    assert page.status_code == 200 and "Rút hồ sơ?" in page.content.decode()
    response = client.post(url("dossier-withdraw", dossier.code), {"reason": "Nộp nhầm"})
    assert response.url == url("dossier-detail", dossier.code)
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.last().note == "Nộp nhầm"
    again = client.post(url("dossier-withdraw", dossier.code), {"reason": "x"})
    assert again.status_code == 302
    assert dossier.events.count() == 2


def test_a_too_long_reason_is_an_error_not_a_crash(client, citizen, world):
    dossier = submitted(world)
    response = client.post(url("dossier-withdraw", dossier.code), {"reason": "x" * 5000})
    assert response.status_code == 400
    assert Dossier.objects.get().status == Status.SUBMITTED
