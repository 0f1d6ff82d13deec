"""The issue's walk-through, through the real pages only: a citizen submits a 3-in-1 dossier
on the portal with an attachment; the ward desk asks for a supplement, then accepts; officers
of the ward, its police and the city's social-insurance agency move the children through their
steps; the dossier runs late and an apology slip goes out; the desk returns the result; the
citizen follows every step, and an officer of another ward sees nothing."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.core.models import OutboxMessage
from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.models import Dossier, Draft
from motcua.dossiers.workflow import Status
from tests.dossiers.world import build_world, local

PDF = one_page_pdf("Giay to")


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(officer, dossier: Dossier, slug: str, data: dict | None = None):
    url = reverse("backoffice:dossier-action", args=[dossier.code, slug])
    return as_user(officer).post(url, data or {})


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OFFICER_2FA_REQUIRED = False
    return build_world()


def test_a_3_in_1_dossier_from_the_portal_to_the_returned_result(world):
    citizen = as_user(world["citizen"])
    version = world.version("2.000003")

    with time_machine.travel(local(2026, 11, 23, 9, 0), tick=False):
        start = citizen.post(
            reverse("portal:submission-start", args=["2.000003"]),
            {"variant": version.variants.get().pk, "agency": world.committee.pk,
             "result_delivery": "online"},
        )  # fmt: skip
        assert start.status_code == 302
        draft = Draft.objects.get(owner=world["citizen"])
        page = citizen.post(start.url, {"ho_ten_tre": "Nguyễn Minh Khôi"})
        assert page.status_code == 302
        for requirement in version.documents.all():
            upload = citizen.post(
                reverse("portal:draft-attachments", args=[draft.pk]),
                {"requirement": requirement.pk,
                 "file": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")},
            )  # fmt: skip
            assert upload.status_code == 302
        check = citizen.get(reverse("portal:draft-check", args=[draft.pk]))
        token = re.search(r'name="token" value="([^"]+)"', check.content.decode()).group(1)
        done = citizen.post(reverse("portal:draft-check", args=[draft.pk]), {"token": token})
        assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.files.count() == 1
    assert re.fullmatch(r"000\.01\.99\.H26-261123-\d{4}", dossier.code)

    with time_machine.travel(local(2026, 11, 23, 9, 30), tick=False):
        asked = act(world["receiver"], dossier, "yeu-cau-bo-sung", {
            "item_0_name": "Giấy chứng sinh", "item_0_reason": "Chưa đính kèm",
            "deadline": "27/11/2026",
        })  # fmt: skip
        assert asked.status_code == 302, text(asked)
    assert fresh(dossier).status == Status.SUPPLEMENT_REQUESTED

    with time_machine.travel(local(2026, 11, 23, 10, 0), tick=False):
        supplied = citizen.post(
            reverse("portal:dossier-supplement", args=[dossier.code]),
            {"file_0": SimpleUploadedFile("chung-sinh.pdf", PDF, "application/pdf"),
             "note": "Bổ sung giấy chứng sinh"},
        )  # fmt: skip
        assert supplied.status_code == 302
    assert fresh(dossier).status == Status.SUBMITTED

    with time_machine.travel(local(2026, 11, 23, 10, 30), tick=False):
        accepted = act(world["receiver"], dossier, "tiep-nhan")
        assert accepted.status_code == 302, text(accepted)
    dossier = fresh(dossier)
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == local(2026, 11, 26, 10, 30)  # 3 working days
    children = {c.agency_id: c for c in dossier.children.all()}
    assert set(children) == {world.committee.pk, world.police.pk, world.health_insurance.pk}

    # Two days later nothing is finished: before the due date, the desk apologises.
    with time_machine.travel(local(2026, 11, 25, 9, 0), tick=False):
        apology = act(world["receiver"], dossier, "xin-loi", {
            "reason": "Chờ cơ quan bảo hiểm xác minh", "new_date": "30/11/2026",
            "new_time": "16:00",
        })  # fmt: skip
        assert apology.status_code == 302, text(apology)
    assert fresh(dossier).due_at == local(2026, 11, 30, 16, 0)
    sms = OutboxMessage.objects.filter(channel="sms", recipient="0912345678").order_by("id")
    assert "30/11/2026" in sms.last().payload["text"]

    with time_machine.travel(local(2026, 11, 27, 9, 0), tick=False):
        for specialist, approver, agency in (
            ("specialist", "approver", world.committee),
            ("police_specialist", "police_approver", world.police),
            ("bhxh_specialist", "bhxh_approver", world.health_insurance),
        ):
            child = fresh(children[agency.pk])
            assert (
                act(world[specialist], child, "chuyen-buoc", {"note": "Đã thẩm tra"}).status_code
                == 302
            )
            assert act(world[approver], fresh(child), "phe-duyet",
                       {"decision": "approve", "note": ""}).status_code == 302  # fmt: skip
    dossier = fresh(dossier)
    assert dossier.status == Status.DECIDED and dossier.handler == world["receiver"]

    with time_machine.travel(local(2026, 11, 27, 10, 0), tick=False):
        returned = act(world["receiver"], dossier, "tra-ket-qua", {"method": "online"})
        assert returned.status_code == 302, text(returned)
    assert fresh(dossier).status == Status.RETURNED
    assert set(dossier.children.values_list("status", flat=True)) == {Status.RETURNED}

    # The citizen followed every step.
    detail = text(citizen.get(reverse("portal:dossier-detail", args=[dossier.code])))
    for moment in ("Yêu cầu bổ sung", "Bổ sung hồ sơ", "xin lỗi", "Trả kết quả", "30/11/2026"):
        assert moment.lower() in detail.lower(), moment
    # Form 04 lists the hand-overs of the parent; the return is on time (before 30/11).
    slip = text(as_user(world["receiver"]).get(
        reverse("backoffice:dossier-slip", args=[dossier.code, "04"])
    ))  # fmt: skip
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip and "Đúng hạn" in slip

    # An officer of another ward sees nothing and changes nothing.
    outsider = as_user(world["receiver2"])
    assert outsider.get(reverse("backoffice:dossier", args=[dossier.code])).status_code == 404
    assert act(world["receiver2"], dossier, "tra-lai", {"reason": "x"}).status_code == 404
