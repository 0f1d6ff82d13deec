from motcua.surveys.demo import seed_evaluations
from motcua.surveys.models import Evaluation, Overall
from tests.demo.test_dossiers import seeded  # noqa: F401 (the demo's own seeding, once)
from tests.dossiers.world import local

from .helpers import decided, returned


def test_the_demo_rates_decided_dossiers_once_with_a_realistic_spread(world):
    for n in range(10):
        returned(world, start=local(2026, 11, 23 + n % 4, 8, n), late=n % 3 == 0)
    open_one = world.submit()
    report = seed_evaluations(share=1.0, now=local(2026, 12, 20, 9, 0))
    assert report.rated == Evaluation.objects.count() == 10
    assert not Evaluation.objects.filter(dossier=open_one).exists()
    assert sum(report.by_overall.values()) == 10
    assert report.by_overall[Overall.VERY_SATISFIED] + report.by_overall[Overall.SATISFIED] > 5
    dissatisfied = Evaluation.objects.filter(overall=Overall.DISSATISFIED)
    assert dissatisfied.exists()  # the spread has some, and each opened a feedback item
    assert all(evaluation.feedback_item is not None for evaluation in dissatisfied)
    assert all(e.answered_at <= local(2026, 12, 20, 9, 0) for e in Evaluation.objects.all())
    again = seed_evaluations(share=1.0, now=local(2026, 12, 20, 9, 0))
    assert again.rated == 0


def test_the_demo_leaves_some_dossiers_unrated(world):
    for n in range(8):
        decided(world, start=local(2026, 11, 23 + n % 4, 9, n))
    report = seed_evaluations(share=0.5, seed=3, now=local(2026, 12, 20, 9, 0))
    assert 0 < report.rated < 8


def test_the_demo_rates_the_seeded_demo_dossiers(seeded):  # noqa: F811
    from tests.demo.test_dossiers import NOW

    report = seed_evaluations(now=NOW)
    rated = Evaluation.objects.all()
    assert report.rated == rated.count() > 0
    assert all(e.answered_at <= NOW for e in rated)
    assert {e.dossier.status for e in rated.select_related("dossier")} <= {9, 10}
