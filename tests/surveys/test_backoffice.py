"""The back office's doors: the desk tablet and the leaders' aggregates page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.surveys.models import Evaluation, EvaluationChannel, Overall
from motcua.surveys.services import Answer, evaluate_dossier, evaluation_token
from tests.dossiers.doors import office_client
from tests.dossiers.world import local

from .helpers import decided, returned


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OFFICER_2FA_REQUIRED = False


ANSWER = {"overall": "dissatisfied", "attitude": "0", "asked_for_more": "yes", "comment": "Lâu"}


def test_the_desk_tablet_records_the_answer_and_shows_only_thanks(world):
    dossier = returned(world)
    desk = office_client(world["receiver"])
    page = desk.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    url = reverse("backoffice:desk-evaluation", args=[dossier.code])
    assert url in page
    tablet = desk.get(url).content.decode()
    assert "Mời Anh/Chị đánh giá" in tablet and "bo-nav" not in tablet
    response = desk.post(url, ANSWER)
    assert response.status_code == 302
    thanks = desk.get(response.url).content.decode()
    assert "Cảm ơn" in thanks
    assert "Lâu" not in thanks and "Không hài lòng" not in thanks
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.channel, evaluation.overall) == ("desk", "dissatisfied")
    assert evaluation.feedback_item.channel == "desk"


def test_the_desk_refuses_a_second_answer_and_shows_nothing_of_the_first(world):
    dossier = returned(world)
    answer = Answer(overall=Overall.SATISFIED, attitude=2, asked_for_more=False, comment="Ổn")
    evaluate_dossier(dossier=dossier, answer=answer, channel=EvaluationChannel.QR)
    desk = office_client(world["receiver"])
    page = desk.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    url = reverse("backoffice:desk-evaluation", args=[dossier.code])
    assert url not in page
    response = desk.post(url, ANSWER)
    assert response.status_code == 409
    html = response.content.decode()
    assert "không thể sửa đánh giá" in html and "Ổn" not in html
    assert Evaluation.objects.get(dossier=dossier).overall == "satisfied"


def test_only_the_desk_of_the_unit_opens_the_tablet(world):
    dossier = returned(world)
    url = reverse("backoffice:desk-evaluation", args=[dossier.code])
    assert office_client(world["specialist"]).get(url).status_code == 404
    assert office_client(world["receiver2"]).get(url).status_code == 404  # another ward
    assert office_client(world["specialist"]).post(url, ANSWER).status_code == 404
    assert not Evaluation.objects.exists()


def _rate_many(world, count):
    for n in range(count):
        dossier = decided(world, start=local(2026, 11, 23 + n % 5, 8, n // 5))
        answer = Answer(overall=Overall.SATISFIED, attitude=2, asked_for_more=False, comment="Tốt")
        evaluate_dossier(
            dossier=dossier,
            answer=answer,
            channel=EvaluationChannel.QR,
            at=dossier.decided_at + timedelta(hours=1),
        )


def test_the_aggregates_page_hides_figures_below_five_answers(world):
    _rate_many(world, 4)
    client = office_client(world["approver"])
    url = reverse("backoffice:evaluations") + "?don-vi=000.01.99.H26&thang=11/2026"
    html = client.get(url).content.decode()
    assert "Chưa đủ 5 đánh giá" in html
    assert html.count("100,0%") == 1  # 5.4, about dossiers; no share of 4 answers
    assert "Tốt" not in html
    _rate_many(world, 1)
    html = client.get(url).content.decode()
    assert "chuyenvien" in html and "Tốt" in html and html.count("100,0%") > 1
    assert "Chỉ số 5.4" in html


def test_the_aggregates_page_of_another_unit_is_refused(world):
    client = office_client(world["receiver2"])
    url = reverse("backoffice:evaluations") + "?don-vi=000.01.99.H26&thang=11/2026"
    assert client.get(url).status_code == 403
    bad = reverse("backoffice:evaluations") + "?thang=13/2026"
    assert client.get(bad).status_code == 400


def test_the_desk_prints_the_evaluation_qr_to_hand_over_with_the_result(world):
    dossier = returned(world)
    desk = office_client(world["receiver"])
    card = reverse("backoffice:evaluation-card", args=[dossier.code])
    page = desk.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    assert card in page
    html = desk.get(card).content.decode()
    assert f"/danh-gia/{evaluation_token(dossier)}/" in html
    assert 'src="data:image/svg+xml' in html
    assert office_client(world["specialist"]).get(card).status_code == 404
    waiting = world.submit()
    assert desk.get(reverse("backoffice:evaluation-card", args=[waiting.code])).status_code == 404
