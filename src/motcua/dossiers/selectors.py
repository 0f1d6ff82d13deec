"""Reads shared by the portal, the back office and the API."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any, overload

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from motcua.catalog.selectors import labels
from motcua.core.compiled import INNER, Compiled, run
from motcua.core.replicas import primary_when_none
from motcua.identity.models import OfficerRole

from .access import officer_scope, visible_dossiers, visible_ranges
from .models import IS_OPEN, Consultation, Dossier, DossierEvent, DossierQuerySet, in_hand
from .workflow import Action, Status

INBOX_RELATED = ("version__procedure", "agency", "handler", "handler_agency")
# What a page shows (the API's summary_out, the back office's inbox table): only these
# columns are read and decoded; the rest (the form's data, the procedure's JSON) stay behind.
INBOX_FIELDS = (
    *INBOX_RELATED,
    *("code", "status", "channel", "applicant_name", "organisation_name", "submitted_at"),
    *("due_at", "step_due_at", "late_mark", "step_position"),
    *("version__name", "version__procedure__code"),
    *("agency__electronic_id", "agency__name"),
    *("handler_agency__electronic_id", "handler_agency__name"),
    *("handler__username", "handler__full_name"),
)
# The same columns as plain values, for a door that prints a page without the models (the
# API's inbox: twenty rows built as 100 model instances cost more CPU than reading them).
_INBOX_OWN = (
    *("id", "code", "status", "channel", "applicant_name", "organisation_name"),
    *("submitted_at", "due_at", "step_due_at", "late_mark", "handler_agency_id"),
    "handler__username",
)
INBOX_VALUES = (
    *_INBOX_OWN,
    *("version__name", "version__procedure__code", "agency__electronic_id", "agency__name"),
    *("handler_agency__electronic_id", "handler_agency__name"),
)
# What the page's statement reads of INBOX_VALUES: the dossier's own columns and the handler's
# name (one join); the procedures' and units' names come from catalog.selectors.labels.
_INBOX_ROW = (*_INBOX_OWN, "version_id", "agency_id")
# The inbox order: soonest due first, undated last; every inbox index ends with these columns.
INBOX_ORDER = (F("due_at").asc(nulls_last=True), "submitted_at")


class Box:
    MINE = "mine"  # held by me
    POOL = "pool"  # waiting in my units for one of my roles
    NEW = "new"  # new online dossiers at my desks (status 1)
    CONSULT = "consult"  # my units were asked for an opinion
    ALL = "all"  # everything my units can see


def inbox_ranges(user: Any, box: str = Box.MINE, *, q: str = "") -> list[DossierQuerySet]:
    """The box as disjoint index ranges whose union it is: one per unit (and role), since
    neither database reads ``unit IN (…)`` in an index's order; a page takes the first rows
    of each."""
    scope = officer_scope(user)
    open_ = Dossier.objects.filter(IS_OPEN)
    ranges: list[DossierQuerySet]
    if box == Box.MINE:
        ranges = [open_.filter(handler=user)]
    elif box == Box.POOL and scope.is_system_admin:
        ranges = [open_.filter(handler__isnull=True)]
    elif box == Box.POOL:
        ranges = [
            open_.filter(handler__isnull=True, handler_role=role, handler_agency=agency)
            for role, agencies in sorted(scope.by_role.items())
            for agency in sorted(agencies)
        ]
    elif box == Box.NEW:
        receiving = scope.by_role.get(OfficerRole.Role.RECEIVER, frozenset())
        ranges = [
            open_.filter(status=Status.SUBMITTED, handler_agency=agency)
            for agency in sorted(receiving)
        ]
    elif box == Box.CONSULT:
        asked = Consultation.objects.filter(
            to_agency__in=scope.agency_ids, answered_at__isnull=True
        ).values("dossier")
        ranges = [open_.filter(pk__in=asked)] if scope.agency_ids else []
    else:
        ranges = visible_ranges(user)
    if q:
        found = Q(code__icontains=q.strip()) | Q(applicant_name__icontains=q)
        ranges = [r.filter(found) for r in ranges]
    return ranges


def inbox(user: Any, box: str = Box.MINE, *, q: str = "") -> DossierQuerySet:
    """What is the officer's to do, soonest due first (undated last), as one queryset (to
    test membership); pages and counts are read through ``InboxRows``."""
    ranges = inbox_ranges(user, box, q=q)
    if not ranges:
        return Dossier.objects.none()
    queryset = reduce(operator.or_, ranges)
    return queryset.select_related(*INBOX_RELATED).order_by(*INBOX_ORDER)


class InboxRows:
    """A box as a list that pages and counts cheaply (``rows[a:b]``, ``rows[:cap].count()``,
    as Django's paginator and the API's ``page_of`` use it). A page is read in two steps:
    the ids of its rows, the first ``b`` of each range in index order, merged; then those
    rows with their related rows. Joining before the limit built every row of the box."""

    def __init__(
        self,
        compiled: tuple[tuple[str, list[Any]], ...],
        start: int = 0,
        stop: int | None = None,
        prefetch: tuple[str, ...] = (),
        prepared: bool = False,
    ) -> None:
        # Each range's SQL (``_compile``), compiled once for the page and the count, shared
        # by slices: compiling a queryset costs about as much CPU as PostgreSQL spends
        # answering it. A range that cannot hold a row has none.
        self._compiled = compiled
        self.start, self.stop, self.prefetch = start, stop, prefetch
        # Its statements prepared on PostgreSQL (planned once a connection; see ``of``).
        self.prepared = prepared
        self._rows: list[Dossier] | None = None

    @classmethod
    def of(cls, user: Any, box: str = Box.MINE, *, q: str = "") -> InboxRows:
        """The box of ``user``, its ranges' SQL compiled once per process for each officer,
        box, search and scope (``_COMPILED``): building and compiling the ranges cost more
        CPU than PostgreSQL spent answering them. The scope is read afresh each request and
        is part of the key, so a role given or taken changes the box at once.

        A box of one range without a search has its statements prepared: planning them cost
        PostgreSQL more than running them (a page of ``mine`` at 5 million dossiers: 1.0 ms
        to plan each of the count and the page, 0.3–0.5 ms to run the page, issue 18), and one
        range of an index is planned alike whatever the officer or unit. ``all`` and boxes
        over several units are not: a generic plan over ranges of very unequal sizes made the
        ``all`` box costlier (docs/benchmarks.md, "Reads, third pass"); nor a search, whose
        pattern decides the plan."""
        scope = officer_scope(user)
        key = (
            *(getattr(user, "pk", None), bool(getattr(user, "is_officer", False))),
            *(bool(getattr(user, "is_superuser", False)), box, q, scope.is_system_admin),
            tuple(sorted((role, tuple(sorted(ids))) for role, ids in scope.by_role.items())),
        )
        kept = _COMPILED.get(key)
        if kept is None:
            kept = _compile(inbox_ranges(user, box, q=q))
            if len(_COMPILED) >= COMPILED_LIMIT:
                _COMPILED.clear()
            _COMPILED[key] = kept
        return cls(kept, prepared=box != Box.ALL and not q and len(kept) == 1)

    def prefetch_related(self, *lookups: str) -> InboxRows:
        return InboxRows(
            self._compiled, self.start, self.stop, self.prefetch + lookups, self.prepared
        )

    @overload
    def __getitem__(self, item: int) -> Dossier: ...

    @overload
    def __getitem__(self, item: slice) -> InboxRows: ...

    def __getitem__(self, item: int | slice) -> Dossier | InboxRows:
        if isinstance(item, int):
            found = list(self[item : item + 1]) if item >= 0 else []
            if not found:
                raise IndexError("no such row in the box")
            return found[0]
        if item.step is not None or (item.start or 0) < 0 or (item.stop or 0) < 0:
            raise ValueError("InboxRows takes a slice without a step or negative bounds")
        start = self.start + (item.start or 0)
        stop = self.stop if item.stop is None else self.start + item.stop
        if self.stop is not None and stop is not None:
            stop = min(stop, self.stop)
        return InboxRows(self._compiled, start, stop, self.prefetch, self.prepared)

    def count(self) -> int:
        """How many rows, counting at most ``stop`` (from ``start``)."""
        if not self._compiled:
            return 0
        total = int(run(_reading(), *self.count_query(), prepared=self.prepared)[0][0])
        return max(0, total - self.start)

    def count_query(self) -> tuple[str, list[Any]]:
        """At most ``stop`` ids, at most ``stop`` from each range (the ranges are disjoint)."""
        sql, params = _union(self._ranges_sql(self.stop), "SELECT id FROM")
        if self.stop is not None:
            sql += f" LIMIT {int(self.stop)}"
        return f"SELECT COUNT(*) FROM ({sql}) counted", params

    def _ranges_sql(self, limit: int | None) -> list[tuple[str, list[Any]]]:
        """Each range's ids in the inbox order, at most ``limit`` of them."""
        cut = "" if limit is None else f" LIMIT {int(limit)}"
        return [(sql + cut, params) for sql, params in self._compiled]

    def _empty(self) -> bool:
        """No range, or a slice with no row in it: nothing to ask the database."""
        return not self._compiled or (self.stop is not None and self.stop <= self.start)

    def ids(self) -> list[int]:
        if self._empty():
            return []
        return [row[0] for row in run(_reading(), *self.page_query(), prepared=self.prepared)]

    def page_query(self) -> tuple[str, list[Any]]:
        """The ids of rows ``start`` to ``stop``: the first ``stop`` of each range in the
        inbox order, merged."""
        union, params = _union(self._ranges_sql(self.stop), "SELECT id, due_at, submitted_at FROM")
        # NULLs last spelt so that both databases agree; the id only breaks ties.
        sql = (
            f"SELECT id FROM ({union}) page"
            " ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, submitted_at, id"
        )
        if self.stop is not None:
            sql += f" LIMIT {int(self.stop - self.start)}"
        elif self.start:
            sql += " LIMIT -1" if connection.vendor == "sqlite" else " LIMIT ALL"
        if self.start:
            sql += f" OFFSET {int(self.start)}"
        return sql, params

    def _fetch(self) -> list[Dossier]:
        if self._rows is None:
            ids = self.ids()
            found = (
                Dossier.objects.select_related(*INBOX_RELATED)
                .only(*INBOX_FIELDS)
                .filter(pk__in=ids)
            )
            if self.prefetch:
                found = found.prefetch_related(*self.prefetch)
            by_id = {d.pk: d for d in found} if ids else {}
            self._rows = [by_id[i] for i in ids if i in by_id]
        return self._rows

    def values(self) -> list[dict[str, Any]]:
        """The page's rows as dicts of ``INBOX_VALUES``, in the inbox order: the same rows as
        iterating, without building their models."""
        if self._empty():
            return []
        # One statement: the page's ids (page_query) as the subquery of its rows' read; the
        # names of their procedures and units from the process's kept labels, not joined.
        found = _PAGE_ROWS.dicts(_reading().alias, inner=self.page_query(), prepared=self.prepared)
        versions, agencies = labels(
            {row["version_id"] for row in found},
            {row["agency_id"] for row in found}
            | {row["handler_agency_id"] for row in found if row["handler_agency_id"]},
        )
        rows = []
        for row in sorted(found, key=_inbox_order):
            name, procedure = versions.get(row.pop("version_id"), ("", ""))
            eid, unit = agencies.get(row.pop("agency_id"), ("", ""))
            handler_eid, handler_unit = agencies.get(row["handler_agency_id"], (None, None))
            row.update(
                {
                    "version__name": name,
                    "version__procedure__code": procedure,
                    "agency__electronic_id": eid,
                    "agency__name": unit,
                    "handler_agency__electronic_id": handler_eid,
                    "handler_agency__name": handler_unit,
                }
            )
            rows.append(row)
        return rows

    def __iter__(self) -> Iterator[Dossier]:
        return iter(self._fetch())

    def __len__(self) -> int:
        return len(self._fetch())


# A page's rows, their ids read by the page's own statement as a subquery: compiled once
# (building and compiling the query cost more CPU than running it, issue 18), one statement
# and one round trip for the page instead of two.
_PAGE_ROWS: Compiled[Any] = Compiled(
    lambda: Dossier.objects.filter(pk__in=RawSQL(INNER, ())).values(*_INBOX_ROW).order_by(),
    arity=0,
)


def _inbox_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """page_query's order (soonest due first, undated last, then submitted, then id)."""
    due = row["due_at"]  # submitted_at is never empty
    return (due is None, due or row["submitted_at"], row["submitted_at"], row["id"])


def _compile(ranges: list[DossierQuerySet]) -> tuple[tuple[str, list[Any]], ...]:
    """Each range's SQL and parameters: its ids in the inbox order."""
    compiled = []
    for r in ranges:
        query = r.order_by(*INBOX_ORDER).values("id", "due_at", "submitted_at").query
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # a range that cannot hold a row (an empty IN list)
            continue
        compiled.append((sql, list(params)))
    return tuple(compiled)


# InboxRows.of's compiled ranges, by officer, box, search and scope; emptied when full.
_COMPILED: dict[tuple[Any, ...], tuple[tuple[str, list[Any]], ...]] = {}
COMPILED_LIMIT = 2_000


def _reading() -> Any:
    """The database the ORM reads dossiers from (the router's choice, replica or primary),
    so that a page's ids and its rows come from the same one."""
    return connections[router.db_for_read(Dossier) or "default"]


def _union(parts: list[tuple[str, list[Any]]], head: str) -> tuple[str, list[Any]]:
    """``head`` over the rows of every part, each kept whole (its order and limit) as a
    subquery, which both databases accept inside a UNION ALL."""
    sqls = [f"SELECT * FROM ({sql}) r{n}" for n, (sql, _) in enumerate(parts)]
    params = [p for _, part in parts for p in part]
    if not sqls:  # every range empty: a query with no row
        sqls.append(
            "SELECT * FROM (SELECT NULL AS id, NULL AS due_at, NULL AS submitted_at) r WHERE 1 = 0"
        )
    return f"{head} ({' UNION ALL '.join(sqls)}) ranges", params


def my_dossiers(user: Any) -> DossierQuerySet:
    return (
        Dossier.objects.filter(applicant=user, parent__isnull=True)
        .select_related("version__procedure", "agency")
        .order_by("-submitted_at")
    )


def dossier_detail(user: Any, code: str) -> Dossier | None:
    """The dossier with ``code`` if ``user`` may see it, else None (never tell which)."""
    return (
        visible_dossiers(user)
        .select_related(
            "version__procedure",
            "version__field",
            "variant",
            "agency__unit",
            "handler",
            "handler_agency",
            "applicant",
            "parent",
        )
        .prefetch_related("files__issued", "children__agency", "consultations__to_agency")
        .filter(code=code)
        .first()
    )


def timeline(dossier: Dossier) -> list[DossierEvent]:
    known = in_hand(dossier, "events")  # a dossier just submitted: its one event
    if known is not None:
        return known
    return list(dossier.events.select_related("actor", "actor_agency", "to_handler", "to_agency"))


# What the public lookup (the API's answer and the portal's page) shows, and the contacts it
# compares; nothing else of the dossier is read.
LOOKUP_COLUMNS = (
    "code", "status", "submitted_at", "accepted_at", "due_at", "returned_at",
    "applicant_phone", "applicant_id_number", "organisation_tax_code",
    "version__name", "version__name_en", "version__procedure__code", "agency__name",
)  # fmt: skip


# The code is unique: no ordering to compile or run; the procedure comes in the same row,
# and only the columns the answer shows or the check compares (a dossier row has dozens;
# compiling and reading them all was most of a lookup's cost, issue 18). Built and compiled
# once per database: building and compiling the queryset cost three times running it; and
# prepared on PostgreSQL: planning its four tables cost ten times running them.
_LOOKUP: Compiled[Dossier] = Compiled(
    lambda code: (
        Dossier.objects.select_related("version__procedure", "agency")
        .only(*LOOKUP_COLUMNS)
        .filter(code=code)
        .order_by()[:1]
    ),
    arity=1,
    prepared=True,
)


@primary_when_none
def public_lookup(code: str, contact: str) -> Dossier | None:
    """A dossier by code plus the phone number or ID number given in it; None otherwise."""
    contact = "".join(contact.split())
    if not code.strip() or len(contact) < 6:
        return None
    dossier = _LOOKUP.first(router.db_for_read(Dossier) or "default", code.strip())
    if dossier is None:
        return None
    known = {dossier.applicant_phone, dossier.applicant_id_number, dossier.organisation_tax_code}
    known.discard("")
    phone = contact[3:] if contact.startswith("+84") else contact
    candidates = {contact, "0" + phone if contact.startswith("+84") else contact}
    return dossier if known & candidates else None


def open_consultations(user: Any) -> list[Consultation]:
    scope = officer_scope(user)
    return list(
        Consultation.objects.filter(to_agency__in=scope.agency_ids, answered_at__isnull=True)
        .select_related("dossier", "from_agency", "to_agency", "asked_by")
        .order_by("due_at")
    )


# --- form 04, the process-control slip -------------------------------------------------

HANDOVERS = (
    Action.ACCEPT,
    Action.FORWARD,
    Action.SEND_BACK,
    Action.TRANSFER,
    Action.DECIDE,
    Action.RETURN_RESULT,
    Action.CLAIM,
)


@dataclass(frozen=True)
class SlipRow:
    event: DossierEvent
    giver: str
    giver_agency: str
    receiver: str
    receiver_agency: str
    at: datetime
    step_name: str
    verdict: str  # "early" | "on_time" | "late" | ""


def verdict(done_at: datetime, due: datetime | None) -> str:
    """Trước hạn / đúng hạn / quá hạn for a step finished at ``done_at``."""
    if due is None:
        return ""
    if done_at > due:
        return "late"
    if timezone.localtime(done_at).date() < timezone.localtime(due).date():
        return "early"
    return "on_time"


def control_slip(dossier: Dossier) -> list[SlipRow]:
    rows = []
    for event in timeline(dossier):
        if event.action not in HANDOVERS:
            continue
        receiver = str(event.to_handler or "")
        if not receiver and event.to_role:
            receiver = str(OfficerRole.Role(event.to_role).label)
        rows.append(
            SlipRow(
                event=event,
                giver=event.actor_name,
                giver_agency=str(event.actor_agency or ""),
                receiver=receiver,
                receiver_agency=str(event.to_agency or ""),
                at=event.at,
                step_name=event.step_name,
                verdict=verdict(event.at, event.step_due_at)
                if event.action != Action.CLAIM
                else "",
            )
        )
    return rows
