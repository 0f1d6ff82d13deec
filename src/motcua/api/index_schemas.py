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


class IndexDossiersQuery(IndexQuery):
    indicator: str = P(..., max_length=10, description="Indicator code, e.g. 2.1")
    list: ListName = P(
        "counted",
        description="counted (the denominator), numerator, outside (counted, not in the "
        "numerator) or excluded (of the period, left out)",
    )
    page: int = P(1, ge=1, le=100_000)
    page_size: int = P(20, ge=1, le=100)


# --- the configuration ------------------------------------------------------------------------


class IndexDefinitionOut(BaseModel):
    formula: str
    counted: str = P(description="What is counted")
    excluded: str = P(description="What is left out")


class IndexIndicatorSpecOut(BaseModel):
    code: str
    name: str
    points: Decimal
    threshold: Decimal = P(description="Percent at or above which the indicator scores fully")
    measured: bool = P(description="Whether the platform holds the data of this indicator")
    unit: Literal["%", "days"] | None = P(description="null when not measured")
    definition: IndexDefinitionOut | None


class IndexGroupSpecOut(BaseModel):
    code: str
    name: str
    points: Decimal
    indicators: list[IndexIndicatorSpecOut]


class IndexVersionOut(BaseModel):
    code: str
    name: str
    in_force_from: date
    in_force_to: date | None
    minimum_dossiers: int = P(description="Received in a period to be ranked")
    groups: list[IndexGroupSpecOut]


# --- one unit's index -------------------------------------------------------------------------


class IndexUnitOut(BaseModel):
    electronic_id: str
    name: str


class IndexPeriodOut(BaseModel):
    key: str
    kind: Literal["week", "month", "quarter", "year", "dates"]
    start: date
    end: date
    label: str


class IndexIndicatorOut(BaseModel):
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
    definition: IndexDefinitionOut | None


class IndexGroupOut(BaseModel):
    code: str
    name: str
    points_max: Decimal
    points: Decimal
    available: Decimal = P(description="Points of the indicators with data")
    indicators: list[IndexIndicatorOut]


class IndexOut(BaseModel):
    unit: IndexUnitOut
    period: IndexPeriodOut
    version: str
    version_name: str
    judged_on: date = P(description="Open dossiers are judged at the end of this day")
    total: Decimal | None = P(description="Score out of 100; null when no indicator has data")
    points: Decimal
    available: Decimal
    received: int
    groups: list[IndexGroupOut]


# --- rankings ---------------------------------------------------------------------------------


class RankingFigureOut(BaseModel):
    numerator: int
    denominator: int
    ratio: Decimal | None = P(description="Percent (2.2: working days)")
    points: Decimal | None


class RankingChangeOut(BaseModel):
    indicator: str
    published: RankingFigureOut | None
    now: RankingFigureOut | None


class RankingRecomputedOut(BaseModel):
    total: Decimal | None = P(description="The score computed now")
    changes: list[RankingChangeOut]


class RankingRowOut(BaseModel):
    rank: int | None
    previous_rank: int | None
    change: int | None = P(description="Places moved up since the previous period")
    unit: IndexUnitOut
    total: Decimal | None
    points: Decimal | None
    available: Decimal | None
    received: int
    groups: dict[str, Decimal | None] = P(description="Points per group code")
    recomputed: RankingRecomputedOut | None = P(
        None, description="Published rankings only: the figures now, when they differ"
    )


class RankingGroupOut(BaseModel):
    code: str
    name: str
    points_max: Decimal


class RankingPublishedOut(BaseModel):
    snapshot_id: int
    published_at: datetime


class RankingOut(BaseModel):
    parent: IndexUnitOut
    level: Level
    period: IndexPeriodOut
    version: str
    version_name: str
    minimum_dossiers: int
    published: RankingPublishedOut | None = P(description="Set when the rows are a frozen snapshot")
    groups: list[RankingGroupOut]
    rows: list[RankingRowOut]
    unranked: list[RankingRowOut] = P(description="Too few dossiers received, or no data")


# --- the dossiers behind a figure -------------------------------------------------------------


class IndexEntryOut(BaseModel):
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


class IndexEntryPage(BaseModel):
    count: int
    page: int
    page_size: int
    unit: IndexUnitOut
    period: IndexPeriodOut
    indicator: str
    list: ListName
    items: builtins.list[IndexEntryOut]  # `list` is a field name here
