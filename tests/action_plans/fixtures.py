"""The plans' fixtures, for tests/action_plans and the doors' tests (tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from motcua.identity.models import Agency, OfficerRole
from motcua.plans import services
from motcua.plans.models import Plan
from motcua.plans.services import PlanFields, TargetFields, TaskFields
from tests.dossiers.world import World, build_world, officer


@pytest.fixture
def plan_world(db) -> World:
    """The lifecycle world, with the city's People's Committee above the ward's."""
    world = build_world()
    city = Agency.objects.create(
        electronic_id="000.00.00.H26", name="UBND Thành phố Hà Nội",
        kind="peoples_committee", unit=world.land_dept.unit,
    )  # fmt: skip
    Agency.objects.filter(pk=world.committee.pk).update(parent=city)
    world.committee.refresh_from_db()
    world.people["city_specialist"] = officer("tp.chuyenvien", OfficerRole.Role.SPECIALIST, city)
    world.people["city_leader"] = officer("tp.lanhdao", OfficerRole.Role.APPROVER, city)
    world.people["admin"] = officer("quantri", OfficerRole.Role.SYSTEM_ADMIN, city)
    world.city = city  # type: ignore[attr-defined]
    return world


@pytest.fixture
def plan(plan_world) -> Plan:
    """The ward's digital-transformation plan: an on-time target for the ward, a free measure,
    and a task for the ward's police."""
    world = plan_world
    leader = world["approver"]
    plan = services.create_plan(
        fields=PlanFields(
            name="Kế hoạch chuyển đổi số năm 2026", reference="Kế hoạch số 12/KH-UBND",
            starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), owner=world.committee,
        ),
        by=leader,
    )  # fmt: skip
    services.add_target(
        plan=plan,
        fields=TargetFields(name="Hồ sơ giải quyết đúng hạn", indicator="2.1",
                            value=Decimal(95), deadline=date(2026, 12, 31)),
        by=leader,
    )  # fmt: skip
    services.add_target(
        plan=plan,
        fields=TargetFields(name="Cán bộ được tập huấn", indicator="", value=Decimal(40),
                            deadline=date(2026, 6, 30), unit_of_measure="người"),
        by=leader,
    )  # fmt: skip
    services.add_task(
        plan=plan,
        fields=TaskFields(name="Số hóa sổ hộ tịch", owner=world.police, due_on=date(2026, 6, 30)),
        by=leader,
    )  # fmt: skip
    return plan
