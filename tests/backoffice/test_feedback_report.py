"""The feedback figures of Decision 766 (5.2 on time, 5.3 satisfaction) and the count per
channel on the back office's monthly report, each with its numerator and denominator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.feedback import services
from motcua.feedback.models import ItemChannel, Topic
from motcua.identity.models import OfficerRole
from tests.dossiers.world import local, officer

from .dossier_helpers import make_world, text, travel

URL = reverse("backoffice:report")
TUESDAY = local(2026, 12, 1, 9, 0)


@pytest.fixture
def world(db, settings):
    world = make_world(settings)
    operator = officer("tongdai", OfficerRole.Role.HOTLINE_OPERATOR, world.committee)
    world.people["operator"] = operator
    return world


def send(world, at, **extra):
    values = dict(
        topic=Topic.objects.get(code="chieu-sang"), title="Đèn hỏng", body="Đèn tắt.",
        channel=ItemChannel.PORTAL, sender=world["citizen"], ward=world.ward, at=at,
    )  # fmt: skip
    values.update(extra)
    return services.submit_feedback(**values)


def answered(world, item, rating):
    at = item.received_at + timedelta(hours=2)
    item = services.answer(item=item, officer=world["receiver"], text="Đã sửa.", at=at)
    item = services.publish(item=item, officer=world["receiver"], public_title="Đèn",
                            public_question="Đèn tắt.", public_answer="Đã sửa.", at=at)  # fmt: skip
    return services.rate(item=item, rating=rating, by=world["citizen"], at=at)


def test_the_report_shows_the_feedback_figures_of_the_units_month(client, world):
    # All sent before any answer: a later item from the same sender would count as a repeat.
    liked, disliked = send(world, TUESDAY), send(world, TUESDAY, sender=world["other_citizen"])
    original, duplicate = send(world, TUESDAY, title="Gốc"), send(world, TUESDAY)
    services.record_call(operator=world["operator"], topic=Topic.objects.get(code="chieu-sang"),
                         caller_phone="0912000111", summary="Đèn tắt", consent=True,
                         ward=world.ward, at=TUESDAY)  # fmt: skip
    services.merge(item=duplicate, original=original, officer=world["receiver"])
    answered(world, liked, "like")
    answered(world, disliked, "dislike")
    answered(world, original, "like")
    send(world, TUESDAY, ward=world.ward2)  # another ward's committee: not this report
    send(world, local(2026, 11, 30, 9, 0))  # November: not this month
    client.force_login(world["approver"])
    with travel(local(2026, 12, 30, 9, 0)):  # the call, still open, is past its deadline
        response = client.get(URL, {"don-vi": world.committee.electronic_id, "thang": "12/2026"})
    figures = response.context["feedback"]["figures"]
    assert (figures.total, figures.on_time, figures.late) == (4, 3, 1)
    assert (figures.disliked, figures.unsatisfied) == (1, 2)
    assert figures.on_time_rate == 75 and figures.satisfaction_rate == 50
    body = text(response)
    assert "5.2. Phản ánh, kiến nghị được xử lý đúng hạn 3 đúng hạn 4 phản ánh 75" in body
    assert "2 = 4 − 2 (quá hạn 1, không hài lòng với câu trả lời 1, lặp lại 0" in body
    assert "Cổng dịch vụ công 3" in body and "Đường dây nóng 1" in body
    assert "Bộ phận một cửa 0" in body and "(Open311) 0" in body
