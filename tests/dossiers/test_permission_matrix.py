"""The permission matrix, generated: for every demo-like role, every relation a person can have
to a dossier, and every status, the back office (or the citizen's portal), the API and the
action table offer exactly the same actions; an action offered is taken (through the API, then
undone); an action not offered is refused by the API and by a forged back-office or portal
post with 403 or 409, and the dossier is left as it was.

One test per situation of a dossier; each tries every person against every action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from motcua.catalog.loader import load_file
from motcua.catalog.services import import_catalogue
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.relations import Situation
from motcua.dossiers.rules import DOOR_ACTIONS, RULES, offered
from motcua.identity.models import OfficerRole, User

from .doors import SLUG_OF, Snapshot, api_caller, api_offers, office_client, office_offers
from .world import World, build_world, local, officer

MONDAY = local(2026, 11, 23, 8, 0)
EARLIER = local(2026, 11, 16, 8, 0)
EDGES = Path(__file__).parent.parent / "fixtures" / "catalogue-edges.yaml"
R = OfficerRole.Role
PEOPLE = (
    "citizen", "other_citizen", "receiver", "specialist", "approver", "unit_admin", "receiver2",
    "specialist2", "police_specialist", "land_specialist", "system_admin",
)  # fmt: skip


@dataclass
class Case:
    """A dossier in one situation, and what a valid input for each action names there."""

    dossier: Dossier
    consultation: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _accepted(w: World, code: str = "1.000001", at=MONDAY) -> Dossier:
    dossier = w.submit(code, at=at)
    return services.accept_dossier(dossier=dossier, officer=w["receiver"], at=at)


def _processing(w: World) -> Dossier:
    dossier = _accepted(w)
    return services.forward_dossier(dossier=dossier, officer=w["receiver"])


def _at_approval(w: World) -> Dossier:
    return services.forward_dossier(dossier=_processing(w), officer=w["specialist"])


def _decided(w: World) -> Dossier:
    return services.decide_dossier(dossier=_at_approval(w), officer=w["approver"], approve=True)


def _consulting(w: World) -> Case:
    dossier = _processing(w)
    asked = services.consult_unit(
        dossier=dossier, officer=w["specialist"], to_agency=w.police, question="Cư trú?"
    )
    return Case(dossier, consultation=asked.pk)


def _with_claims(w: World) -> Dossier:
    dossier = w.submit()
    dossier.exemption_claims = ["ho-ngheo"]
    dossier.save(update_fields=["exemption_claims"])
    return services.forward_dossier(
        dossier=services.accept_dossier(dossier=dossier, officer=w["receiver"]),
        officer=w["receiver"],
    )


def _in_another_pool(w: World) -> Dossier:
    return services.transfer_dossier(
        dossier=_processing(w), officer=w["specialist"], to_agency=w.committee2, reason="Cư trú"
    )


def _filing(w: World) -> Dossier:
    dossier = services.accept_dossier(dossier=w.submit("9.000002"), officer=w["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=w["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=w["specialist"])
    return services.decide_dossier(dossier=dossier, officer=w["approver"], approve=True)


SITUATIONS: dict[str, Callable[[World], Dossier | Case]] = {
    "submitted, in the desk's pool": lambda w: w.submit(),
    "accepted, held by the receiver": _accepted,
    "accepted, overdue": lambda w: _accepted(w, at=EARLIER),
    "accepted, at no step (no receiving step)": lambda w: _accepted(w, "9.000001"),
    "processing, held by the specialist": _processing,
    "processing, at the approval step": _at_approval,
    "processing, in another ward's pool": _in_another_pool,
    "processing, consulting the police": _consulting,
    "processing, exemptions declared": _with_claims,
    "supplement requested": lambda w: services.request_supplement(
        dossier=_processing(w), officer=w["specialist"], items=[{"name": "Tờ khai"}]
    ),
    "payment requested": lambda w: services.request_payment(
        dossier=_processing(w), officer=w["specialist"], amount=8000
    ),
    "decided, at the desk to return": _decided,
    "decided, at a filing step": _filing,
    "returned": lambda w: services.return_result(
        dossier=_decided(w), officer=w["receiver"], method="desk"
    ),
    "refused": lambda w: services.refuse_dossier(
        dossier=w.submit(), officer=w["receiver"], reasons=["Sai thủ tục"]
    ),
    "linked group waiting for its children": lambda w: _accepted(w, "2.000003"),
    "linked child at the ward": lambda w: _accepted(w, "2.000003").children.get(
        version__procedure__code="1.000001"
    ),
}


def _bodies(case: Case, world: World) -> dict[str, dict[str, Any]]:
    """A body for each action that the action would accept here, were the person allowed."""
    dossier = Dossier.objects.get(pk=case.dossier.pk)
    due = dossier.due_at or MONDAY
    at_second_ward = dossier.handler_agency_id == world.committee2.pk
    elsewhere = world.committee if at_second_ward else world.committee2
    return {
        "accept": {},
        "refuse": {"reasons": ["Sai thủ tục"]},
        "request_supplement": {"items": [{"name": "Giấy chứng sinh", "reason": "Mờ"}]},
        "supplement": {"note": "Đã nộp bản giấy"},
        "claim": {},
        "forward": {},
        "send_back": {"reason": "Thiếu thông tin"},
        "transfer": {"to_agency": elsewhere.electronic_id, "reason": "Thẩm quyền"},
        "consult": {"to_agency": world.police.electronic_id, "question": "Xác minh?"},
        "answer": {"consultation_id": case.consultation or 1, "answer": "Đúng"},
        "request_payment": {"amount": 9000},
        "confirm_payment": {"reference": "BL-0001"},
        "refuse_exemption": {"reason": "Không có giấy xác nhận"},
        "decide": {"approve": True},
        "apologise": {"reason": "Chờ xác minh", "new_due_at": (due + timedelta(7)).isoformat()},
        "withdraw": {"reason": "Nộp nhầm"},
        "stop": {"reason": "Tranh chấp"},
        "return_result": {"method": "desk"},
    }


# The back-office form posted for each action (enough for the form to be valid).
FORMS: dict[str, dict[str, Any]] = {
    "accept": {}, "refuse": {"reasons": "Sai thủ tục"},
    "request_supplement": {"item_0_name": "Tờ khai", "item_0_reason": "Chưa ký"},
    "supplement": {"note": "Đã nhận bản giấy"}, "claim": {}, "forward": {},
    "send_back": {"reason": "x"}, "transfer": {"reason": "x"}, "consult": {"question": "x"},
    "answer": {"answer": "x"}, "request_payment": {"amount": "9.000"},
    "confirm_payment": {"reference": "BL-1"}, "refuse_exemption": {"reason": "x"},
    "decide": {"decision": "approve"}, "apologise": {"reason": "x", "new_date": "31/12/2026",
    "new_time": "16:00"}, "withdraw": {"reason": "x"}, "stop": {"reason": "x"},
    "return_result": {"method": "desk"},
}  # fmt: skip
# The citizen's portal: the page of each action it offers.
PORTAL = {"withdraw": "dossier-withdraw", "supplement": "dossier-supplement"}


def _people(world: World) -> dict[str, User]:
    people = dict(world.people)
    people["unit_admin"] = officer("quantri", R.UNIT_ADMIN, world.committee)
    admin = User.objects.create_user(username="hethong", password="x", kind=User.Kind.OFFICER)
    OfficerRole.objects.create(user=admin, role=R.SYSTEM_ADMIN, agency=None)
    people["system_admin"] = admin
    return people


def _portal_offers(client: Client, dossier: Dossier) -> set[str] | None:
    response = client.get(reverse("portal:dossier-detail", args=[dossier.code]))
    if response.status_code == 404:
        return None
    page = response.content.decode()
    links = {a: reverse(f"portal:{name}", args=[dossier.code]) for a, name in PORTAL.items()}
    return {action for action, link in links.items() if link in page}


def _forged(client: Client, user: User, dossier: Dossier, action: str) -> int:
    if user.is_officer:
        url = reverse("backoffice:dossier-action", args=[dossier.code, SLUG_OF[action]])
        return client.post(url, FORMS[action]).status_code
    if action in PORTAL:
        return client.post(reverse(f"portal:{PORTAL[action]}", args=[dossier.code]), {}).status_code
    return 0


@pytest.fixture
def world(db, settings):
    settings.OFFICER_2FA_REQUIRED = False
    with time_machine.travel(MONDAY, tick=False):
        built = build_world()
        import_catalogue(load_file(EDGES))
        yield built


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_every_door_offers_and_refuses_what_the_table_says(world, situation):
    made = SITUATIONS[situation](world)
    case = made if isinstance(made, Case) else Case(made)
    dossier = Dossier.objects.get(pk=case.dossier.pk)
    bodies = _bodies(case, world)
    seen_by = 0
    for name, user in _people(world).items():
        domain = set(offered(Situation(user, dossier)))
        api = api_caller(user)
        listed = api_offers(api, dossier)
        if listed is None:  # a 404: not theirs to see
            assert not domain, (name, "offered what they cannot see", domain)
            continue
        seen_by += 1
        assert listed == domain, (name, "API")
        client = office_client(user)
        pages = office_offers if user.is_officer else _portal_offers
        page = pages(client, dossier)
        assert page is not None, (name, "sees it through the API but not on the page")
        door = domain if user.is_officer else domain & set(PORTAL)
        assert page == door, (name, "page")
        for action in DOOR_ACTIONS:
            before = Snapshot.of(dossier)
            if action in domain:
                with transaction.atomic():
                    taken = api.act(dossier.code, action, bodies[action])
                    assert taken.status_code == 200, (name, action, taken.json())
                    transaction.set_rollback(True)
                assert Snapshot.of(dossier) == before
                continue
            refused = api.act(dossier.code, action, bodies[action])
            assert refused.status_code in (403, 409), (name, action, refused.json())
            assert Snapshot.of(dossier) == before, (name, action, "API")
            status = _forged(client, user, dossier, action)
            assert status in (0, 302, 403, 409), (name, action, status)
            assert Snapshot.of(dossier) == before, (name, action, "forged post")
    assert seen_by >= 2  # the matrix tried someone besides the system administrator


def test_the_table_names_a_service_for_every_action_a_person_takes():
    import inspect

    for action in DOOR_ACTIONS:
        rule = RULES[action]
        assert rule.service is not None, action
        parameters = inspect.signature(rule.service).parameters
        assert {"dossier", rule.actor_parameter} <= set(parameters), action
        for name in rule.input.__dataclass_fields__:
            assert name in parameters, (action, name)
