"""What happens to each demo dossier after it is submitted: one script per scenario, and how
long ago a dossier of that scenario was submitted."""

from __future__ import annotations

import random
from collections.abc import Callable

from motcua.dossiers.models import Channel
from motcua.dossiers.workflow import Status
from motcua.identity.models import Agency, OfficerRole

from .accounts import find_agency
from .stories import LATE, ON_TIME, Story

Role = OfficerRole.Role
OTHER_WARD = "00004/peoples_committee"  # where a dossier of the wrong ward is transferred


Span = Callable[[random.Random, float], float]
# How many working days ago a scenario's dossier was submitted, given the time limit (days).
START: dict[str, Span] = {
    "returned": lambda r, limit: r.uniform(limit + 1, max(limit + 2, 28)),
    "returned_late": lambda r, limit: r.uniform(2 * limit + 2, max(2 * limit + 3, 28)),
    "returned_apology": lambda r, limit: r.uniform(2 * limit + 4, max(2 * limit + 6, 28)),
    "decided": lambda r, limit: r.uniform(0.9 * limit + 0.3, 1.2 * limit + 1),
    "processing": lambda r, limit: r.uniform(0.1, 0.7) * limit + 0.2,
    # Past the time limit even when an evening submission is only accepted the next day.
    "overdue": lambda r, limit: limit + r.uniform(3, 7),
    "apology_open": lambda r, limit: r.uniform(0.5, 0.8) * limit,
    "accepted": lambda r, limit: r.uniform(0, 0.6),
    "submitted": lambda r, limit: r.uniform(0, 1.5),
    "refused": lambda r, limit: r.uniform(0.5, 28),
    "auto_refused": lambda r, limit: r.uniform(9, 28),
    "supplement_wait": lambda r, limit: r.uniform(0.2, 2.5),
    "withdrawn": lambda r, limit: r.uniform(1, 28),
    "stopped": lambda r, limit: r.uniform(2, 28),
    "transferred": lambda r, limit: r.uniform(0.5, 4),
    "consult_open": lambda r, limit: r.uniform(0.5, 2),
    "payment_wait": lambda r, limit: r.uniform(0.35, 0.55) * limit + 1,
    "at_department": lambda r, limit: r.uniform(0.3, 0.45) * limit,
    "linked_processing": lambda r, limit: r.uniform(0.2, 1),
    "linked_decided": lambda r, limit: r.uniform(2.5, 4),
}


def _returned(s: Story, pace: tuple[float, float] = ON_TIME) -> None:
    s.accept()
    s.finish(pace)


def _rejected(s: Story) -> None:
    s.accept()
    s.finish(approve=False)


def _with_supplement(s: Story) -> None:
    s.accept()
    s.walk_until(lambda: s.at_role(Role.SPECIALIST))
    s.ask_supplement()
    s.supply()
    s.finish()


def _with_apology(s: Story) -> None:
    s.accept()
    s.walk(1, (1.0, 1.6))
    s.apologise()
    s.finish((1.0, 1.6))


def _send_back(s: Story) -> None:
    s.accept()
    s.to_decision()
    s.send_back()
    s.finish()


def _ward_police(s: Story) -> Agency:
    return Agency.objects.get(unit=s.agency.unit, kind="police")


def _with_consult(s: Story, *, answered: bool) -> None:
    s.accept()
    s.walk_until(lambda: s.at_role(Role.SPECIALIST))
    s.consult(_ward_police(s), answered=answered)
    if answered:
        s.finish()


def _decided(s: Story) -> None:
    s.accept()
    s.to_decision()
    s.hop()


def _processing(s: Story) -> None:
    s.accept()
    s.walk_until(s.at_decision, limit=s.rng.randint(1, 4))


def _overdue(s: Story) -> None:
    s.accept()
    s.walk_until(s.at_decision, LATE, limit=s.rng.randint(1, 3))


def _apology_open(s: Story) -> None:
    s.accept()
    s.walk(1, (0.6, 1.0))
    s.apologise()


def _auto_refused(s: Story) -> None:
    s.ask_supplement()
    s.expire_supplement()


def _supplement_wait(s: Story) -> None:
    if s.channel == Channel.ONLINE and s.rng.random() < 0.5:
        s.ask_supplement()  # at the desk, before accepting
        return
    s.accept()
    s.walk_until(lambda: s.at_role(Role.SPECIALIST))
    s.ask_supplement()


def _withdrawn(s: Story) -> None:
    if s.rng.random() < 0.6:
        s.accept()
        s.walk(s.rng.randint(0, 1))
    s.withdraw()


def _stopped(s: Story) -> None:
    s.accept()
    s.walk(1)
    s.stop()


def _transferred(s: Story) -> None:
    s.accept()
    s.walk_until(lambda: s.at_role(Role.SPECIALIST))
    s.transfer(find_agency(OTHER_WARD))


def _at_department(s: Story) -> None:
    """A land registration waiting at (or taken by) the department after the ward's check."""
    s.accept()
    home = s.agency.pk
    s.walk_until(lambda: s.d.handler_agency_id != home)
    if s.rng.random() < 0.5:
        s.take()


def _payment(s: Story, *, paid: bool) -> None:
    _at_department(s)
    s.ask_payment()
    if paid:
        s.pay()
        s.finish()


def _linked(s: Story, *, finished: int, give: bool) -> None:
    """A 3-in-1 dossier: accepting it creates the children, handled in parallel by the ward,
    its police and social insurance; the parent is decided when they all are."""
    s.accept()
    children = [s.child(c) for c in s.d.children.order_by("pk")]
    targets = children[:finished]
    for child in children[finished:]:
        child.walk(s.rng.randint(0, 1))
        s.t = max(s.t, child.t)
    # Round by round, one move of each child, so that the parent's timeline stays in order.
    for _round in range(20):
        waiting = [c for c in targets if c.d.status != Status.DECIDED]
        if not waiting:
            break
        for child in waiting:
            child.t = max(child.t, s.t)
            child.hop()
            s.t = child.t
    s.reload()
    if give and s.d.status == Status.DECIDED:
        s.hop()


SCRIPTS: dict[str, Callable[[Story], object]] = {
    "returned": _returned,
    "returned_late": lambda s: _returned(s, LATE),
    "returned_apology": _with_apology,
    "returned_supplement": _with_supplement,
    "returned_sendback": _send_back,
    "returned_consult": lambda s: _with_consult(s, answered=True),
    "rejected": _rejected,
    "decided": _decided,
    "processing": _processing,
    "overdue": _overdue,
    "apology_open": _apology_open,
    "accepted": lambda s: s.accept(),
    "submitted": lambda s: None,
    "refused": lambda s: s.refuse(),
    "auto_refused": _auto_refused,
    "supplement_wait": _supplement_wait,
    "withdrawn": _withdrawn,
    "stopped": _stopped,
    "transferred": _transferred,
    "consult_open": lambda s: _with_consult(s, answered=False),
    "at_department": _at_department,
    "payment_wait": lambda s: _payment(s, paid=False),
    "returned_payment": lambda s: _payment(s, paid=True),
    "linked_returned": lambda s: _linked(s, finished=3, give=True),
    "linked_decided": lambda s: _linked(s, finished=3, give=False),
    "linked_processing": lambda s: _linked(s, finished=s.rng.randint(0, 2), give=False),
}


def start_days(scenario: str, rng: random.Random, limit: float) -> float:
    """Working days between the submission of a ``scenario`` dossier and now."""
    return START.get(scenario, START["returned"])(rng, limit)
