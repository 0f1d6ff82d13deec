"""The evaluation pages checked by the Nu HTML checker, as tests/test_html.py checks the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from motcua.surveys.models import EvaluationChannel, Overall
from motcua.surveys.services import Answer, evaluate_dossier, evaluation_token
from tests.test_html import JAVA, nu_errors

from .helpers import decided, returned

pytestmark = [
    pytest.mark.html,
    pytest.mark.skipif(JAVA is None, reason="the Nu HTML checker needs Java"),
]
ANSWER = {"overall": "satisfied", "attitude": "2", "asked_for_more": "no", "comment": ""}


def _html(client: Client, url: str, status: int = 200, data: dict | None = None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def test_the_evaluation_pages_are_valid_html(world, settings, tmp_path):
    settings.OFFICER_2FA_REQUIRED = False
    at_desk, by_qr, own = returned(world), returned(world), decided(world)
    token = reverse("portal:evaluation", args=[evaluation_token(by_qr)])
    anonymous, citizen, desk = Client(), Client(), Client()
    citizen.force_login(world["citizen"])
    desk.force_login(world["receiver"])
    tablet = reverse("backoffice:desk-evaluation", args=[at_desk.code])
    pages = {
        "qr form": _html(anonymous, token),
        "qr form, errors": _html(anonymous, token, 400, {}),
        "thanks": _html(anonymous, reverse("portal:evaluation-thanks")),
        "own form": _html(citizen, reverse("portal:dossier-evaluate", args=[own.code])),
        "desk tablet": _html(desk, tablet),
        "desk tablet, errors": _html(desk, tablet, 400, {}),
    }
    desk.post(tablet, ANSWER)
    pages["desk thanks"] = _html(
        desk, reverse("backoffice:desk-evaluation-thanks", args=[at_desk.code])
    )
    pages["desk, refused"] = _html(desk, tablet)
    pages["qr card"] = _html(desk, reverse("backoffice:evaluation-card", args=[at_desk.code]))
    answer = Answer(overall=Overall.VERY_SATISFIED, attitude=2, asked_for_more=False, comment="Tốt")
    for dossier in (by_qr, own):
        evaluate_dossier(
            dossier=dossier, answer=answer, channel=EvaluationChannel.QR,
            at=dossier.decided_at + timedelta(hours=3),
        )  # fmt: skip
    figures = reverse("backoffice:evaluations") + "?don-vi=000.01.99.H26&thang=11/2026"
    pages["figures"] = _html(desk, figures)
    assert nu_errors(pages, tmp_path) == []
