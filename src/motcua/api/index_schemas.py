"""The schemas of the Decision 766 index, its rankings and the dossiers behind a figure
(api/index.py). Plain pydantic models, as the reports': they are built from dicts. Decimals
(points, percentages, days) are given as strings with two decimals, as the report's rates."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import BaseModel
from pydantic import Field as P

Level = Literal["commune", "department", "district"]
ListName = Literal["counted", "numerator", "outside", "excluded"]


# --- queries ----------------------------------------------------------------------------------


class IndexQuery(Schema):
    unit: str = P(..., max_length=20, description="Electronic ID of the unit (agency)")
    period: str = P(
        "",
        max_length=40,
        description="2026-11, 2026-Q4, 2026, 2026-W48 or 2026-11-01..2026-11-15; "
        "default: this month",
    )
    version: str = P("", max_length=40, description="Index version code; default: in force")


class RankingQuery(Schema):
    parent: str = P(
        "",
        max_length=20,
        description="Electronic ID of the parent unit; default: the province's committee",
    )
    level: Level = "commune"
    period: str = P("", max_length=40, description="As in /index; default: this month")
    version: str = P("", max_length=40, description="Index version code; default: in force")


class DossiersQuery(IndexQuery):
    indicator: str = P(..., max_length=10, description="Indicator code, e.g. 2.1")
    list: ListName = P(
        "counted",
        description="counted (the denominator), numerator, outside (counted, not in the "
        "numerator) or excluded (of the period, left out)",
    )
    page: int = P(1, ge=1, le=100_000)
    page_size: int = P(20, ge=1, le=100)


# --- the configuration ------------------------------------------------------------------------


class DefinitionOut(BaseModel):
    formula: str
    counted: str = P(description="What is counted")
    excluded: str = P(description="What is left out")


class IndicatorSpecOut(BaseModel):
    code: str
    name: str
    points: Decimal
    threshold: Decimal = P(description="Percent at or above which the indicator scores fully")
    measured: bool = P(description="Whether the platform holds the data of this indicator")
    unit: Literal["%", "days"] | None = P(description="null when not measured")
    definition: DefinitionOut | None


class GroupSpecOut(BaseModel):
    code: str
    name: str
    points: Decimal
    indicators: list[IndicatorSpecOut]


class VersionOut(BaseModel):
    code: str
    name: str
    in_force_from: date
    in_force_to: date | None
    minimum_dossiers: int = P(description="Received in a period to be ranked")
    groups: list[GroupSpecOut]


# --- one unit's index -------------------------------------------------------------------------


class UnitRefOut(BaseModel):
    electronic_id: str
    name: str


class PeriodOut(BaseModel):
    key: str
    kind: Literal["week", "month", "quarter", "year", "dates"]
    start: date
    end: date
    label: str


class IndicatorOut(BaseModel):
    code: str
    name: str
    points_max: Decimal
    threshold: Decimal
    numerator: int
    denominator: int
    ratio: Decimal | None = P(description="Percent; null without data or for 2.2")
    points: Decimal | None
    value: Decimal | None = P(description="A figure that is not a ratio: 2.2 in working days")
    parts: dict[str, int] = P(description="What the numerator is made of")
    has_data: bool
    definition: DefinitionOut | None


class GroupOut(BaseModel):
    code: str
    name: str
    points_max: Decimal
    points: Decimal
    available: Decimal = P(description="Points of the indicators with data")
    indicators: list[IndicatorOut]


class IndexOut(BaseModel):
    unit: UnitRefOut
    period: PeriodOut
    version: str
    version_name: str
    judged_on: date = P(description="Open dossiers are judged at the end of this day")
    total: Decimal | None = P(description="Score out of 100; null when no indicator has data")
    points: Decimal
    available: Decimal
    received: int
    groups: list[GroupOut]


# --- rankings ---------------------------------------------------------------------------------


class FigureOut(BaseModel):
    numerator: int
    denominator: int
    ratio: Decimal | None = P(description="Percent (2.2: working days)")
    points: Decimal | None


class ChangeOut(BaseModel):
    indicator: str
    published: FigureOut | None
    now: FigureOut | None


class RecomputedOut(BaseModel):
    total: Decimal | None = P(description="The score computed now")
    changes: list[ChangeOut]


class RankRowOut(BaseModel):
    rank: int | None
    previous_rank: int | None
    change: int | None = P(description="Places moved up since the previous period")
    unit: UnitRefOut
    total: Decimal | None
    points: Decimal | None
    available: Decimal | None
    received: int
    groups: dict[str, Decimal | None] = P(description="Points per group code")
    recomputed: RecomputedOut | None = P(
        None, description="Published rankings only: the figures now, when they differ"
    )


class GroupHeadOut(BaseModel):
    code: str
    name: str
    points_max: Decimal


class PublishedOut(BaseModel):
    snapshot_id: int
    published_at: datetime


class RankingOut(BaseModel):
    parent: UnitRefOut
    level: Level
    period: PeriodOut
    version: str
    version_name: str
    minimum_dossiers: int
    published: PublishedOut | None = P(description="Set when the rows are a frozen snapshot")
    groups: list[GroupHeadOut]
    rows: list[RankRowOut]
    unranked: list[RankRowOut] = P(description="Too few dossiers received, or no data")


# --- the dossiers behind a figure -------------------------------------------------------------


class EntryOut(BaseModel):
    code: str
    procedure_code: str
    agency: str = P(description="Electronic ID of the agency the dossier belongs to")
    received_on: date | None
    closed_on: date | None
    late_from: date | None
    verdict: str
    verdict_name: str
    rule: str
    rule_text: str
    counted: bool
    in_numerator: bool


class EntryPage(BaseModel):
    count: int
    page: int
    page_size: int
    unit: UnitRefOut
    period: PeriodOut
    indicator: str
    list: ListName
    items: builtins.list[EntryOut]  # `list` is a field name here
