from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field as P

from motcua.catalog.fees import exemptions_of
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import (
    CatalogueFilter,
    due_dates_if_submitted,
    procedure_in_force,
    procedures_in_force,
)

from .errors import ApiError
from .paging import page_of
from .replica_reads import replica_reads
from .schemas import ErrorOut, ProcedureOut, ProcedurePage

router = Router(tags=["procedures"])


class ProcedureQuery(Schema):
    q: str = P("", max_length=200, description="Search words, with or without diacritics")
    field: str = P("", max_length=64, description="Field (lĩnh vực) code")
    level: Literal["", "province", "district", "commune"] = ""
    online_level: Literal["", "full", "partial", "information"] = ""
    agency: str = P("", max_length=20, description="Agency electronic ID")
    page: int = P(1, ge=1, le=100_000)
    page_size: int = P(20, ge=1, le=100)


def _summary(version: ProcedureVersion) -> dict[str, Any]:
    return {
        "code": version.procedure.code,
        "name": version.name,
        "name_en": version.name_en,
        "field": version.field.code,
        "field_name": version.field.name,
        "levels": version.level_list,
        "online_level": version.online_level,
        "legacy_online_level": version.legacy_online_level,
        "effective_from": version.effective_from,
        "variants": list(version.variants.all()),
    }


@router.get("", response=ProcedurePage, summary="List procedures in force")
@replica_reads
def list_procedures(request: HttpRequest, params: Query[ProcedureQuery]) -> dict[str, Any]:
    filters = CatalogueFilter(
        q=params.q, field=params.field, level=params.level,
        online_level=params.online_level, agency=params.agency,
    )  # fmt: skip
    page = page_of(procedures_in_force(filters), page=params.page, page_size=params.page_size)
    return {**page, "items": [_summary(v) for v in page["items"]]}


@router.get("/{code}", response={200: ProcedureOut, 404: ErrorOut}, summary="One procedure")
@replica_reads
def get_procedure(request: HttpRequest, code: str) -> dict[str, Any]:
    version = procedure_in_force(code)
    if version is None:
        raise ApiError(_("Không có thủ tục mã %(code)s đang có hiệu lực.") % {"code": code}, 404)
    return {
        **_summary(version),
        "version": version.number,
        "effective_to": version.effective_to,
        "implementing_agency": version.implementing_agency,
        "agencies": [a.electronic_id for a in version.agencies.all()],
        "applicant_types": version.applicant_types,
        "summary": version.summary,
        "results": version.results,
        "legal_basis": version.legal_basis,
        "requirements": version.requirements,
        "fee_exemptions": version.fee_exemption_texts,
        "exemptions": exemptions_of(version),
        "documents": [
            {**{k: getattr(d, k) for k in ("name", "originals", "copies", "submission",
                                            "mandatory", "condition", "template")},
             "variants": [v.code for v in d.variants.all()]}
            for d in version.documents.all()
        ],
        "fees": [
            {**{k: getattr(f, k) for k in ("kind", "name", "amount", "unit", "legal_basis",
                                            "note")},
             "variant": f.variant.code if f.variant else None, "verified": not f.is_unsure}
            for f in version.fees.all()
        ],
        "steps": list(version.steps.all()),
        "form_schema": version.form_schema,
        "linked_procedures": version.linked_codes,
        "provenance": version.provenance,
        "due_if_submitted_now": [
            {"variant": row.variant.code, "due_at": row.due_at}
            for row in due_dates_if_submitted(version, timezone.now())
        ],
    }  # fmt: skip
