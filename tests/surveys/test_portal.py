"""The evaluation as the applicant meets it on the portal: the owner's page and the QR page."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse

from motcua.core.models import OutboxMessage
from motcua.surveys.models import Evaluation
from motcua.surveys.services import evaluation_token

from .helpers import decided, returned

ANSWER = {"overall": "satisfied", "attitude": "2", "asked_for_more": "no", "comment": "Nhanh"}


def test_the_qr_page_works_without_signing_in_and_thanks_without_the_answer(client, world):
    dossier = returned(world)
    url = reverse("portal:evaluation", args=[evaluation_token(dossier)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Đánh giá mức độ hài lòng" in page.content.decode()
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    thanks = client.get(response.url).content.decode()
    assert "Cảm ơn" in thanks and "Nhanh" not in thanks
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.overall, evaluation.channel) == ("satisfied", "qr")
    assert evaluation.comment == "Nhanh"


def test_an_unknown_token_is_a_404(client, world):
    assert client.get(reverse("portal:evaluation", args=["x" * 32])).status_code == 404


def test_the_qr_page_says_not_yet_before_the_decision(client, world):
    dossier = world.submit()
    url = reverse("portal:evaluation", args=[evaluation_token(dossier)])
    assert "khi đã giải quyết xong" in client.get(url).content.decode()
    response = client.post(url, ANSWER)
    assert response.status_code == 409
    assert not Evaluation.objects.exists()


def test_a_missing_choice_is_shown_next_to_its_field(client, world):
    dossier = returned(world)
    url = reverse("portal:evaluation", args=[evaluation_token(dossier)])
    response = client.post(url, {**ANSWER, "overall": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_overall_0"' in html and "Hãy chọn mức độ hài lòng chung." in html


def test_the_qr_page_never_shows_a_given_answer(client, world):
    dossier = returned(world)
    url = reverse("portal:evaluation", args=[evaluation_token(dossier)])
    client.post(url, {**ANSWER, "comment": "Cán bộ A chậm"})
    html = client.get(url).content.decode()
    assert "Cán bộ A chậm" not in html and "đã được đánh giá" in html


def test_a_change_after_seven_days_is_refused_on_the_page(client, world):
    dossier = returned(world)
    url = reverse("portal:evaluation", args=[evaluation_token(dossier)])
    with time_machine.travel(dossier.returned_at, tick=False):
        client.post(url, ANSWER)
    with time_machine.travel(dossier.returned_at + timedelta(days=8), tick=False):
        response = client.post(url, {**ANSWER, "overall": "dissatisfied"})
    assert response.status_code == 409
    assert "quá 7 ngày" in response.content.decode()
    assert Evaluation.objects.get(dossier=dossier).overall == "satisfied"


def test_the_owner_rates_from_the_dossier_page(client, world):
    dossier = decided(world)
    client.force_login(world["citizen"])
    detail = client.get(reverse("portal:dossier-detail", args=[dossier.code])).content.decode()
    own = reverse("portal:dossier-evaluate", args=[dossier.code])
    assert own in detail
    response = client.post(own, ANSWER)
    assert response.status_code == 302
    assert Evaluation.objects.get(dossier=dossier).channel == "portal"


def test_another_citizen_gets_a_404_for_the_evaluation_page(client, world):
    dossier = decided(world)
    client.force_login(world["other_citizen"])
    own = reverse("portal:dossier-evaluate", args=[dossier.code])
    assert client.get(own).status_code == 404
    assert client.post(own, ANSWER).status_code == 404
    assert not Evaluation.objects.exists()


def test_an_open_dossier_page_offers_no_evaluation(client, world):
    dossier = world.submit()
    client.force_login(world["citizen"])
    detail = client.get(reverse("portal:dossier-detail", args=[dossier.code])).content.decode()
    assert reverse("portal:dossier-evaluate", args=[dossier.code]) not in detail


def test_the_result_notification_carries_the_evaluation_link(world):
    dossier = decided(world)
    token = evaluation_token(dossier)
    messages = OutboxMessage.objects.filter(key__startswith="applicant:")
    decision = [m for m in messages if "đã được giải quyết xong" in str(m.payload)]
    assert decision and all(f"/danh-gia/{token}/" in str(m.payload) for m in decision)
    accepted = [m for m in messages if "đã được tiếp nhận" in str(m.payload)]
    assert accepted and not any("/danh-gia/" in str(m.payload) for m in accepted)


def test_the_receipt_carries_the_qr_of_the_evaluation(client, world):
    dossier = decided(world)
    client.force_login(world["citizen"])
    event = dossier.events.get(action="accept")
    slip = client.get(reverse("portal:dossier-slip", args=[dossier.code, "01", event.pk]))
    html = slip.content.decode()
    assert f"/danh-gia/{evaluation_token(dossier)}/" in html
    assert 'src="data:image/svg+xml' in html
