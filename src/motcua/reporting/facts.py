"""One judged fact per dossier, and the per-unit sums the index reads, kept together.

``judge`` turns a dossier (one row of ``_rows``: its dates, status, flags and the few facts
other domains hold: national sync, payments, complaints) into a :class:`DossierFact`;
``contributions`` says what that fact adds to the per-day sums (:class:`IndexDay`) and the
per-procedure months (:class:`ProcedureMonth`). ``refresh`` runs in the transaction of every
change of a dossier (``hooks.py``): it judges the dossier again and writes only the difference
between the new contributions and the old, so the sums never drift and a rebuild — the same
two functions over every dossier — gives the same rows (a test walks dossiers at random and
compares). A fact's contributions may land on days already past: that is how Decision 766's
rules work (a dossier waiting for one supplement ends at the request, and stops having ended
when the supplement arrives); published rankings are frozen (``rankings.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, tzinfo
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from motcua.core.bulk import delete_where, insert_rows
from motcua.core.calendar import working_calendar
from motcua.core.models import OutboxMessage
from motcua.core.page_cache import bump
from motcua.core.working_time import WorkingCalendar
from motcua.dossiers.models import Channel, Dossier, DossierEvent
from motcua.dossiers.summary import resolution
from motcua.dossiers.workflow import Action, Status
from motcua.feedback.models import FeedbackItem
from motcua.identity.models import Agency
from motcua.payments.models import Payment, Provider
from motcua.surveys.models import Evaluation, Overall

from .constants import INDEX_GENERATION
from .models import DAY_COUNTERS, DossierFact, IndexDay, IndexMonth, ProcedureMonth, Verdict

ONLINE_PROVIDERS = (Provider.VNPAY, Provider.VIETQR, Provider.NATIONAL, Provider.DEMO)
PROCEDURE_COUNTERS = ("received_online", "paid_online")
FACT_FIELDS = (
    "agency_id", "procedure_id", "submitted_on", "received_on", "closed_on", "late_from",
    "verdict", "rule", "decided", "minutes", "online", "synced", "verified", "digitised",
    "reused", "e_result", "fee_bearing", "paid_online", "complained",
)  # fmt: skip
COLUMNS = (
    "pk", "agency_id", "version__procedure_id", "status", "channel", "submitted_at", "accepted_at",
    "counting_from", "due_at", "decided_at", "closed_at", "paused_at", "supplement_count",
    "applicant_verified", "has_digitised", "has_reused", "has_e_result", "second_request_at",
    "code", "is_fee_bearing", "is_paid_online", "has_complaint",
)  # fmt: skip


def _rows(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier, dict[str, Any]]:
    """The dossiers with everything ``judge`` reads, in one query."""
    requests = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), action=Action.REQUEST_SUPPLEMENT
    ).order_by("at", "id")
    payments = Payment.objects.filter(dossier=OuterRef("pk"), amount__gt=0)
    paid_online = payments.filter(status=Payment.Status.PAID, provider__in=ONLINE_PROVIDERS)
    complaint = FeedbackItem.objects.counted().filter(dossier=OuterRef("pk"))
    dislike = Evaluation.objects.filter(dossier=OuterRef("pk"), overall=Overall.DISSATISFIED)
    return (
        dossiers.annotate(
            second_request_at=Subquery(requests.values("at")[1:2]),
            is_fee_bearing=Exists(payments),
            is_paid_online=Exists(paid_online),
            has_complaint=Exists(complaint) | Exists(dislike),
        )
        .order_by()
        .values(*COLUMNS)
    )


def _day(moment: datetime | None, zone: tzinfo | None = None) -> date | None:
    if moment is None:
        return None
    return moment.astimezone(zone or timezone.get_current_timezone()).date()


Waits = list[tuple[datetime, datetime]]


def waits_of(events: Iterable[tuple[str, datetime]]) -> Waits:
    """The supplement waits (request → supplement) in a dossier's ordered events."""
    found: Waits = []
    asked: datetime | None = None
    for action, at in events:
        if action == Action.REQUEST_SUPPLEMENT:
            asked = at
        elif action == Action.SUPPLEMENT and asked is not None:
            found.append((asked, at))
            asked = None
    return found


def _minutes(
    start: datetime | None, end: datetime, waits: Waits, calendar: WorkingCalendar | None
) -> int | None:
    if start is None:
        return None
    calendar = calendar or working_calendar()
    hours = calendar.working_hours_between(start, end)
    for asked, answered in waits:
        hours -= calendar.working_hours_between(max(asked, start), min(answered, end))
    return max(0, int((hours * 60).to_integral_value()))


def judge(
    row: dict[str, Any],
    waits: Waits = (),  # type: ignore[assignment]
    calendar: WorkingCalendar | None = None,
) -> DossierFact:
    """The fact of one dossier as ``_rows`` reads it, with ``is_synced`` (``synced_codes``);
    ``waits``: its supplement waits, needed only for a decided dossier that had some."""
    status = row["status"]
    accepted = row["accepted_at"]
    zone = timezone.get_current_timezone()  # once: each lookup reads a context variable
    fact = DossierFact(
        dossier_id=row["pk"],
        agency_id=row["agency_id"],
        procedure_id=row["version__procedure_id"],
        submitted_on=row["submitted_at"].astimezone(zone).date(),
        online=row["channel"] == Channel.ONLINE,
        verified=row["applicant_verified"],
        reused=row["has_reused"],
        e_result=row["has_e_result"],
        digitised=(row["has_digitised"] or row["channel"] == Channel.ONLINE)
        and row["has_e_result"],
        synced=row["is_synced"],
        fee_bearing=row["is_fee_bearing"],
        paid_online=row["is_fee_bearing"] and row["is_paid_online"],
        complained=row["has_complaint"],
    )
    if accepted is None:
        fact.verdict = Verdict.EXCLUDED
        fact.rule = "refused_at_intake" if status == Status.REFUSED else "not_received"
        fact.online = fact.verified = fact.digitised = fact.reused = False
        fact.fee_bearing = fact.paid_online = fact.synced = False
        return fact
    fact.received_on = _day(accepted, zone)
    due = row["due_at"]
    supplements = row["supplement_count"]
    late_moments = [m for m in (due, row["second_request_at"] if supplements > 1 else None) if m]
    fact.late_from = _day(min(late_moments), zone) if late_moments else None
    end, rule = _end(row)
    if rule == "withdrawn":
        fact.closed_on, fact.verdict, fact.rule = (
            _day(row["closed_at"], zone),
            Verdict.EXCLUDED,
            rule,
        )
        return fact
    if end is None:
        fact.verdict = Verdict.OPEN
        fact.rule = "more_supplements" if supplements > 1 else ("open" if due else "no_due")
        return fact
    fact.closed_on = _day(end, zone)
    late = resolution(end, due, supplements) == "resolved_late"
    fact.verdict = Verdict.LATE if late else Verdict.IN_TIME
    fact.rule = "more_supplements" if supplements > 1 else (rule if due else "no_due")
    if rule == "decided":
        fact.decided = True
        fact.minutes = _minutes(row["counting_from"] or accepted, end, list(waits), calendar)
    return fact


def _end(row: dict[str, Any]) -> tuple[datetime | None, str]:
    """The end time by Decision 766's priority, and the rule that chose it."""
    status = row["status"]
    if row["decided_at"] is not None and status in (Status.DECIDED, Status.RETURNED):
        return row["decided_at"], "decided"
    if status == Status.WITHDRAWN:
        return row["closed_at"], "withdrawn"
    if status == Status.STOPPED:
        return row["closed_at"], "stopped"
    if status == Status.REFUSED:
        return row["closed_at"], "refused"
    if status == Status.SUPPLEMENT_REQUESTED and row["supplement_count"] == 1:
        return row["paused_at"], "supplement_pending"
    return None, "open"


# --- what a fact adds -------------------------------------------------------------------------

DayKey = tuple[int, date]  # (agency, day)
MonthKey = tuple[int, int, date]  # (agency, procedure, month)


class Sums:
    """Contributions to the day and procedure-month rows, added and subtracted."""

    def __init__(self) -> None:
        self.days: dict[DayKey, Counter[str]] = defaultdict(Counter)
        self.months: dict[MonthKey, Counter[str]] = defaultdict(Counter)

    def add(self, fact: DossierFact | None, sign: int = 1) -> None:
        if fact is None or fact.received_on is None:
            return
        agency = fact.agency_id
        received = self.days[(agency, fact.received_on)]
        received["received"] += sign
        received["open_delta"] += sign
        for name, flag in (
            ("received_online", fact.online),
            ("synced", fact.synced),
            ("verified", fact.verified),
            ("digitised", fact.digitised),
            ("reused", fact.reused),
            ("fee_bearing", fact.fee_bearing),
            ("paid_online", fact.paid_online),
        ):
            if flag:
                received[name] += sign
        if fact.online or fact.paid_online:
            month = self.months[(agency, fact.procedure_id, fact.received_on.replace(day=1))]
            month["received_online"] += sign * fact.online
            month["paid_online"] += sign * fact.paid_online
        closed = fact.closed_on
        if closed is not None:
            ended = self.days[(agency, closed)]
            ended["open_delta"] -= sign
            if fact.verdict in (Verdict.IN_TIME, Verdict.LATE):
                in_time = fact.verdict == Verdict.IN_TIME
                ended["ended"] += sign
                ended["ended_in_time"] += sign * in_time
                if fact.decided:
                    ended["decided"] += sign
                    ended["decided_late"] += sign * (not in_time)
                    ended["decided_complained"] += sign * fact.complained
                    ended["e_results"] += sign * fact.e_result
                    ended["minutes"] += sign * (fact.minutes or 0)
        late = fact.late_from
        if late is not None and (closed is None or late < closed):
            self.days[(agency, late)]["late_delta"] += sign
            if closed is not None:
                self.days[(agency, closed)]["late_delta"] -= sign

    def nonzero(self) -> Sums:
        self.days = _kept(self.days)
        self.months = _kept(self.months)
        return self


def _kept(table: dict[Any, Counter[str]]) -> dict[Any, Counter[str]]:
    found: dict[Any, Counter[str]] = defaultdict(Counter)
    for key, counts in table.items():
        kept = Counter({k: v for k, v in counts.items() if v})
        if kept:
            found[key] = kept
    return found


def contributions(fact: DossierFact | None) -> Sums:
    sums = Sums()
    sums.add(fact)
    return sums.nonzero()


def _upsert(model: Any, keys: tuple[str, ...], counters: tuple[str, ...], rows: Any) -> None:
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(n) for n in (*keys, *counters))
    placeholders = ", ".join(["%s"] * (len(keys) + len(counters)))
    conflict = ", ".join(q(k) for k in keys)
    with connection.cursor() as cursor:
        for key, counts in rows:
            changed = [n for n in counters if counts.get(n)]
            if not changed:
                continue
            updates = ", ".join(f"{q(n)} = {table}.{q(n)} + excluded.{q(n)}" for n in changed)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
                [*key, *(counts.get(n, 0) for n in counters)],
            )


def renew_on_commit() -> None:
    """Figures of closed periods kept in the cache (``index._kept``) are read afresh."""
    transaction.on_commit(lambda: bump(INDEX_GENERATION))


def _write(sums: Sums) -> None:
    today = timezone.localdate()
    if any(day < today for _agency, day in sums.days) or any(
        month < today.replace(day=1) for _a, _p, month in sums.months
    ):
        renew_on_commit()
    _upsert(IndexDay, ("agency_id", "day"), DAY_COUNTERS, sums.days.items())
    _upsert(IndexMonth, ("agency_id", "month"), DAY_COUNTERS, by_month(sums.days).items())
    months = (((a, m, p), c) for (a, p, m), c in sums.months.items())
    _upsert(ProcedureMonth, ("agency_id", "month", "procedure_id"), PROCEDURE_COUNTERS, months)


def by_month(days: dict[DayKey, Counter[str]]) -> dict[DayKey, Counter[str]]:
    """The day sums added up per (unit, first day of the month)."""
    months: dict[DayKey, Counter[str]] = defaultdict(Counter)
    for (agency, day), counts in days.items():
        months[(agency, day.replace(day=1))].update(counts)
    return _kept(months)


def _same(a: DossierFact | None, b: DossierFact) -> bool:
    return a is not None and all(getattr(a, f) == getattr(b, f) for f in FACT_FIELDS)


def refresh(dossier_id: int, *, created: bool = False) -> None:
    """Judge the dossier again and write what changed, in the caller's transaction.
    ``created``: the caller's transaction has just created the dossier, so nothing of it was
    delivered to the national portal (its code is new) and that is not read. Its fact is: the
    files it came with may have judged it already (a digitisation flag)."""
    with transaction.atomic(savepoint=False):
        # The dossier's row lock orders two refreshes of one dossier (a move holds it already).
        locked = Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier_id)
        row = _rows(locked).first()
        if row is None:
            return
        row["is_synced"] = not created and bool(synced_codes([row["code"]]))
        old = DossierFact.objects.filter(pk=dossier_id).first()
        new = judge(row, _waits_for([row]).get(dossier_id, []))
        if _same(old, new):
            return
        sums = Sums()
        sums.add(new)
        sums.add(old, -1)
        _write(sums.nonzero())
        new.save(force_insert=old is None)


def judge_new(dossier: Dossier) -> None:
    """Judge a dossier that the caller's transaction has just created (its move's follow-up),
    from the instance in hand: one statement instead of ``refresh``'s three (issue 18; the
    annotated row query was ~18 % of a submission's CPU). Not received yet (an online or a
    desk submission), it has nothing the row query would find besides its own columns: no
    event but its creation's, no payment, no complaint, no delivery of its new code; ``judge``
    then excludes it and it adds nothing to the sums, and neither did a fact written for it
    earlier in this transaction (a file's flag: the same dossier, not received either), so
    the fact is written over any such one without reading it. A dossier created received (a
    linked group's child) is judged by ``refresh``."""
    if dossier.accepted_at is not None:
        refresh(dossier.pk, created=True)
        return
    row = {name: getattr(dossier, name, None) for name in COLUMNS}
    row.update(
        pk=dossier.pk,
        version__procedure_id=dossier.version.procedure_id,
        second_request_at=None,
        is_fee_bearing=False,
        is_paid_online=False,
        has_complaint=False,
        is_synced=False,
    )
    fact = judge(row)
    DossierFact.objects.bulk_create(
        [fact], update_conflicts=True, unique_fields=["dossier"], update_fields=FACT_FIELDS
    )


def _waits_for(rows: list[dict[str, Any]]) -> dict[int, Waits]:
    """The supplement waits of the decided dossiers among ``rows`` that had some."""
    ids = [
        r["pk"]
        for r in rows
        if r["supplement_count"] and r["decided_at"] is not None and r["accepted_at"]
    ]
    if not ids:
        return {}
    events = (
        DossierEvent.objects.filter(
            dossier_id__in=ids, action__in=[Action.REQUEST_SUPPLEMENT, Action.SUPPLEMENT]
        )
        .order_by("dossier_id", "at", "id")
        .values_list("dossier_id", "action", "at")
    )
    grouped: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for dossier_id, action, at in events:
        grouped[dossier_id].append((action, at))
    return {pk: waits_of(found) for pk, found in grouped.items()}


# --- rebuild ----------------------------------------------------------------------------------


def _judged(dossiers: QuerySet[Dossier], chunk: int = 2000) -> Iterator[DossierFact]:
    batch: list[dict[str, Any]] = []
    by_unit: dict[str, set[str]] = {}
    for row in _rows(dossiers).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _judge_batch(batch, by_unit)
            batch = []
    yield from _judge_batch(batch, by_unit)


def _judge_batch(rows: list[dict[str, Any]], by_unit: dict[str, set[str]]) -> Iterator[DossierFact]:
    waits = _waits_for(rows)
    synced = synced_codes([row["code"] for row in rows], by_unit)
    calendar = working_calendar()
    for row in rows:
        row["is_synced"] = row["code"] in synced
        yield judge(row, waits.get(row["pk"], []), calendar)


SYNC_PREFIX = "dvcqg:"  # the outbox key of a national-portal message: dvcqg:<code>:<event>


def _delivered_codes(prefix: str) -> set[str]:
    keys = OutboxMessage.objects.filter(
        key__startswith=SYNC_PREFIX + prefix,
        channel="national_portal",
        status=OutboxMessage.Status.SENT,
    ).values_list("key", flat=True)
    return {key[len(SYNC_PREFIX) :].rsplit(":", 1)[0] for key in keys}


def synced_codes(codes: list[str], by_unit: dict[str, set[str]] | None = None) -> set[str]:
    """Of ``codes``, those with a national-portal message delivered, read by constant key
    prefixes: the code itself (one dossier), or with ``by_unit`` (a rebuild) the unit's part of
    the code ("<e-ID>-"), each read once and kept there."""
    if by_unit is None:
        return {code for code in codes if _delivered_codes(code + ":")}
    found = set()
    for code in codes:
        unit = code.split("-", 1)[0] + "-"
        if unit not in by_unit:
            by_unit[unit] = _delivered_codes(unit)
        if code in by_unit[unit]:
            found.add(code)
    return found


def rebuild(agencies: Iterable[int] | None = None) -> int:
    """Judge every dossier again and rewrite the sums, one unit at a time (each in its own
    transaction); returns the number of dossiers judged. Rows are cleared and written in bulk
    (``motcua.core.bulk``: COPY on PostgreSQL): over 5 million dossiers the rebuild is bound
    by judging, not by the ORM's writes."""
    judged = 0
    ids = list(agencies) if agencies is not None else None
    units = Agency.objects.order_by("pk").values_list("pk", flat=True)
    with_dossiers = set(Dossier.objects.order_by().values_list("agency_id", flat=True).distinct())
    with_rows = set(IndexDay.objects.order_by().values_list("agency_id", flat=True).distinct())
    with_rows |= set(DossierFact.objects.order_by().values_list("agency_id", flat=True).distinct())
    for agency_id in units if ids is None else sorted(ids):
        if agency_id not in with_dossiers and agency_id not in with_rows:
            continue  # nothing to judge, nothing to clear
        with transaction.atomic():
            for model in (DossierFact, IndexDay, IndexMonth, ProcedureMonth):
                delete_where(model, agency_id=agency_id)
            sums = Sums()
            facts: list[tuple[Any, ...]] = []
            for fact in _judged(Dossier.objects.filter(agency_id=agency_id)):
                sums.add(fact)
                facts.append((fact.dossier_id, *(getattr(fact, f) for f in FACT_FIELDS)))
                if len(facts) >= 20_000:
                    judged += insert_rows(DossierFact, ("dossier_id", *FACT_FIELDS), facts)
                    facts = []
            judged += insert_rows(DossierFact, ("dossier_id", *FACT_FIELDS), facts)
            sums.nonzero()
            renew_on_commit()
            insert_rows(
                IndexDay,
                ("agency_id", "day", *DAY_COUNTERS),
                ((a, d, *(c[n] for n in DAY_COUNTERS)) for (a, d), c in sums.days.items()),
            )
            insert_rows(
                IndexMonth,
                ("agency_id", "month", *DAY_COUNTERS),
                (
                    (a, m, *(c[n] for n in DAY_COUNTERS))
                    for (a, m), c in by_month(sums.days).items()
                ),
            )
            insert_rows(
                ProcedureMonth,
                ("agency_id", "procedure_id", "month", *PROCEDURE_COUNTERS),
                (
                    (a, p, m, *(c[n] for n in PROCEDURE_COUNTERS))
                    for (a, p, m), c in sums.months.items()
                ),
            )
    return judged
