from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field as P

from motcua.identity.models import AdministrativeUnit
from motcua.identity.selectors import unit_with_services, units

from .errors import ApiError
from .paging import page_of
from .replica_reads import replica_reads
from .schemas import ErrorOut, UnitDetailOut, UnitPage

router = Router(tags=["units"])


class UnitQuery(Schema):
    parent: str = P("", max_length=10, description="Code of the parent unit")
    level: Literal["", "province", "district", "commune"] = ""
    q: str = P("", max_length=200)
    page: int = P(1, ge=1, le=100_000)
    page_size: int = P(50, ge=1, le=500)


def _unit(unit: AdministrativeUnit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "division_type": unit.division_type,
        "parent_code": unit.parent.code if unit.parent else None,
    }


@router.get("", response=UnitPage, summary="List administrative units")
@replica_reads
def list_units(request: HttpRequest, params: Query[UnitQuery]) -> dict[str, Any]:
    queryset = units(parent=params.parent, level=params.level, q=params.q)
    page = page_of(queryset, page=params.page, page_size=params.page_size)
    return {**page, "items": [_unit(u) for u in page["items"]]}


@router.get("/{code}", response={200: UnitDetailOut, 404: ErrorOut}, summary="One unit")
@replica_reads
def get_unit(request: HttpRequest, code: str) -> dict[str, Any]:
    unit = unit_with_services(code)
    if unit is None:
        raise ApiError(_("Không có đơn vị hành chính mã %(code)s.") % {"code": code}, 404)
    return {
        **_unit(unit),
        "children_count": unit.children.count(),
        "agencies": list(unit.agencies.all()),
        "desks": [
            {"name": d.name, "address": d.address, "phone": d.phone, "email": d.email,
             "opening_hours": d.opening_hours,
             "agencies": [a.electronic_id for a in d.agencies.all()]}
            for d in unit.desks.all()
        ],
    }  # fmt: skip
