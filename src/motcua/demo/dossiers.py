"""Demo dossiers: a few hundred dossiers in every status, made only through the services.

Most are at the ward of Hoàn Kiếm (civil status and certification at its People's Committee,
residence at its police), some at the ward of Ba Đình and other wards, some at city level
(criminal-record certificates at the city police, copies from the registers at the
Department of Justice); land registrations go from the ward to the Department of Agriculture
and Environment and back; some 3-in-1 birth registrations create their child dossiers. Times
are working hours of the last six weeks; the random seed is fixed, so a run is repeatable.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.core.calendar import working_calendar
from motcua.core.models import OutboxMessage
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, ResultDelivery
from motcua.identity.models import Agency, User

from . import people
from .accounts import OFFICERS, find_agency
from .clock import Clock
from .people import Person
from .scenarios import SCRIPTS, start_days
from .stories import Cast, Story

DEFAULT_COUNT = 300
SEED = 2026
# The demo's own agencies by short name (see accounts.OFFICERS for who works there).
AGENCIES = {
    "hk": "00070/peoples_committee",
    "hk_police": "00070/police",
    "badinh": "00004/peoples_committee",
    "congantp": "000.00.20.H26",
    "sotuphap": "000.00.02.H26",
}
# Wards without demo officers: their new online dossiers wait for a receiver.
UNSTAFFED = ("00073", "00008", "00025", "00103")
HK_COMMITTEE = {
    "1.001193": 12, "1.000656": 4, "1.000894": 6, "1.004873": 7, "2.000635": 6, "1.004859": 3,
    "1.001022": 2, "1.004837": 1, "1.000689": 1, "1.004884": 1, "1.004772": 1, "2.000528": 1,
    "1.005461": 1, "2.000806": 1, "1.004746": 1, "2.000815": 10, "2.000884": 6, "2.001035": 3,
    "2.000913": 1, "2.000942": 1, "2.001019": 1, "2.001406": 1, "2.000908": 2, "1.013314": 2,
    "1.013225": 2, "1.013226": 1, "1.013227": 1, "1.013228": 1, "1.013229": 1, "1.001612": 2,
    "2.000720": 1, "1.001570": 1, "1.001266": 1, "1.014027": 2, "2.002481": 2,
}  # fmt: skip
HK_POLICE = {"1.004222": 5, "1.004194": 5, "1.002755": 2, "1.003197": 2, "1.010028": 2}
BA_DINH = {"1.001193": 5, "1.000656": 2, "1.004873": 3, "2.000815": 5, "2.000884": 3,
           "1.000894": 2}  # fmt: skip
SCENARIOS = {
    "returned": 40, "returned_late": 5, "returned_apology": 4, "returned_supplement": 5,
    "returned_sendback": 3, "returned_consult": 2, "rejected": 2, "decided": 7, "processing": 12,
    "overdue": 4, "apology_open": 3, "accepted": 3, "submitted": 5, "refused": 4,
    "auto_refused": 3, "supplement_wait": 4, "withdrawn": 3, "stopped": 2, "transferred": 1,
    "consult_open": 2,
}  # fmt: skip
LAND = {"returned_payment": 3, "payment_wait": 3, "at_department": 3, "processing": 2,
        "decided": 1, "submitted": 1}  # fmt: skip
LINKED = {"linked_returned": 5, "linked_processing": 3, "linked_decided": 2}
# Scenarios that only make sense for an online dossier, or at the ward's People's Committee.
ONLINE_ONLY = frozenset({"submitted", "auto_refused"})
WARD_ONLY = frozenset({"transferred", "returned_consult", "consult_open"})
# (account, procedure, agency, scenario, how the result is returned — "" for any): the portal
# users' own dossiers, in every status.
PERSONAL = (
    ("congdan", "1.001193", "hk", "returned", ResultDelivery.ONLINE),
    ("congdan", "3.000333", "congantp", "returned", ResultDelivery.POST),
    ("congdan", "2.000986", "hk", "linked_returned", ResultDelivery.DESK),
    ("congdan", "1.004222", "hk_police", "processing", ""),
    ("congdan", "1.004873", "hk", "supplement_wait", ""),
    ("congdan", "1.000894", "hk", "submitted", ""),
    ("congdan", "1.013978", "hk", "payment_wait", ""),
    ("congdan", "2.000635", "hk", "accepted", ""),
    ("congdan", "1.004859", "hk", "refused", ""),
    ("congdan", "1.004194", "hk_police", "withdrawn", ""),
    ("congdan", "1.001022", "hk", "stopped", ""),
    ("congdan", "1.004837", "hk", "decided", ""),
    ("congdan", "1.004884", "hk", "returned_apology", ResultDelivery.DESK),
    ("congdan2", "1.001193", "hk", "processing", ""),
    ("congdan2", "1.004194", "hk_police", "returned", ""),
    ("congdan2", "2.000986", "hk", "linked_processing", ""),
    ("congdan2", "1.004873", "hk", "auto_refused", ""),
    ("congdan2", "1.000894", "hk", "consult_open", ""),
    ("congdan3", "3.000333", "congantp", "processing", ""),
    ("congdan3", "1.013314", "hk", "returned", ""),
    ("congdan3", "1.004222", "hk_police", "overdue", ""),
    ("congdan3", "2.000908", "sotuphap", "returned", ResultDelivery.POST),
    ("doanhnghiep", "1.013225", "hk", "processing", ""),
    ("doanhnghiep", "2.000720", "hk", "returned", ""),
    ("doanhnghiep", "1.001570", "hk", "supplement_wait", ""),
    ("doanhnghiep", "1.004194", "hk_police", "returned", ""),
)


@dataclass(frozen=True)
class Plan:
    code: str
    agency: Agency
    scenario: str
    account: str | None = None
    delivery: str = ""


@dataclass
class SeedReport:
    created: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    outbox: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plans(rng: random.Random, count: int) -> list[Plan]:
    """The portal users' dossiers, then ``count`` others in the demo's proportions."""
    agencies = {key: find_agency(spec) for key, spec in AGENCIES.items()}
    out = [
        Plan(code, agencies[where], scenario, account, delivery)
        for account, code, where, scenario, delivery in PERSONAL
    ]
    quotas: list[tuple[float, Callable[[], Plan]]] = [
        (0.04, lambda: Plan("2.000986", agencies["hk"], _weighted(rng, LINKED))),
        (0.04, lambda: Plan("1.013978", agencies["hk"], _weighted(rng, LAND))),
        (0.05, lambda: Plan("3.000333", agencies["congantp"], _general(rng, ward=False))),
        (0.03, lambda: Plan("2.000908", agencies["sotuphap"], _general(rng, ward=False))),
        (0.08, lambda: Plan(_weighted(rng, BA_DINH), agencies["badinh"], _general(rng, False))),
        (0.02, lambda: Plan(_weighted(rng, BA_DINH), _unstaffed(rng), "submitted")),
        (0.15, lambda: Plan(_weighted(rng, HK_POLICE), agencies["hk_police"],
                            _general(rng, False))),
    ]  # fmt: skip
    background: list[Plan] = []
    for share, make in quotas:
        background += [make() for _ in range(round(count * share))]
    while len(background) < count:
        background.append(Plan(_weighted(rng, HK_COMMITTEE), agencies["hk"], _general(rng, True)))
    rng.shuffle(background)
    return out + background[:count]


def _general(rng: random.Random, ward: bool) -> str:
    while True:
        scenario = _weighted(rng, SCENARIOS)
        if ward or scenario not in WARD_ONLY:
            return scenario


def _unstaffed(rng: random.Random) -> Agency:
    return Agency.objects.get(unit__code=rng.choice(UNSTAFFED), kind="peoples_committee")


def _account_person(user: User) -> Person:
    gender = "Nữ" if " Thị " in f" {user.full_name} " else "Nam"
    birth = user.date_of_birth or date(1985, 6, 15)
    # A business's authorised person has no personal number on the account; make one up.
    own = random.Random(user.username)
    return Person(
        name=user.full_name, gender=gender, birth=birth, phone=user.phone, email=user.email,
        id_number=user.national_id or people.national_id(own, gender, birth),
        address=user.address_line() or people.address(own),
    )  # fmt: skip


def seed_demo_dossiers(
    *, count: int = DEFAULT_COUNT, seed: int = SEED, now: datetime | None = None
) -> SeedReport:
    """Create the demo dossiers, all or none, unless there are dossiers already (running it
    again adds nothing)."""
    if Dossier.objects.exists():
        return SeedReport(skipped=True)
    started = time.monotonic()
    with transaction.atomic():
        _seed(count, seed, now or timezone.now())
    # After the commit every queued message has had its first try: emails and SMS go to the
    # development back-ends under var/, national-portal messages are held (no portal is set).
    by_status = dict(Dossier.objects.values_list("status").annotate(n=Count("id")).order_by())
    outbox = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    return SeedReport(
        created=Dossier.objects.count(),
        by_status=by_status,
        outbox=outbox,
        seconds=time.monotonic() - started,
    )


def _seed(count: int, seed: int, now: datetime) -> None:
    rng = random.Random(seed)
    clock = Clock(working_calendar(), now, rng)
    demo_officers = User.objects.filter(username__in=[o.username for o in OFFICERS])
    seeder = Seeder(clock, Cast({u.username: u for u in demo_officers}, rng))
    for plan in plans(rng, count):
        seeder.play(plan)
    # What the periodic jobs would have done by now: refuse what waited too long for a
    # supplement, mark what is due soon or overdue (and tell the handlers).
    services.refuse_expired_supplements(now=clock.now)
    services.mark_late_dossiers(now=clock.now)


class Seeder:
    def __init__(self, clock: Clock, cast: Cast) -> None:
        self.clock = clock
        self.cast = cast
        self.rng = clock.rng
        self.versions: dict[str, ProcedureVersion] = {}
        self.accounts = {
            u.username: u for u in User.objects.filter(kind__in=["citizen", "business"])
        }

    def version(self, code: str) -> ProcedureVersion:
        if code not in self.versions:
            found = (
                ProcedureVersion.objects.in_force(self.clock.now.date())
                .filter(procedure__code=code)
                .select_related("procedure")
                .first()
            )
            assert found is not None, f"the demo catalogue has no procedure {code}"
            self.versions[code] = found
        return self.versions[code]

    def play(self, plan: Plan) -> Dossier:
        story = self.story(plan)
        story.submit()
        SCRIPTS[plan.scenario](story)
        return story.dossier

    def story(self, plan: Plan) -> Story:
        rng, version = self.rng, self.version(plan.code)
        variants = list(version.variants.all())
        variant = variants[0] if rng.random() < 0.75 else rng.choice(variants)
        account = self.accounts.get(plan.account) if plan.account else None
        staffed = bool(self.cast.receivers(plan.agency))
        online = (
            account is not None or not staffed or plan.scenario in ONLINE_ONLY
            or plan.scenario.startswith("linked") or rng.random() < 0.4
        )  # fmt: skip
        channel = Channel.ONLINE if online else rng.choice([Channel.IN_PERSON] * 9 + [Channel.POST])
        if account is not None:
            person = _account_person(account)
        else:
            ward = "Phường Ba Đình" if plan.agency.unit.code == "00004" else people.HOME_WARD
            person = people.person(rng, ward=ward)
        deliveries = [ResultDelivery.DESK] * 5 + [ResultDelivery.POST] * 2
        if online:
            deliveries += [ResultDelivery.ONLINE] * 4
        limit = _limit_days(variant.working_hours, variant.time_limit)
        day = self.clock.working_days_back(start_days(plan.scenario, rng, limit))
        moment = self.clock.any_moment(day) if online else self.clock.office_moment(day)
        return Story(
            clock=self.clock, cast=self.cast, version=version, variant=variant,
            agency=plan.agency, person=person, channel=channel, t=moment, account=account,
            delivery=plan.delivery or rng.choice(deliveries), with_file=rng.random() < 0.35,
            business=account is not None and account.kind == User.Kind.BUSINESS,
        )  # fmt: skip


def _limit_days(hours: object, value: object) -> float:
    if hours is None:  # calendar days: about five working days a week
        return float(value) * 5 / 7  # type: ignore[arg-type]
    return max(float(hours) / 8, 0.5)  # type: ignore[arg-type]
