"""The dossiers behind a figure: for one unit, period and indicator, the dossiers counted (in
the denominator), whether each is in the numerator, and the dossiers of the period left out,
each with the rule that judged it. Made of the same facts as the figure, so the lists add up
to its numerator and denominator (tested)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from motcua.identity.models import Agency

from .config import IndexVersion
from .index import judged_on, subtrees
from .measures import MEASURES, RULES
from .models import DossierFact, Verdict
from .periods import Period

RECEIVED_FLAGS = {
    "synced": "synced",
    "submitted_online": "online",
    "digitised": "digitised",
    "reused": "reused",
    "verified": "verified",
}
DECIDED = ("e_results", "satisfied", "average_time")
# The measures whose figure is made of dossiers (the others: procedures or feedback items).
EXPLAINED = (*RECEIVED_FLAGS, "paid_online", "on_time", *DECIDED)
FILTERS = ("counted", "numerator", "outside", "excluded")


class NotExplained(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def explained_measure(version: IndexVersion, code: str) -> str:
    """The measure of indicator ``code`` when its figure is made of dossiers; NotExplained
    (with a message) when the version has no such indicator or it is not made of dossiers."""
    spec = next((i for i in version.indicators() if i.code == code), None)
    if spec is None:
        raise NotExplained(
            _("Bộ chỉ số %(version)s không có chỉ tiêu %(code)s.")
            % {"version": version.code, "code": code}
        )
    if spec.measure not in EXPLAINED:
        raise NotExplained(
            _(
                "Chỉ tiêu %(code)s không được tính từ từng hồ sơ (tính từ thủ tục, phản ánh, "
                "hoặc nền tảng chưa có số liệu): không có danh sách hồ sơ."
            )
            % {"code": code}
        )
    return str(spec.measure)


@dataclass(frozen=True)
class Selection:
    counted: Q  # in the denominator
    numerator: Q
    excluded: Q  # of the period, left out


def selection(measure: str, period: Period) -> Selection:
    start, end = period.start, period.end
    received = Q(received_on__gte=start, received_on__lte=end)
    not_received = Q(received_on__isnull=True, submitted_on__gte=start, submitted_on__lte=end)
    closed = Q(closed_on__gte=start, closed_on__lte=end)
    if measure in RECEIVED_FLAGS:
        return Selection(received, Q(**{RECEIVED_FLAGS[measure]: True}), not_received)
    if measure == "paid_online":
        return Selection(
            received & Q(fee_bearing=True),
            Q(paid_online=True),
            not_received | (received & Q(fee_bearing=False)),
        )
    if measure == "on_time":
        day = judged_on(period)
        ended = closed & Q(verdict__in=[Verdict.IN_TIME, Verdict.LATE])
        still_open = Q(received_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        not_late_then = Q(late_from__isnull=True) | Q(late_from__gt=day)
        return Selection(
            ended | still_open,
            (ended & Q(verdict=Verdict.IN_TIME)) | (still_open & not_late_then),
            not_received | (closed & Q(verdict=Verdict.EXCLUDED)),
        )
    if measure in DECIDED:
        decided = closed & Q(decided=True)
        numerator = {
            "e_results": Q(e_result=True),
            "satisfied": Q(verdict=Verdict.IN_TIME, complained=False),
            "average_time": Q(pk__isnull=False),
        }[measure]
        return Selection(decided, numerator, not_received | (closed & Q(decided=False)))
    raise ValueError(measure)


@dataclass
class Entry:
    fact: DossierFact
    counted: bool
    in_numerator: bool

    @property
    def code(self) -> str:
        return self.fact.dossier.code

    @property
    def reason(self) -> str:
        return str(RULES.get(self.fact.rule, self.fact.rule))


def entries(
    agency: Agency, period: Period, measure: str, which: str = "counted"
) -> QuerySet[DossierFact]:
    """The facts of ``which`` list ("counted", "numerator", "outside": counted but not in
    the numerator, "excluded"), annotated ``counted`` and ``in_numerator``, newest first."""
    if measure not in EXPLAINED or measure not in MEASURES:
        raise ValueError(measure)
    chosen = selection(measure, period)
    facts = DossierFact.objects.filter(agency_id__in=subtrees([agency])[agency.pk])
    wanted = {
        "counted": chosen.counted,
        "numerator": chosen.counted & chosen.numerator,
        "outside": chosen.counted & ~chosen.numerator,
        "excluded": chosen.excluded & ~chosen.counted,
    }[which]
    return (
        facts.filter(wanted)
        .annotate(
            is_counted=Case(
                When(chosen.counted, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            in_numerator=Case(
                When(chosen.counted & chosen.numerator, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .select_related("dossier__version", "agency")
        .order_by("-submitted_on", "-dossier_id")
    )


def as_entries(facts: QuerySet[DossierFact] | list[DossierFact]) -> list[Entry]:
    return [Entry(f, f.is_counted, f.in_numerator) for f in facts]  # type: ignore[attr-defined]
