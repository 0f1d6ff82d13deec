"""One rule for who may do what: the seven cases in which the back office, the API and the
services once disagreed. Each is tried through both doors, as the officer or citizen would."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from motcua.catalog.loader import load_file
from motcua.catalog.services import import_catalogue
from motcua.dossiers import services
from motcua.dossiers.workflow import Status
from motcua.identity.models import Agency
from tests.factories import make_unit

from .doors import (
    Snapshot,
    api_caller,
    api_offers,
    api_try,
    office_client,
    office_offers,
    office_try,
)
from .world import World, local

MONDAY = local(2026, 11, 23, 8, 0)
EDGES = Path(__file__).parent.parent / "fixtures" / "catalogue-edges.yaml"


@pytest.fixture(autouse=True)
def _monday(settings):
    settings.OFFICER_2FA_REQUIRED = False
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def edges(world: World) -> World:
    import_catalogue(load_file(EDGES))
    return world


def refused_by_both_doors(
    world: World, user_name: str, dossier, action: str, body: dict, form: dict
) -> None:
    """Neither door offers ``action``, and forcing it changes nothing in either."""
    user = world[user_name]
    before = Snapshot.of(dossier)
    assert action not in (api_offers(api_caller(user), dossier) or set())
    response = api_try(user, dossier, action, body)
    assert response.status_code in (403, 409), (response.status_code, response.json())
    assert Snapshot.of(dossier) == before
    if user.is_officer:
        assert action not in (office_offers(office_client(user), dossier) or set())
        response = office_try(user, dossier, action, form)
        assert response.status_code in (403, 409), response.status_code
        assert Snapshot.of(dossier) == before


def offered_by_both_doors(world: World, user_name: str, dossier, action: str) -> None:
    user = world[user_name]
    assert action in (api_offers(api_caller(user), dossier) or set())
    if user.is_officer:
        assert action in (office_offers(office_client(user), dossier) or set())


def test_deciding_without_a_current_step_needs_the_approver_role(edges):
    # 9.000001 has no receiving step: accepted, the dossier stands at no step; transferred to
    # another ward's pool, a specialist there takes it. Only an approver may decide it.
    dossier = edges.submit("9.000001")
    dossier = services.accept_dossier(dossier=dossier, officer=edges["receiver"])
    assert dossier.step_position is None
    dossier = services.transfer_dossier(
        dossier=dossier, officer=edges["receiver"], to_agency=edges.committee2, reason="Nơi cư trú"
    )
    dossier = services.claim_dossier(dossier=dossier, officer=edges["specialist2"])
    refused_by_both_doors(
        edges, "specialist2", dossier, "decide", {"approve": True}, {"decision": "approve"}
    )


def test_no_door_offers_forwarding_a_linked_dossier_that_waits_for_its_children(world):
    parent = world.submit("2.000003")
    parent = services.accept_dossier(dossier=parent, officer=world["receiver"])
    assert parent.awaits_children
    refused_by_both_doors(world, "receiver", parent, "forward", {}, {})


def test_a_second_supplement_request_is_offered_by_no_door(world):
    dossier = world.submit()
    dossier = services.request_supplement(
        dossier=dossier, officer=world["receiver"], items=[{"name": "Giấy chứng sinh"}]
    )
    dossier = services.provide_supplement(dossier=dossier, by=world["citizen"], note="Đã bổ sung")
    assert dossier.status == Status.SUBMITTED
    refused_by_both_doors(
        world, "receiver", dossier, "request_supplement",
        {"items": [{"name": "Tờ khai", "reason": "Chưa ký"}]},
        {"item_0_name": "Tờ khai", "item_0_reason": "Chưa ký"},
    )  # fmt: skip


def test_an_apology_slip_after_the_due_date_is_offered_by_no_door(world):
    dossier = world.submit(at=local(2026, 11, 16, 8, 0))
    dossier = services.accept_dossier(
        dossier=dossier, officer=world["receiver"], at=local(2026, 11, 16, 8, 0)
    )
    assert dossier.due_at < MONDAY
    offered = api_offers(api_caller(world["receiver"]), dossier)
    assert offered is not None and "forward" in offered
    refused_by_both_doors(
        world, "receiver", dossier, "apologise",
        {"reason": "Chờ xác minh", "new_due_at": "2026-12-01T17:00:00+07:00"},
        {"reason": "Chờ xác minh", "new_date": "01/12/2026", "new_time": "17:00"},
    )  # fmt: skip


def test_only_the_desk_returns_the_result(edges):
    # 9.000002 files the dossier after the decision: a specialist holds it, decided, at the
    # filing step. Returning the result is the desk's, after the filing is handed on.
    dossier = edges.submit("9.000002")
    dossier = services.accept_dossier(dossier=dossier, officer=edges["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=edges["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=edges["specialist"])
    dossier = services.decide_dossier(dossier=dossier, officer=edges["approver"], approve=True)
    assert (dossier.status, dossier.handler) == (Status.DECIDED, edges["specialist"])
    refused_by_both_doors(
        edges, "specialist", dossier, "return_result", {"method": "desk"}, {"method": "desk"}
    )
    dossier = services.forward_dossier(dossier=dossier, officer=edges["specialist"])
    assert dossier.handler == edges["receiver"]
    offered_by_both_doors(edges, "receiver", dossier, "return_result")


def test_an_officer_who_does_not_receive_it_cannot_hand_in_the_applicants_supplement(world):
    dossier = world.submit()
    dossier = services.accept_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.request_supplement(
        dossier=dossier, officer=world["specialist"], items=[{"name": "Giấy chứng sinh"}]
    )
    # The approver of the unit reads the dossier, but neither applied nor receives papers.
    refused_by_both_doors(world, "approver", dossier, "supplement", {"note": "x"}, {"note": "x"})
    assert Snapshot.of(dossier).status == Status.SUPPLEMENT_REQUESTED
    offered_by_both_doors(world, "receiver", dossier, "supplement")
    offered_by_both_doors(world, "citizen", dossier, "supplement")


@pytest.mark.parametrize("who", ["specialist", "approver"])
def test_only_the_desk_records_cash_and_only_the_handler_refuses_an_exemption(world, who):
    dossier = world.submit()
    dossier = services.accept_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.request_payment(dossier=dossier, officer=world["specialist"], amount=8000)
    refused_by_both_doors(
        world, who, dossier, "confirm_payment", {"reference": "BL-1"}, {"reference": "BL-1"}
    )
    offered_by_both_doors(world, "receiver", dossier, "confirm_payment")


def test_an_exemption_is_refused_by_the_handler_not_by_any_officer_of_the_unit(world):
    dossier = world.submit()
    dossier.exemption_claims = ["ho-ngheo"]
    dossier.save(update_fields=["exemption_claims"])
    dossier = services.accept_dossier(dossier=dossier, officer=world["receiver"])
    dossier = services.forward_dossier(dossier=dossier, officer=world["receiver"])
    assert dossier.handler == world["specialist"]
    reason = {"reason": "Không có giấy xác nhận"}
    refused_by_both_doors(world, "approver", dossier, "refuse_exemption", reason, reason)
    offered_by_both_doors(world, "specialist", dossier, "refuse_exemption")


def test_a_transfer_stays_within_the_dossiers_province(world):
    saigon = make_unit("79", "Thành phố Hồ Chí Minh", "province")
    far = Agency.objects.create(
        electronic_id="000.00.01.H29", name="Sở Tư pháp TP.HCM", kind="department", unit=saigon
    )
    dossier = world.submit()
    dossier = services.accept_dossier(dossier=dossier, officer=world["receiver"])
    before = Snapshot.of(dossier)
    body = {"to_agency": far.electronic_id, "reason": "Thẩm quyền"}
    response = api_try(world["receiver"], dossier, "transfer", body)
    assert response.status_code in (409, 422), response.json()
    response = office_try(
        world["receiver"], dossier, "transfer", {"to_agency": far.pk, "reason": "x"}
    )
    assert response.status_code == 400
    assert Snapshot.of(dossier) == before
