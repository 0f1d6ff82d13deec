"""The Decision 766 index in API v1: the configuration versions, one unit's index, the
ranking of the units of one level under a parent (frozen when published), and the dossiers
behind a figure. The figures are public, as the ranking page; the dossiers only for officers
who may see the unit's reports. Everything is computed by motcua.reporting: this module reads
the query, asks once, and shapes the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from motcua.catalog.selectors import agency_by_code
from motcua.dossiers.reports import may_see_report
from motcua.identity.models import Agency, User
from motcua.reporting.board import board, default_parent
from motcua.reporting.config import IndexVersion, IndicatorSpec, get_version, versions
from motcua.reporting.explain import NotExplained, entries, explained_measure
from motcua.reporting.index import IndicatorScore, UnitIndex
from motcua.reporting.index import resolve_version as version_in_force
from motcua.reporting.index import unit_index as compute_index
from motcua.reporting.measures import MEASURES, RULES, Measure
from motcua.reporting.models import DossierFact, Verdict
from motcua.reporting.periods import Period, PeriodError
from motcua.reporting.rankings import Recomputed

from .auth import bearer
from .dossier_views import is_staff_reader
from .errors import ApiError
from .index_schemas import (
    IndexDossiersQuery,
    IndexEntryPage,
    IndexOut,
    IndexQuery,
    IndexVersionOut,
    RankingOut,
    RankingQuery,
)
from .paging import page_of
from .replica_reads import replica_reads
from .schemas import ErrorOut

router = Router(tags=["index"])


# --- reading the query ------------------------------------------------------------------------


def _period(text: str) -> Period:
    if not text.strip():
        return Period.current("month")
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise ApiError(error.message, 400) from None


def _version(code: str, period: Period) -> IndexVersion:
    if not code:
        return version_in_force(period)
    found = get_version(code)
    if found is None:
        raise ApiError(_("Không có phiên bản bộ chỉ số mã %(code)s.") % {"code": code}, 400)
    return found


def _unit(electronic_id: str) -> Agency:
    found = agency_by_code(electronic_id)
    if found is None:
        raise ApiError(_("Không tìm thấy đơn vị có mã định danh này."), 404)
    return found


def _parent(electronic_id: str) -> Agency:
    if electronic_id:
        return _unit(electronic_id)
    found = default_parent()
    if found is None:
        raise ApiError(_("Chưa có đơn vị cấp tỉnh để xếp hạng; hãy chọn đơn vị cấp trên."), 404)
    return found


# --- shaping ----------------------------------------------------------------------------------


def _ref(agency: Agency) -> dict[str, str]:
    return {"electronic_id": agency.electronic_id, "name": agency.name}


def _period_out(period: Period) -> dict[str, Any]:
    return {
        "key": period.key,
        "kind": period.kind,
        "start": period.start,
        "end": period.end,
        "label": period.label,
    }


def _definition(measure: Measure | None) -> dict[str, str] | None:
    if measure is None:
        return None
    return {
        "formula": str(measure.formula),
        "counted": str(measure.counted),
        "excluded": str(measure.excluded),
    }


def _spec(spec: IndicatorSpec) -> dict[str, Any]:
    measure = MEASURES.get(spec.measure) if spec.measure else None
    return {
        "code": spec.code,
        "name": str(spec.name),
        "points": spec.points,
        "threshold": spec.threshold,
        "measured": measure is not None,
        "unit": measure.unit if measure else None,
        "definition": _definition(measure),
    }


def _version_out(version: IndexVersion) -> dict[str, Any]:
    return {
        "code": version.code,
        "name": version.name,
        "in_force_from": version.in_force_from,
        "in_force_to": version.in_force_to,
        "minimum_dossiers": version.minimum_dossiers,
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "points": g.points,
                "indicators": [_spec(i) for i in g.indicators],
            }
            for g in version.groups
        ],
    }


def _indicator(found: IndicatorScore) -> dict[str, Any]:
    return {
        "code": found.code,
        "name": str(found.name),
        "points_max": found.points_max,
        "threshold": found.threshold,
        "numerator": found.numerator,
        "denominator": found.denominator,
        "ratio": found.ratio,
        "points": found.points,
        "value": found.value,
        "parts": found.parts,
        "has_data": found.has_data,
        "definition": _definition(found.measure),
    }


def _index_out(found: UnitIndex) -> dict[str, Any]:
    return {
        "unit": _ref(found.agency),
        "period": _period_out(found.period),
        "version": found.version.code,
        "version_name": found.version.name,
        "judged_on": found.judged_on,
        "total": found.total,
        "points": found.points,
        "available": found.available,
        "received": found.received,
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "points_max": g.points_max,
                "points": g.points,
                "available": g.available,
                "indicators": [_indicator(i) for i in g.indicators],
            }
            for g in found.groups
        ],
    }


# --- endpoints --------------------------------------------------------------------------------


@router.get(
    "/index/versions",
    response={200: list[IndexVersionOut]},
    summary="The index's configuration versions: groups, indicators, points, definitions",
)
@replica_reads
def list_versions(request: HttpRequest) -> list[dict[str, Any]]:
    known = sorted(versions().values(), key=lambda v: (v.in_force_from, v.code))
    return [_version_out(v) for v in known]


@router.get(
    "/index",
    response={200: IndexOut, 400: ErrorOut, 404: ErrorOut},
    summary="One unit's Decision 766 index for a period",
)
@replica_reads
def read_index(request: HttpRequest, params: Query[IndexQuery]) -> dict[str, Any]:
    period = _period(params.period)
    version = _version(params.version, period)
    return _index_out(compute_index(_unit(params.unit), period, version))


# --- rankings ---------------------------------------------------------------------------------


def _figure(frozen: list[Any] | None) -> dict[str, Any] | None:
    if frozen is None:
        return None
    numerator, denominator, ratio, points = frozen
    return {"numerator": numerator, "denominator": denominator, "ratio": ratio, "points": points}


def _recomputed(found: Recomputed | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "total": found.total,
        "changes": [
            {"indicator": code, "published": _figure(old), "now": _figure(new)}
            for code, old, new in found.changes
        ],
    }


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ``board.Board`` (as ``rankings.frozen_row`` writes it, live or published)."""
    rank, previous = row["rank"], row["previous_rank"]
    return {
        "rank": rank,
        "previous_rank": previous,
        "change": previous - rank if rank is not None and previous is not None else None,
        "unit": {"electronic_id": row["electronic_id"], "name": row["name"]},
        "total": row["total"],
        "points": row["points"],
        "available": row["available"],
        "received": row["received"],
        "groups": row["groups"],
        "recomputed": _recomputed(row.get("recomputed")),
    }


@router.get(
    "/rankings",
    response={200: RankingOut, 400: ErrorOut, 404: ErrorOut},
    summary="The ranking of the units of one level under a parent; frozen once published",
)
@replica_reads
def read_ranking(request: HttpRequest, params: Query[RankingQuery]) -> dict[str, Any]:
    period = _period(params.period)
    version = _version(params.version, period)
    found = board(_parent(params.parent), params.level, period, version)
    snapshot = found.snapshot
    published = (
        {"snapshot_id": snapshot.pk, "published_at": snapshot.published_at} if snapshot else None
    )
    return {
        "parent": _ref(found.parent),
        "level": found.level,
        "period": _period_out(period),
        "version": version.code,
        "version_name": version.name,
        "minimum_dossiers": found.minimum,
        "published": published,
        "groups": [
            {"code": g.code, "name": g.name, "points_max": g.points} for g in version.groups
        ],
        "rows": [_row(r) for r in found.ranked],
        "unranked": [_row(r) for r in found.unranked],
    }


# --- the dossiers behind a figure -------------------------------------------------------------


def _explained_measure(version: IndexVersion, code: str) -> str:
    try:
        return explained_measure(version, code)
    except NotExplained as error:
        raise ApiError(error.message, 400) from error


def _entry(fact: DossierFact) -> dict[str, Any]:
    return {
        "code": fact.dossier.code,
        "procedure_code": fact.procedure.code,
        "agency": fact.agency.electronic_id,
        "received_on": fact.received_on,
        "closed_on": fact.closed_on,
        "late_from": fact.late_from,
        "verdict": fact.verdict,
        "verdict_name": str(Verdict(fact.verdict).label),
        "rule": fact.rule,
        "rule_text": str(RULES.get(fact.rule, fact.rule)),
        "counted": fact.is_counted,  # type: ignore[attr-defined]
        "in_numerator": fact.in_numerator,  # type: ignore[attr-defined]
    }


@router.get(
    "/index/dossiers",
    auth=bearer,
    response={200: IndexEntryPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The dossiers behind one figure of a unit's index (officers of the unit or above)",
)
@replica_reads
def list_dossiers(request: HttpRequest, params: Query[IndexDossiersQuery]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    if not is_staff_reader(user):
        raise ApiError(_("Chỉ cán bộ mới xem được hồ sơ của chỉ số."), 403)
    period = _period(params.period)
    version = _version(params.version, period)
    agency = _unit(params.unit)
    if not may_see_report(user, agency):  # as an unknown unit: which exist is not said here
        raise ApiError(_("Không tìm thấy đơn vị có mã định danh này."), 404)
    measure = _explained_measure(version, params.indicator)
    facts = entries(agency, period, measure, params.list).select_related("procedure")
    page = page_of(facts, page=params.page, page_size=params.page_size)
    return {
        **page,
        "unit": _ref(agency),
        "period": _period_out(period),
        "indicator": params.indicator,
        "list": params.list,
        "items": [_entry(f) for f in page["items"]],
    }
