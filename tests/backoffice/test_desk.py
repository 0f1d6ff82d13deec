"""The one-stop desk: a walk-in dossier typed in, accepted, refused or sent back for a
supplement; papers brought later; and the ledger (form 06)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import Channel, Dossier, DossierFile
from motcua.dossiers.workflow import Status
from tests.dossiers.world import local

from .dossier_helpers import (
    MONDAY_8,
    PDF,
    accepted,
    act,
    fresh,
    make_world,
    page,
    slip_url,
    text,
    travel,
)

START = reverse("backoffice:receive-start")
LEDGER = reverse("backoffice:ledger")


@pytest.fixture
def world(db, settings):
    return make_world(settings)


def receive_url(code: str = "1.000001") -> str:
    return reverse("backoffice:receive", args=[code])


def walk_in(client, world, **overrides):
    """Fill in the desk's form as a receiver would, for the birth registration."""
    form = client.get(receive_url()).content.decode()
    answer = re.search(r'name="([^"]*ho_ten_tre)"', form).group(1)
    version = world.version("1.000001")
    data = {
        "variant": version.variants.get().pk,
        "agency": world.committee.pk,
        "channel": Channel.IN_PERSON,
        "applicant_type": 1,
        "name": "Lê Thị Cúc",
        "id_number": "001190012345",
        "phone": "0901 234 567",
        "email": "",
        "address": "12 Hàng Bạc, Phường Hoàn Kiếm",
        "result_delivery": "desk",
        answer: "Lê Minh Khang",
        **overrides,
    }
    return client.post(receive_url(), {k: v for k, v in data.items() if v is not None})


def test_the_desk_finds_the_procedures_its_units_receive(client, world):
    client.force_login(world["receiver"])
    body = text(client.get(START, {"q": "khai sinh"}))
    assert "Đăng ký khai sinh" in body
    assert "Cấp thẻ BHYT" not in text(client.get(START))  # a city-level procedure
    assert client.get(START, {"page": "x"}).status_code == 200


def test_only_a_receiver_takes_a_walk_in_dossier(client, world):
    client.force_login(world["specialist"])
    assert client.get(START).status_code == 403
    assert client.get(receive_url()).status_code == 403
    assert client.post(receive_url(), {"name": "x"}).status_code == 403
    assert not Dossier.objects.exists()


def test_the_desk_receives_a_walk_in_and_accepts_it_with_the_appointment(client, world):
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 23, 10, 30)):
        scan = SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")
        requirement = world.version("1.000001").documents.get(name="Giấy chứng sinh")
        response = walk_in(client, world, **{f"doc_{requirement.pk}": scan})
        dossier = Dossier.objects.get()
        assert response.url == page(dossier.code)
        assert (dossier.channel, dossier.status, dossier.handler) == (
            Channel.IN_PERSON, Status.SUBMITTED, world["receiver"],
        )  # fmt: skip
        assert dossier.applicant is None and dossier.applicant_phone == "0901234567"
        assert dossier.data == {"ho_ten_tre": "Lê Minh Khang"}
        stored = dossier.files.get()
        assert (stored.requirement, stored.original_name) == (requirement, "giay-chung-sinh.pdf")

        preview = text(
            client.get(reverse("backoffice:dossier-action", args=[dossier.code, "tiep-nhan"]))
        )
        assert "hẹn trả kết quả lúc 10:30 24/11/2026" in preview
        assert act(client, dossier, "tiep-nhan").status_code == 302
    receipt = text(client.get(slip_url(dossier.code, "01")))
    assert "Thời gian nhận hồ sơ: 10:30 23/11/2026" in receipt
    assert "Thời gian trả kết quả giải quyết hồ sơ: 10:30 24/11/2026" in receipt


def test_a_walk_in_after_15_00_counts_from_the_next_working_day(client, world):
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 23, 15, 30)):
        walk_in(client, world)
        dossier = Dossier.objects.get()
        assert act(client, dossier, "tiep-nhan").status_code == 302
    assert fresh(dossier).due_at == local(2026, 11, 24, 17, 0)
    receipt = text(client.get(slip_url(dossier.code, "01")))
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17:00 24/11/2026" in receipt


def test_pressing_the_button_twice_makes_one_dossier(client, world):
    client.force_login(world["receiver"])
    form = client.get(receive_url()).content.decode()
    key = re.search(r'name="key" value="([0-9a-f]{32})"', form).group(1)
    first = walk_in(client, world, key=key)
    second = walk_in(client, world, key=key)
    assert first.url == second.url
    assert Dossier.objects.count() == 1


def test_a_walk_in_by_post_is_recorded_as_such(client, world):
    client.force_login(world["receiver"])
    walk_in(client, world, channel=Channel.POST)
    assert Dossier.objects.get().channel == Channel.POST


def test_a_walk_in_with_missing_or_bad_details_is_refused_and_nothing_is_kept(client, world):
    client.force_login(world["receiver"])
    cases = [
        {"name": ""},
        {"phone": "", "id_number": "", "email": ""},
        {"phone": "12345"},
        {"id_number": "12"},
        {"email": "khong-phai-thu"},
        {"agency": world.committee2.pk},  # not a unit of this desk
        {"agency": "abc"},
        {"variant": 999999},
        {"channel": Channel.ONLINE},
        {"result_delivery": "post", "delivery_address": ""},
    ]
    for overrides in cases:
        response = walk_in(client, world, **overrides)
        assert response.status_code == 400, overrides
        assert "Có lỗi cần sửa" in text(response)
    assert not Dossier.objects.exists()
    assert not DossierFile.objects.exists()


def test_a_walk_in_with_an_empty_answer_is_refused(client, world):
    client.force_login(world["receiver"])
    form = client.get(receive_url()).content.decode()
    answer = re.search(r'name="([^"]*ho_ten_tre)"', form).group(1)
    response = walk_in(client, world, **{answer: ""})
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_with_its_name(client, world):
    client.force_login(world["receiver"])
    fake = SimpleUploadedFile(
        "to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = walk_in(client, world, other_files=fake)
    assert response.status_code == 400
    assert "to-khai.pdf" in text(response) and "không phải PDF" in text(response)
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()


def test_an_unknown_procedure_is_404(client, world):
    client.force_login(world["receiver"])
    assert client.get(receive_url("9.999999")).status_code == 404


def test_a_procedure_the_desk_does_not_handle_is_explained(client, world):
    client.force_login(world["receiver"])
    response = client.get(receive_url("H26-BHYT-01"))
    assert response.status_code == 409
    assert "không giải quyết thủ tục này" in text(response)


def test_the_desk_refuses_with_one_reason_per_line(client, world):
    dossier = world.submit()
    client.force_login(world["receiver"])
    assert act(client, dossier, "tu-choi", {"reasons": " \n  "}).status_code == 400
    response = act(
        client, dossier, "tu-choi",
        {"reasons": "Không thuộc thẩm quyền\n\nThiếu giấy chứng sinh"},
    )  # fmt: skip
    assert response.status_code == 302
    assert fresh(dossier).status == Status.REFUSED
    refusal = text(client.get(slip_url(dossier.code, "03")))
    assert "1. Không thuộc thẩm quyền" not in refusal  # a list, numbered by the browser
    assert "Không thuộc thẩm quyền" in refusal and "Thiếu giấy chứng sinh" in refusal


def test_the_desk_asks_for_a_supplement_once_then_takes_the_papers(client, world):
    with travel(MONDAY_8):
        dossier = world.submit()
        client.force_login(world["receiver"])
        form = client.get(
            reverse("backoffice:dossier-action", args=[dossier.code, "yeu-cau-bo-sung"])
        )
        assert 'value="27/11/2026"' in form.content.decode()  # 5 working days
        assert (
            act(client, dossier, "yeu-cau-bo-sung", {"deadline": "30/11/2026"}).status_code == 400
        )
        bad = {"item_0_name": "Giấy chứng sinh", "deadline": "31/02/2026"}
        assert act(client, dossier, "yeu-cau-bo-sung", bad).status_code == 400
        past = {"item_0_name": "Giấy chứng sinh", "deadline": "20/11/2026"}
        assert act(client, dossier, "yeu-cau-bo-sung", past).status_code == 400
        orphan = {"item_0_reason": "Bản mờ", "deadline": "30/11/2026"}
        assert act(client, dossier, "yeu-cau-bo-sung", orphan).status_code == 400
        done = act(client, dossier, "yeu-cau-bo-sung", {
            "item_0_name": "Giấy chứng sinh", "item_0_reason": "Bản chụp bị mờ",
            "item_2_name": "Tờ khai", "item_2_reason": "Thiếu chữ ký", "deadline": "02/12/2026",
        })  # fmt: skip
        assert done.status_code == 302
        asked = fresh(dossier)
        assert asked.status == Status.SUPPLEMENT_REQUESTED
        assert asked.supplement_deadline == local(2026, 12, 2, 23, 59, 59)
        again = act(client, dossier, "yeu-cau-bo-sung", {"item_0_name": "x"})
        assert again.status_code == 409, "a supplement is asked once"

        slip = text(client.get(slip_url(dossier.code, "02")))
        assert "Giấy chứng sinh Bản chụp bị mờ" in slip and "Tờ khai Thiếu chữ ký" in slip
        assert "23:59 02/12/2026" in slip

        assert act(client, dossier, "bo-sung").status_code == 400  # neither file nor note
        scan = SimpleUploadedFile("giay-chung-sinh.pdf", PDF)
        brought = act(client, dossier, "bo-sung", {"scans": [scan], "note": "Bản rõ"})
    assert brought.status_code == 302
    after = fresh(dossier)
    assert after.status == Status.SUBMITTED
    assert after.files.get().kind == DossierFile.Kind.SUPPLEMENT


def test_an_empty_supplement_deadline_uses_the_default_working_days(client, world):
    with travel(MONDAY_8):
        dossier = world.submit()
        client.force_login(world["receiver"])
        act(client, dossier, "yeu-cau-bo-sung", {"item_0_name": "Tờ khai", "deadline": ""})
    deadline = fresh(dossier).supplement_deadline
    assert timezone.localdate(deadline).isoformat() == "2026-11-27"


# The ledger (form 06) ------------------------------------------------------------------------


def test_the_ledger_lists_this_months_dossiers_of_my_units(client, world):
    with travel(MONDAY_8):
        mine = accepted(world)
        other = world.submit(agency=world.committee2)
    with travel(local(2026, 12, 1, 9, 0)):
        later = world.submit()
    client.force_login(world["receiver"])
    with travel(local(2026, 11, 30, 9, 0)):
        body = text(client.get(LEDGER))
    assert mine.code in body and other.code not in body and later.code not in body
    assert "08:00 23/11/2026" in body

    body = text(client.get(LEDGER, {"tu": "01/12/2026", "den": "31/12/2026"}))
    assert later.code in body and mine.code not in body


def test_the_ledger_exports_csv_for_spreadsheets(client, world):
    with travel(MONDAY_8):
        dossier = accepted(world)
    client.force_login(world["receiver"])
    response = client.get(LEDGER, {"tu": "01/11/2026", "den": "30/11/2026", "dinh-dang": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "so-theo-doi-ho-so-20261101-20261130.csv" in response["Content-Disposition"]
    assert content.startswith("\ufeffSTT,Mã hồ sơ")
    assert f"1,{dossier.code},Nguyễn Văn An,Đăng ký khai sinh" in content


def test_the_ledger_refuses_bad_dates_with_400(client, world):
    client.force_login(world["receiver"])
    for params in (
        {"tu": "abc"}, {"den": "32/01/2026"}, {"tu": "01/01/0001"},
        {"tu": "10/11/2026", "den": "01/11/2026"}, {"tu": "01/01/2024", "den": "01/01/2026"},
    ):  # fmt: skip
        response = client.get(LEDGER, params)
        assert response.status_code == 400, params
        assert "Có lỗi cần sửa" in text(response)


def test_the_desk_types_in_nested_answers_and_rows_and_the_dossier_page_reads_them(client, world):
    version = world.version("1.000001")
    version.form_schema = {
        "type": "object",
        "required": ["nguoi_yeu_cau"],
        "properties": {
            "nguoi_yeu_cau": {
                "type": "object", "title": "Người yêu cầu", "required": ["ho_ten"],
                "properties": {
                    "ho_ten": {"type": "string", "title": "Họ tên", "minLength": 1},
                    "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
                },
            },
            "con": {
                "type": "array", "title": "Các con",
                "items": {"type": "object", "properties": {"ten": {"type": "string"}}},
            },
        },
    }  # fmt: skip
    version.save(update_fields=["form_schema"])
    client.force_login(world["receiver"])
    form = client.get(receive_url()).content.decode()
    names = re.findall(r'name="(tk\d+-[^"]+)"', form)
    assert any(n.endswith("nguoi_yeu_cau__ho_ten") for n in names), names
    answers = {}
    for name in names:
        if name.endswith("ho_ten"):
            answers[name] = "Phạm Văn Dũng"
        elif name.endswith("ngay_sinh"):
            answers[name] = "05/06/1990"
        elif name.endswith("__0__ten"):
            answers[name] = "Phạm Minh"
    version = world.version("1.000001")
    data = {
        "variant": version.variants.get().pk, "agency": world.committee.pk,
        "channel": Channel.IN_PERSON, "applicant_type": 1, "name": "Phạm Văn Dũng",
        "phone": "0901234567", "result_delivery": "desk", **answers,
    }  # fmt: skip
    response = client.post(receive_url(), data)
    dossier = Dossier.objects.get()
    assert response.url == page(dossier.code)
    assert dossier.data == {
        "nguoi_yeu_cau": {"ho_ten": "Phạm Văn Dũng", "ngay_sinh": "1990-06-05"},
        "con": [{"ten": "Phạm Minh"}],
    }
    body = text(client.get(page(dossier.code)))
    assert "Ngày sinh 05/06/1990" in body and "Phạm Minh" in body
