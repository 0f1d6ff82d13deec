"""Six months of finished dossiers for every ward's committee and the city's departments.

The demo's own dossiers (dossiers.py) live in a few wards and the last six weeks; the public
ranking of Hà Nội's 126 wards (Decision 766, reporting/index.py) needs every ward with a
history. This module adds, for each full month of the six before today and each ward's
People's Committee and city department, some 15 to 40 dossiers received, decided and returned,
with each unit's own habits (how often it is late, how much comes online, how much is
digitised, reused, returned electronically, paid online), so the units score differently.

They are written in bulk, not through the services (a few seconds instead of minutes), but
as the services would leave them: codes from the code generator (dossiers/codes.py),
submitted ≤ accepted ≤ decided ≤ returned, the appointment from the working calendar
(the working calendar, as acceptance does), a short event trail (submitted or received, accepted,
decided, returned) so a dossier opened in the back office shows its history, and payments
of the procedures' fees (online or in cash). The index and the daily summary are then rebuilt
by their own rebuilds (``reporting.facts.rebuild``, ``dossiers.summary.rebuild``).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.catalog.models import Fee, ProcedureVariant, ProcedureVersion
from motcua.core.calendar import DueDate, handover_cutoff, working_calendar
from motcua.core.working_time import VN_TZ, DurationUnit, WorkingCalendar
from motcua.dossiers import summary
from motcua.dossiers.codes import next_dossier_code
from motcua.dossiers.models import Channel, Dossier, DossierEvent, ResultDelivery
from motcua.dossiers.workflow import Action, Status
from motcua.identity.models import Agency, OfficerRole, UnitLevel
from motcua.payments.models import Payment, Provider
from motcua.payments.services import new_reference
from motcua.reporting import facts
from motcua.reporting.catalogue import ONLINE, offers
from motcua.reporting.index import level_members
from motcua.reporting.periods import Period

from . import people

SEED = 766
MONTHS = 6
PER_MONTH = (15, 40)
# Set in the details of each history dossier's first event: the demo's evaluations leave these
# dossiers alone (rating thousands through the services would take minutes at every start).
MARK = "demo_history"
ONLINE_PROVIDERS = (Provider.VNPAY, Provider.VIETQR, Provider.NATIONAL)
# The commonest procedures at a ward (the demo's own mix at Hoàn Kiếm): birth, marriage and
# death registration, certified copies, residence; any other the ward handles weighs 1.
COMMON = {"1.001193": 12, "2.000815": 10, "1.004873": 7, "1.000894": 6, "2.000635": 6,
          "2.000884": 6, "1.000656": 4}  # fmt: skip


@dataclass(frozen=True)
class Habits:
    """How one unit works, drawn once per unit: shares of its dossiers (0-1)."""

    volume: int  # dossiers received a month, around which each month varies
    online: float
    late: float
    digitised: float
    reused: float
    e_result: float
    paid_online: float

    @classmethod
    def draw(cls, rng: random.Random) -> Habits:
        return cls(
            volume=rng.randint(*PER_MONTH),
            online=rng.uniform(0.1, 0.9),
            late=rng.choice((0.0, 0.02, 0.05, 0.1, 0.2, 0.35)),
            digitised=rng.uniform(0.2, 1.0),
            reused=rng.uniform(0.0, 0.6),
            e_result=rng.uniform(0.0, 0.9),
            paid_online=rng.uniform(0.0, 1.0),
        )


@dataclass
class HistoryReport:
    agencies: int = 0
    dossiers: int = 0
    events: int = 0
    payments: int = 0
    seconds: float = 0.0
    skipped: bool = False


@dataclass(frozen=True)
class Offered:
    version: ProcedureVersion
    variant: ProcedureVariant
    fee: int  # đồng; 0 when the procedure is free
    online: bool  # can be submitted online


def history_months(today: date) -> list[Period]:
    """The ``MONTHS`` full months before ``today``'s, oldest first."""
    months = [Period.month_of(today).previous()]
    while len(months) < MONTHS:
        months.append(months[-1].previous())
    return list(reversed(months))


def history_agencies() -> list[Agency]:
    """The city's ward committees and its departments (the two levels it ranks)."""
    city = (
        Agency.objects.filter(
            parent=None, kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=UnitLevel.PROVINCE
        )
        .order_by("pk")
        .first()
    )
    if city is None:
        return []
    return level_members(city, "commune") + level_members(city, "department")


def history_dossiers() -> QuerySet[Dossier]:
    """The dossiers this module made (by the mark on their first event)."""
    first = DossierEvent.objects.filter(
        action__in=[Action.SUBMIT, Action.RECEIVE], **{f"details__{MARK}": True}
    )
    return Dossier.objects.filter(pk__in=first.values("dossier_id"))


def seed_history(
    *,
    agencies: list[Agency] | None = None,
    today: date | None = None,
    seed: int = SEED,
) -> HistoryReport:
    """Add the history, all or none, then rebuild the index and the summary; adds nothing
    when these units already have dossiers in the first month (a second run)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    months = history_months(today)
    units = agencies if agencies is not None else history_agencies()
    first = months[0]
    if (
        not units
        or Dossier.objects.filter(
            agency__in=units,
            submitted_at__gte=_aware(first.start, clock_time.min),
            submitted_at__lt=_aware(first.end + timedelta(days=1), clock_time.min),
        ).exists()
    ):
        return HistoryReport(skipped=True)
    report = HistoryReport(agencies=len(units))
    with transaction.atomic():
        writer = _Writer(random.Random(seed), today)
        for agency in units:
            writer.unit(agency, months)
        report.dossiers, report.events, report.payments = writer.save()
    facts.rebuild([a.pk for a in units])
    summary.rebuild(since=first.start)
    report.seconds = time.monotonic() - started
    return report


def _aware(day: date, at: clock_time) -> datetime:
    return datetime.combine(day, at, VN_TZ)


class _Writer:
    """Draws the dossiers of each unit, then writes them with their events and payments."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.calendar: WorkingCalendar = working_calendar()
        self.now = timezone.now()
        self.today = today
        self.catalogue = _catalogue(today)
        self.dossiers: list[Dossier] = []
        self.trails: list[list[DossierEvent]] = []
        self.fees: list[tuple[int, bool]] = []  # (amount, paid online) per dossier, 0: free
        self.officers = _officers()

    def unit(self, agency: Agency, months: list[Period]) -> None:
        offered = [
            self.catalogue[p]
            for p in sorted(offers([agency.pk], self.today)[agency.pk].handled)
            if p in self.catalogue
        ]
        if not offered:
            return
        weights = [COMMON.get(o.version.procedure.code, 1) for o in offered]
        habits = Habits.draw(self.rng)
        place = agency.unit.name if agency.unit.level == UnitLevel.COMMUNE else people.HOME_WARD
        for month in months:
            count = max(PER_MONTH[0], round(habits.volume * self.rng.uniform(0.75, 1.25)))
            days = [
                month.start + timedelta(days=i)
                for i in range(month.days)
                if self.calendar.is_working_day(month.start + timedelta(days=i))
            ]
            for _ in range(count):
                chosen = self.rng.choices(offered, weights=weights)[0]
                self.dossier(agency, chosen, habits, self.rng.choice(days), place)

    def dossier(
        self, agency: Agency, offered: Offered, habits: Habits, day: date, place: str
    ) -> None:
        rng, calendar = self.rng, self.calendar
        online = offered.online and rng.random() < habits.online
        if online:
            submitted = _aware(day, clock_time(6, 30)) + timedelta(minutes=rng.randrange(960))
            accepted = calendar.add_working_hours(
                calendar.next_working_moment(submitted), Decimal(rng.randint(1, 12)) / 2
            )
        else:
            start = rng.choice((clock_time(8, 0), clock_time(13, 0)))
            submitted = accepted = _aware(day, start) + timedelta(minutes=rng.randrange(210))
        if accepted > self.now - timedelta(hours=1):
            return  # sent online on the month's last evening and not accepted yet: none of ours
        variant = offered.variant
        # As compute_due (acceptance), on the calendar taken once: it asks the holidays' table
        # whether the calendar changed at every call, 20,000 queries here.
        cutoff = handover_cutoff()
        due_at = calendar.due_at(
            accepted, value=variant.time_limit, unit=variant.time_unit, cutoff=cutoff
        )
        counting_from = calendar.due_at(
            accepted, value=0, unit=DurationUnit.WORKING_HOURS, cutoff=cutoff
        )
        due = DueDate(received_at=accepted, counting_from=counting_from, due=due_at)
        limit = float(calendar.working_hours_between(due.counting_from, due.due))
        if rng.random() < habits.late:
            hours = limit + rng.uniform(1, 40)
        else:
            hours = max(limit, 0.5) * rng.uniform(0.3, 0.97)
        decided = calendar.add_working_hours(due.counting_from, Decimal(f"{hours:.2f}"))
        returned = calendar.add_working_hours(decided, Decimal(rng.randint(1, 16)) / 2)
        latest = self.now - timedelta(minutes=30)
        if returned > latest:  # the demo never records the future: decided and returned now
            decided = max(accepted, min(decided, latest - timedelta(minutes=10)))
            returned = max(decided, latest)
        e_result = rng.random() < habits.e_result
        person = people.person(rng, ward=place)
        delivery = ResultDelivery.ONLINE if online and e_result else ResultDelivery.DESK
        self.dossiers.append(
            Dossier(
                code=next_dossier_code(agency, timezone.localdate(submitted)),
                version=offered.version,
                variant=variant,
                agency=agency,
                channel=Channel.ONLINE if online else Channel.IN_PERSON,
                status=Status.RETURNED,
                applicant_name=person.name,
                applicant_id_number=person.id_number,
                applicant_phone=person.phone,
                applicant_email=person.email,
                applicant_address=person.address,
                summary=f"{offered.version.name} — {person.name}"[:500],
                applicant_verified=online and rng.random() < 0.8,
                result_delivery=delivery,
                submitted_at=submitted,
                accepted_at=accepted,
                counting_from=due.counting_from,
                due_at=due.due,
                original_due_at=due.due,
                decided_at=decided,
                returned_at=returned,
                closed_at=returned,
                outcome="approved",
                has_digitised=rng.random() < habits.digitised,
                has_reused=rng.random() < habits.reused,
                has_e_result=e_result,
            )
        )
        moments = (submitted, accepted, decided, returned)
        self.trails.append(self.trail(agency, person.name, online, moments, due.due))
        paid_online = offered.fee > 0 and online and rng.random() < habits.paid_online
        self.fees.append((offered.fee, paid_online))

    def trail(
        self,
        agency: Agency,
        applicant: str,
        online: bool,
        moments: tuple[datetime, datetime, datetime, datetime],
        due: datetime,
    ) -> list[DossierEvent]:
        """Submitted online (or received at the desk), accepted, decided, returned."""
        submitted, accepted, decided, returned = moments
        receiver = {"actor_role": "receiver", "actor_agency": agency}
        receiver.update(self.officer(agency, OfficerRole.Role.RECEIVER))
        approver = {"actor_role": "approver", "actor_agency": agency}
        approver.update(self.officer(agency, OfficerRole.Role.APPROVER))
        if online:
            first = DossierEvent(
                action=Action.SUBMIT, at=submitted, to_status=Status.SUBMITTED,
                actor_name=applicant, details={"channel": int(Channel.ONLINE), MARK: True},
            )  # fmt: skip
        else:
            first = DossierEvent(
                action=Action.RECEIVE, at=submitted, to_status=Status.SUBMITTED,
                details={"channel": int(Channel.IN_PERSON), MARK: True}, **receiver,
            )  # fmt: skip
        accept = DossierEvent(
            action=Action.ACCEPT, at=accepted, from_status=Status.SUBMITTED,
            to_status=Status.ACCEPTED, to_agency=agency, to_role="receiver",
            details={"due_at": due.isoformat()}, **receiver,
        )  # fmt: skip
        decide = DossierEvent(
            action=Action.DECIDE, at=decided, from_status=Status.ACCEPTED,
            to_status=Status.DECIDED, **approver,
        )  # fmt: skip
        give_back = DossierEvent(
            action=Action.RETURN_RESULT, at=returned, from_status=Status.DECIDED,
            to_status=Status.RETURNED, **receiver,
        )  # fmt: skip
        return [first, accept, decide, give_back]

    def officer(self, agency: Agency, role: str) -> dict[str, Any]:
        """A real officer of the unit in that role when the demo has one, else a name."""
        found = self.officers.get((agency.pk, role))
        if found:
            return {"actor_id": found[0], "actor_name": found[1]}
        return {"actor_name": str(OfficerRole.Role(role).label)}

    def save(self) -> tuple[int, int, int]:
        created = Dossier.objects.bulk_create(self.dossiers, batch_size=500)
        events = []
        payments = []
        for dossier, trail, (fee, paid_online) in zip(created, self.trails, self.fees, strict=True):
            for event in trail:
                event.dossier = dossier
            events += trail
            if fee:
                provider = self.rng.choice(ONLINE_PROVIDERS) if paid_online else Provider.CASH
                paid = dossier.accepted_at or dossier.submitted_at
                payments.append(
                    Payment(
                        dossier=dossier, agency=dossier.agency, provider=provider,
                        reference=new_reference(), amount=fee, status=Payment.Status.PAID,
                        created_at=paid, paid_at=paid,
                    )
                )  # fmt: skip
        DossierEvent.objects.bulk_create(events, batch_size=1000)
        Payment.objects.bulk_create(payments, batch_size=500)
        return len(created), len(events), len(payments)


def _catalogue(day: date) -> dict[int, Offered]:
    """Each procedure in force: its version, first variant, first fee and online level."""
    versions = (
        ProcedureVersion.objects.in_force(day)
        .select_related("procedure")
        .prefetch_related("variants")
    )
    fees: dict[int, int] = {}
    for version_id, amount in (
        Fee.objects.filter(version__in=versions, amount__gt=0)
        .order_by("position")
        .values_list("version_id", "amount")
    ):
        fees.setdefault(version_id, int(amount or 0))
    found = {}
    for version in versions:
        variants = list(version.variants.all())
        if variants:
            found[version.procedure_id] = Offered(
                version, variants[0], fees.get(version.pk, 0), version.online_level in ONLINE
            )
    return found


def _officers() -> dict[tuple[int, str], tuple[int, str]]:
    found: dict[tuple[int, str], tuple[int, str]] = {}
    rows = OfficerRole.objects.order_by("pk").values_list(
        "agency_id", "role", "user_id", "user__full_name"
    )
    for agency_id, role, user_id, name in rows:
        found.setdefault((agency_id, role), (user_id, name))
    return found
