"""The back office's feedback pages checked by the Nu HTML checker (tests/test_html.py): the
inbox, an item with its attachment and history, every action's form and its errors, the
hotline's form and list, and the report with its feedback figures."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.dossiers.files import NewUpload
from motcua.feedback import services
from motcua.feedback.models import ItemChannel, Topic
from motcua.identity.models import OfficerRole
from tests.dossiers.world import officer
from tests.test_html import JAVA, nu_errors

from .dossier_helpers import PDF, make_world

pytestmark = [
    pytest.mark.html,
    pytest.mark.skipif(JAVA is None, reason="the Nu HTML checker needs Java"),
]


def _html(client: Client, url: str, status: int = 200, **data: str) -> str:
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def test_the_feedback_pages_are_valid_html(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(settings)
    operator = officer("tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.committee)
    upload = NewUpload(SimpleUploadedFile("anh.pdf", PDF), name="anh.pdf", key="files")
    item = services.submit_feedback(
        topic=Topic.objects.get(code="chieu-sang"), title="Đèn hỏng", body="Đèn tắt.",
        channel=ItemChannel.PORTAL, sender=world["citizen"], ward=world.ward, uploads=[upload],
        latitude="21.0288", longitude="105.852", address="12 Tràng Tiền",
    )  # fmt: skip
    services.submit_feedback(
        topic=item.topic, title="Đèn hỏng nữa", body="Vẫn tắt.", channel=ItemChannel.PORTAL,
        sender=world["other_citizen"], ward=world.ward,
    )  # fmt: skip
    answered = services.answer(
        item=services.submit_feedback(
            topic=item.topic, title="Cũ", body="Đèn.", channel=ItemChannel.PORTAL,
            sender=world["citizen"], ward=world.ward2,
        ),
        officer=world["receiver2"], text="Đã sửa.",
    )  # fmt: skip
    services.rate(item=answered, rating="dislike", by=world["citizen"], reason="Chưa sửa")
    leader = Client()
    leader.force_login(world["approver"])
    inbox = reverse("backoffice:feedback-inbox")
    pages = {
        "inbox": _html(leader, inbox),
        "inbox, all": _html(leader, inbox + "?hop=tat-ca&kenh=portal"),
        "item": _html(leader, reverse("backoffice:feedback", args=[item.code])),
    }
    for slug in ("phan-loai", "chuyen-co-quan", "tu-choi", "yeu-cau-bo-sung", "tra-loi", "gop"):
        url = reverse("backoffice:feedback-action", args=[item.code, slug])
        pages[slug] = _html(leader, url)
        pages[f"{slug}, errors"] = _html(leader, url, status=400, x="")
    other = Client()
    other.force_login(world["receiver2"])
    decide = reverse("backoffice:feedback-action", args=[answered.code, "xu-ly-lai"])
    publish = reverse("backoffice:feedback-action", args=[answered.code, "cong-khai"])
    pages["publish"] = _html(other, publish)
    pages["decide, refused"] = _html(other, decide, status=403)
    calls = Client()
    calls.force_login(operator)
    record = reverse("backoffice:hotline-record")
    pages["call"] = _html(calls, record)
    pages["call, errors"] = _html(calls, record, status=400, summary="")
    pages["calls"] = _html(calls, reverse("backoffice:hotline"))
    pages["home, operator"] = _html(calls, reverse("backoffice:home"))
    pages["report"] = _html(leader, reverse("backoffice:report"))
    assert nu_errors(pages, tmp_path) == []
