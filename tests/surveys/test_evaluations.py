import hashlib
from datetime import timedelta

import pytest
import time_machine

from motcua.dossiers.models import Channel, Dossier
from motcua.feedback.models import FeedbackItem
from motcua.surveys.models import ConcernedOfficer, Evaluation, EvaluationChannel, Overall
from motcua.surveys.scoring import online, system_scores
from motcua.surveys.services import (
    Answer,
    EvaluationError,
    dossier_for_token,
    evaluate_dossier,
    evaluation_token,
)
from tests.dossiers.world import local

from .helpers import decided, returned

HAPPY = Answer(overall=Overall.VERY_SATISFIED, attitude=2, asked_for_more=False, comment="Tốt")


def test_a_dossier_decided_early_through_the_desk_scores_from_its_record(world):
    dossier = returned(world)
    scores = system_scores(dossier)
    assert scores == {  # each step done on its due day: on time, 1
        "total_time": 2, "step_time": 1, "contacts": 2, "bodies": 2,
        "one_stop": 2, "feedback": 2, "online": 2,
    }  # fmt: skip


def test_a_late_dossier_scores_zero_for_time_and_its_late_step(world):
    dossier = decided(world, late=True)
    scores = system_scores(dossier)
    assert scores["total_time"] == 0
    assert scores["step_time"] == 0  # the approver's step was overdue when it was decided


def test_each_supplement_request_costs_a_point_of_contacts(world):
    dossier = decided(world, supplements=1)
    assert system_scores(dossier)["contacts"] == 1
    # A second request can only come during processing; its count is what matters here.
    Dossier.objects.filter(pk=dossier.pk).update(supplement_count=2)
    dossier.refresh_from_db()
    assert system_scores(dossier)["contacts"] == 0
    # More than one supplement request is late by the 766 rule, whatever the dates.
    assert system_scores(dossier)["total_time"] == 0


def test_the_channel_scores_online_over_post_over_in_person():
    assert [online(Dossier(channel=c)) for c in Channel] == [0, 2, 1]


def test_a_dossier_is_open_for_evaluation_only_once_decided(world):
    dossier = world.submit()
    with pytest.raises(EvaluationError, match="giải quyết xong"):
        evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.QR)
    assert not Evaluation.objects.exists()


def test_the_evaluation_stores_the_scores_of_its_moment_and_the_officers(world):
    dossier = returned(world, late=True)
    at = dossier.returned_at + timedelta(hours=1)
    evaluation = evaluate_dossier(
        dossier=dossier, answer=HAPPY, channel=EvaluationChannel.QR, at=at
    )
    evaluation.refresh_from_db()
    assert evaluation.total_time == 0 and evaluation.attitude == 2 and evaluation.publicity == 2
    assert evaluation.agency == world.committee
    assert evaluation.procedure == dossier.version.procedure
    roles = {(o.officer.username, o.role) for o in evaluation.officers.select_related("officer")}
    assert roles == {
        ("motcua", ConcernedOfficer.Role.RECEIVED),
        ("motcua", ConcernedOfficer.Role.HANDLED),  # the hand-over to the first step
        ("chuyenvien", ConcernedOfficer.Role.HANDLED),
        ("lanhdao", ConcernedOfficer.Role.HANDLED),
        ("motcua", ConcernedOfficer.Role.RETURNED),
    }


def test_it_rejects_an_answer_without_an_overall_level(world):
    dossier = decided(world)
    with pytest.raises(EvaluationError) as refused:
        evaluate_dossier(
            dossier=dossier,
            answer=Answer(overall="", attitude=2, asked_for_more=False),
            channel=EvaluationChannel.QR,
        )
    assert refused.value.field == "overall"


def test_the_applicant_changes_it_within_seven_days_and_the_history_is_kept(world):
    dossier = returned(world)
    first = dossier.returned_at
    evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.DESK, at=first)
    changed = Answer(overall=Overall.SATISFIED, attitude=1, asked_for_more=True, comment="")
    evaluate_dossier(
        dossier=dossier, answer=changed, channel=EvaluationChannel.QR, at=first + timedelta(days=6)
    )
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.overall, evaluation.attitude, evaluation.publicity) == ("satisfied", 1, 0)
    assert evaluation.answered_at == first
    assert [r.overall for r in evaluation.revisions.all()] == ["very_satisfied", "satisfied"]
    assert [r.channel for r in evaluation.revisions.all()] == ["desk", "qr"]


def test_after_seven_days_a_change_is_refused_with_a_clear_message(world):
    dossier = returned(world)
    first = dossier.returned_at
    evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.QR, at=first)
    late = Answer(overall=Overall.DISSATISFIED, attitude=0, asked_for_more=False)
    with pytest.raises(EvaluationError, match="quá 7 ngày"):
        evaluate_dossier(
            dossier=dossier,
            answer=late,
            channel=EvaluationChannel.QR,
            at=first + timedelta(days=7, minutes=1),
        )
    assert Evaluation.objects.get(dossier=dossier).overall == Overall.VERY_SATISFIED


def test_the_desk_tablet_never_replaces_an_existing_answer(world):
    dossier = returned(world)
    evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.QR)
    worse = Answer(overall=Overall.SATISFIED, attitude=2, asked_for_more=False)
    with pytest.raises(EvaluationError, match="bộ phận một cửa không thể sửa"):
        evaluate_dossier(dossier=dossier, answer=worse, channel=EvaluationChannel.DESK)
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert evaluation.overall == Overall.VERY_SATISFIED
    assert evaluation.revisions.count() == 1


def test_the_token_is_long_stable_and_found_only_by_itself(world):
    dossier = decided(world)
    token = evaluation_token(dossier)
    assert len(token) >= 22 and token == evaluation_token(dossier)
    assert dossier_for_token(token) == dossier
    assert dossier_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert dossier_for_token("") is None
    other = decided(world, start=local(2026, 11, 24, 8, 0))
    assert evaluation_token(other) != token


def test_the_token_is_not_stored_in_clear(world):
    from motcua.surveys.models import EvaluationToken

    dossier = decided(world)
    token = evaluation_token(dossier)
    row = EvaluationToken.objects.get(dossier=dossier)
    assert token not in (row.nonce, row.digest)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()


def test_after_a_new_secret_key_the_codes_given_from_then_on_open(world, settings):
    dossier = decided(world)
    printed = evaluation_token(dossier)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert dossier_for_token(printed) == dossier  # the paper keeps opening (found by its hash)
    given = evaluation_token(dossier)  # a reprint or a notification under the new key
    assert given != printed and dossier_for_token(given) == dossier


def test_a_receiver_of_a_desk_serving_several_units_opens_the_tablet(world):
    from motcua.identity.models import OneStopDesk
    from motcua.surveys.services import may_open_desk

    dossier = decided(world)
    desk = OneStopDesk.objects.create(name="Trung tâm", unit=world.ward, address="x")
    desk.agencies.set([dossier.agency, world.committee2])
    receiver_elsewhere = world["receiver2"]  # receives for committee2 at the same desk
    assert may_open_desk(receiver_elsewhere, dossier)
    assert not may_open_desk(world["specialist2"], dossier)


def test_time_travel_keeps_the_window_relative_to_the_first_answer(world):
    dossier = returned(world)
    with time_machine.travel(dossier.returned_at, tick=False):
        evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.PORTAL)
    later = time_machine.travel(dossier.returned_at + timedelta(days=8), tick=False)
    with later, pytest.raises(EvaluationError):
        evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.PORTAL)


def test_a_dissatisfied_answer_opens_one_feedback_item_for_the_units_leaders(world):
    dossier = returned(world)
    at = dossier.returned_at
    unhappy = Answer(overall=Overall.DISSATISFIED, attitude=0, asked_for_more=True, comment="Chậm")
    evaluation = evaluate_dossier(
        dossier=dossier, answer=unhappy, channel=EvaluationChannel.QR, at=at
    )
    item = evaluation.feedback_item
    assert item is not None and item.dossier == dossier and item.agency == world.committee
    assert item.body == "Chậm" and item.channel == "portal"
    evaluate_dossier(
        dossier=dossier, answer=unhappy, channel=EvaluationChannel.QR, at=at + timedelta(days=1)
    )
    assert FeedbackItem.objects.filter(dossier=dossier).count() == 1


def test_a_satisfied_answer_opens_no_feedback_item(world):
    dossier = returned(world)
    evaluate_dossier(dossier=dossier, answer=HAPPY, channel=EvaluationChannel.QR)
    assert not FeedbackItem.objects.filter(dossier=dossier).exists()
