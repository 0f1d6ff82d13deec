import pytest

from motcua.catalog.models import ProcedureStep
from motcua.core.models import OutboxMessage
from motcua.dossiers.access import may_act, visible_dossiers
from motcua.dossiers.models import Dossier, Outcome
from motcua.dossiers.selectors import Box, control_slip, dossier_detail, inbox
from motcua.dossiers.services import (
    accept_dossier,
    answer_consultation,
    claim_dossier,
    confirm_payment,
    consult_unit,
    decide_dossier,
    forward_dossier,
    request_payment,
    return_result,
    send_back_dossier,
    stop_dossier,
    transfer_dossier,
    withdraw_dossier,
)
from motcua.dossiers.workflow import Status, WorkflowError
from motcua.identity.models import Agency

from .world import build_world, local, officer


def accepted(world, code="1.000001", at=None):
    at = at or local(2026, 11, 23, 8, 0)
    dossier = world.submit(code, at=at)
    return accept_dossier(dossier=dossier, officer=world["receiver"], at=at)


def test_a_dossier_moves_through_every_step_and_is_returned(world):
    dossier = accepted(world)
    forward_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 8, 30))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.handler == world["specialist"]  # the only specialist: no choice needed
    forward_dossier(dossier=dossier, officer=world["specialist"], at=local(2026, 11, 23, 11, 0))
    dossier.refresh_from_db()
    assert dossier.handler == world["approver"]
    decide_dossier(
        dossier=dossier, officer=world["approver"], approve=True, at=local(2026, 11, 23, 14, 0)
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.DECIDED and dossier.outcome == Outcome.APPROVED
    assert dossier.handler == world["receiver"]  # back to the desk that received it
    with pytest.raises(WorkflowError, match="vận đơn"):
        return_result(dossier=dossier, officer=world["receiver"], method="post")
    return_result(
        dossier=dossier,
        officer=world["receiver"],
        method="post",
        tracking_number="EB123456789VN",
        at=local(2026, 11, 23, 15, 0),
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.postal_tracking_number == "EB123456789VN"
    statuses = list(dossier.events.values_list("to_status", flat=True))
    assert statuses == [1, 2, 4, 4, 9, 10]
    # The return step has no hours of its own: it is judged against the appointment (17:00).
    assert control_slip(dossier)[-1].verdict == "on_time"
    assert dossier.step_due_at is None


def test_form_04_marks_each_hand_over_early_on_time_or_late(world):
    dossier = accepted(world)  # step 1 (1 h) due 09:00
    forward_dossier(dossier=dossier, officer=world["receiver"], at=local(2026, 11, 23, 8, 30))
    dossier.refresh_from_db()  # step 2 (4 h) due 13:30
    forward_dossier(dossier=dossier, officer=world["specialist"], at=local(2026, 11, 23, 16, 0))
    dossier.refresh_from_db()  # step 3 (3 h) due 24/11 10:00
    decide_dossier(
        dossier=dossier, officer=world["approver"], approve=True, at=local(2026, 11, 23, 16, 30)
    )
    rows = control_slip(dossier)
    assert [(r.event.action, r.verdict) for r in rows] == [
        ("accept", ""),
        ("forward", "on_time"),
        ("forward", "late"),
        ("decide", "early"),
    ]
    assert (rows[1].giver, rows[1].receiver) == ("motcua", "chuyenvien")
    assert (rows[3].giver, rows[3].receiver) == ("lanhdao", "motcua")


def test_forwarding_asks_for_a_handler_when_several_hold_the_role(world):
    officer("chuyenvien.b", "specialist", world.committee)
    dossier = accepted(world)
    with pytest.raises(WorkflowError, match="chọn một người"):
        forward_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=dossier, officer=world["receiver"], to_handler=world["specialist"])
    with pytest.raises(WorkflowError):
        forward_dossier(
            dossier=Dossier.objects.get(), officer=world["specialist"], to_handler=world["receiver"]
        )  # not an approver


def test_only_the_accountable_handler_acts(world):
    dossier = accepted(world)
    with pytest.raises(WorkflowError, match="chịu trách nhiệm"):
        forward_dossier(dossier=dossier, officer=world["specialist"])
    assert not may_act(world["approver"], dossier)
    assert may_act(world["receiver"], dossier)


def test_sending_back_returns_to_the_officer_of_the_previous_step(world):
    dossier = accepted(world)
    forward_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(), officer=world["specialist"])
    with pytest.raises(WorkflowError, match="lý do"):
        send_back_dossier(dossier=Dossier.objects.get(), officer=world["approver"], reason="")
    send_back_dossier(
        dossier=Dossier.objects.get(), officer=world["approver"], reason="Thiếu thông tin người mẹ"
    )
    dossier.refresh_from_db()
    assert dossier.step_position == 2 and dossier.handler == world["specialist"]
    assert dossier.events.last().note == "Thiếu thông tin người mẹ"


def test_a_ward_dossier_goes_to_a_city_department_and_back(world):
    dossier = accepted(world, "1.000004")
    forward_dossier(dossier=dossier, officer=world["receiver"])
    dossier.refresh_from_db()
    assert dossier.handler == world["specialist"]
    with pytest.raises(WorkflowError, match="chọn đơn vị"):
        forward_dossier(dossier=dossier, officer=world["specialist"])
    forward_dossier(dossier=dossier, officer=world["specialist"], to_agency=world.land_dept)
    dossier.refresh_from_db()
    assert dossier.handler is None and dossier.handler_agency == world.land_dept
    assert dossier in inbox(world["land_specialist"], Box.POOL)
    assert dossier_detail(world["land_specialist"], dossier.code) is not None
    claim_dossier(dossier=dossier, officer=world["land_specialist"])
    forward_dossier(dossier=Dossier.objects.get(), officer=world["land_specialist"])
    dossier.refresh_from_db()
    assert dossier.handler == world["land_approver"]
    decide_dossier(
        dossier=dossier, officer=world["land_approver"], approve=False, note="Không đủ điều kiện"
    )
    dossier.refresh_from_db()
    assert dossier.outcome == Outcome.REJECTED
    assert dossier.handler_agency == world.committee and dossier.handler == world["receiver"]


@pytest.mark.django_db
def test_a_deployment_with_a_district_level_works_the_same():
    world = build_world(with_district=True)
    district = world.ward.parent
    district_office = Agency.objects.create(
        electronic_id="000.01.00.H26",
        name="Phòng Tài nguyên quận",
        kind="department",
        unit=district,
    )
    district_officer = officer("quan.chuyenvien", "specialist", district_office)
    ProcedureStep.objects.filter(version__procedure__code="1.000004", position=3).update(
        unit_level="district"
    )
    dossier = accepted(world, "1.000004")
    forward_dossier(dossier=dossier, officer=world["receiver"])
    forward_dossier(dossier=Dossier.objects.get(), officer=world["specialist"])
    dossier.refresh_from_db()
    assert dossier.handler_agency == district_office  # the only district agency above the ward
    claim_dossier(dossier=dossier, officer=district_officer)
    assert Dossier.objects.get().handler == district_officer


def test_transfer_puts_the_dossier_in_the_other_units_pool(world):
    dossier = accepted(world)
    forward_dossier(dossier=dossier, officer=world["receiver"])
    transfer_dossier(
        dossier=Dossier.objects.get(),
        officer=world["specialist"],
        to_agency=world.land_dept,
        reason="Thuộc thẩm quyền Sở",
    )
    dossier.refresh_from_db()
    assert (dossier.handler, dossier.handler_agency) == (None, world.land_dept)
    with pytest.raises(WorkflowError):
        claim_dossier(dossier=dossier, officer=world["specialist"])
    claim_dossier(dossier=dossier, officer=world["land_specialist"])
    with pytest.raises(WorkflowError, match="đã có người"):
        claim_dossier(dossier=Dossier.objects.get(), officer=world["land_specialist"])


def test_consulting_another_unit_keeps_the_handler(world):
    dossier = accepted(world)
    forward_dossier(dossier=dossier, officer=world["receiver"])
    consultation = consult_unit(
        dossier=Dossier.objects.get(),
        officer=world["specialist"],
        to_agency=world.police,
        question="Xác minh cư trú?",
    )
    assert Dossier.objects.get().handler == world["specialist"]
    assert dossier_detail(world["police_specialist"], dossier.code) is not None
    assert dossier in inbox(world["police_specialist"], Box.CONSULT)
    with pytest.raises(WorkflowError):
        answer_consultation(
            dossier=dossier, consultation_id=consultation.pk, officer=world["specialist2"],
            answer="x",
        )  # fmt: skip
    answer_consultation(
        dossier=dossier,
        consultation_id=consultation.pk,
        officer=world["police_specialist"],
        answer="Đúng, thường trú tại địa chỉ khai",
    )
    consultation.refresh_from_db()
    assert consultation.answered_at is not None


def test_payment_request_pauses_and_confirmation_resumes(world):
    dossier = accepted(world)
    forward_dossier(dossier=dossier, officer=world["receiver"])
    request_payment(dossier=Dossier.objects.get(), officer=world["specialist"], amount=8000)
    assert Dossier.objects.get().status == Status.PAYMENT_REQUESTED
    confirm_payment(dossier=Dossier.objects.get(), by=world["receiver"], reference="BL-0001")
    assert Dossier.objects.get().status == Status.PROCESSING


def test_the_citizen_withdraws_but_nobody_else_can(world):
    dossier = world.submit()
    with pytest.raises(WorkflowError):
        withdraw_dossier(dossier=dossier, by=world["other_citizen"])
    withdraw_dossier(dossier=dossier, by=world["citizen"], reason="Nộp nhầm")
    assert Dossier.objects.get().status == Status.WITHDRAWN


def test_a_leader_stops_processing_with_a_reason(world):
    dossier = accepted(world)
    with pytest.raises(WorkflowError):
        stop_dossier(dossier=dossier, officer=world["specialist"], reason="x")
    stop_dossier(dossier=dossier, officer=world["approver"], reason="Người nộp đã mất")
    assert Dossier.objects.get().status == Status.STOPPED


def test_officers_of_another_ward_see_nothing(world):
    dossier = accepted(world)
    other = world["receiver2"]
    assert dossier_detail(other, dossier.code) is None
    assert not visible_dossiers(other).filter(pk=dossier.pk).exists()
    assert dossier not in inbox(other, Box.ALL)
    with pytest.raises(WorkflowError):
        forward_dossier(dossier=dossier, officer=other)
    assert dossier_detail(world["other_citizen"], dossier.code) is None
    assert dossier_detail(world["citizen"], dossier.code) == dossier


def test_status_changes_are_queued_for_the_national_portal(world):
    accepted(world)
    payloads = [
        m.payload for m in OutboxMessage.objects.filter(channel="national_portal").order_by("id")
    ]
    assert [p["TrangThaiHoSo"] for p in payloads] == ["1", "2"]
    assert payloads[1]["NgayTiepNhan"] == "20261123080000"
    assert payloads[1]["NgayHenTra"] == "20261123170000"
