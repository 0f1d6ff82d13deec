from datetime import timedelta
from decimal import Decimal

from motcua.surveys.models import EvaluationChannel, Overall
from motcua.surveys.scoring import system_scores
from motcua.surveys.selectors import (
    anonymous_comments,
    evaluations_in,
    figures_by,
    overall_figures,
    satisfaction_figures,
)
from motcua.surveys.services import Answer, evaluate_dossier
from tests.dossiers.world import local

from .helpers import complaint, decided

START, END = local(2026, 11, 1), local(2026, 12, 31)


def rate(dossier, overall=Overall.SATISFIED, comment=""):
    answer = Answer(overall=overall, attitude=2, asked_for_more=False, comment=comment)
    return evaluate_dossier(
        dossier=dossier,
        answer=answer,
        channel=EvaluationChannel.QR,
        at=dossier.decided_at + timedelta(hours=2),
    )


def rated(world, count, **kwargs):
    return [
        rate(decided(world, start=local(2026, 11, 23 + n % 5, 8, n // 5)), **kwargs)
        for n in range(count)
    ]


def test_the_figures_count_shares_and_indicator_means(world):
    rated(world, 3, overall=Overall.VERY_SATISFIED)
    rated(world, 1, overall=Overall.DISSATISFIED)
    figures = overall_figures(evaluations_in([world.committee], START, END))
    assert figures.count == 4
    assert figures.shares == {
        "very_satisfied": Decimal("75.0"), "satisfied": Decimal("0.0"),
        "dissatisfied": Decimal("25.0"),
    }  # fmt: skip
    assert figures.satisfied_share == Decimal("75.0")
    assert figures.means["attitude"] == Decimal("2.00")
    assert figures.means["contacts"] == Decimal("2.00")


def test_an_officer_figure_needs_five_answers(world):
    rated(world, 4)
    rows = figures_by(evaluations_in([world.committee], START, END), "officer")
    specialist = next(r for r in rows if r.key == world["specialist"].pk)
    assert specialist.count == 4 and not specialist.enough
    rated(world, 1)
    rows = figures_by(evaluations_in([world.committee], START, END), "officer")
    specialist = next(r for r in rows if r.key == world["specialist"].pk)
    assert specialist.count == 5 and specialist.enough
    assert specialist.label == "chuyenvien"


def test_figures_group_by_unit_and_procedure(world):
    rated(world, 2)
    units = figures_by(evaluations_in([world.committee], START, END), "agency")
    assert [(u.label, u.count) for u in units] == [("UBND Phường Hoàn Kiếm", 2)]
    procedures = figures_by(evaluations_in([world.committee], START, END), "procedure")
    assert len(procedures) == 1 and procedures[0].count == 2


def test_comments_wait_for_five_answers_and_lose_codes_and_names(world):
    first = rated(world, 1, comment="Tốt")[0]
    code = first.dossier.code
    rate_more = rated(world, 3)
    assert anonymous_comments(evaluations_in([world.committee], START, END)) == []
    last = decided(world, start=local(2026, 11, 27, 9, 0))
    rate(last, comment=f"Tôi là Nguyễn Văn An, hồ sơ {code} xử lý chậm")
    comments = anonymous_comments(evaluations_in([world.committee], START, END))
    assert comments == ["Tôi là …, hồ sơ … xử lý chậm", "Tốt"]
    assert len(rate_more) == 3


def test_indicator_5_4_subtracts_late_and_complained_shares(world):
    on_time = [decided(world, start=local(2026, 11, 23, 8, n)) for n in range(7)]
    late = decided(world, late=True, start=local(2026, 11, 24, 8, 0))
    disliked = decided(world, start=local(2026, 11, 25, 8, 0))
    rate(disliked, overall=Overall.DISSATISFIED)
    complaint(on_time[0])
    figure = satisfaction_figures([world.committee], START, END)
    assert (figure.dossiers, figure.late, figure.complained) == (9, 1, 2)
    assert figure.rate == Decimal(100) - Decimal("11.1") - Decimal("22.2")
    assert not figure.meets_target
    assert system_scores(late)["total_time"] == 0


def test_indicator_5_4_counts_only_the_period_and_the_units_asked(world):
    decided(world, start=local(2026, 11, 23, 8, 0))
    assert satisfaction_figures([world.committee2], START, END).rate is None
    assert satisfaction_figures([world.committee], local(2026, 12, 1), END).dossiers == 0
    full = satisfaction_figures([world.committee], START, END)
    assert full.rate == Decimal(100) and full.meets_target


def test_a_feedback_item_handled_late_scores_zero_on_the_feedback_indicator(world):
    dossier = decided(world)
    complaint(dossier, late=True)
    assert system_scores(dossier)["feedback"] == 0
