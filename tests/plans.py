"""The database's plan for a queryset, on SQLite and PostgreSQL, to check which indexes a hot
query uses.

PostgreSQL plans tiny test tables with sequential scans and sorts whatever indexes exist, so
the plan is taken with those turned off for the transaction: what remains shows whether an
index *can* serve the query (and its order), which is what a large table will use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet


@dataclass(frozen=True)
class Plan:
    steps: list[str]  # one line per plan node: "<what> <table> <index>"

    def uses(self, index: str) -> bool:
        return any(f" {index} " in f" {step} " for step in self.steps)

    def scans(self, table: str) -> bool:
        """A full read of ``table`` (not through an index)."""
        return any(step.startswith(("SCAN", "Seq Scan")) and table in step for step in self.steps)

    @property
    def sorts(self) -> bool:
        return any("TEMP B-TREE FOR ORDER BY" in s or s.startswith("Sort") for s in self.steps)

    def __str__(self) -> str:
        return "\n".join(self.steps)


def plan_of(
    queryset: QuerySet[Any], *, keep_order: bool = False, bitmap_only: bool = False
) -> Plan:
    """``keep_order``: no sort allowed; ``bitmap_only``: the table is read only through bitmap
    index scans, i.e. through an index that matches the condition (PostgreSQL)."""
    sql, params = queryset.query.sql_with_params()
    return plan_of_sql(sql, params, keep_order=keep_order, bitmap_only=bitmap_only)


def plan_of_sql(
    sql: str, params: Any, *, keep_order: bool = False, bitmap_only: bool = False
) -> Plan:
    """The same for SQL composed by hand (the inbox's merged page, tests of ``InboxRows``)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return Plan([row[3] for row in cursor.fetchall()])
        cursor.execute("SET LOCAL enable_seqscan = off")
        if keep_order:
            cursor.execute("SET LOCAL enable_sort = off")
        if bitmap_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    tree = raw if isinstance(raw, list) else json.loads(raw)
    return Plan(list(_nodes(tree[0]["Plan"])))


def _nodes(node: dict[str, Any]) -> Any:
    yield " ".join(
        part
        for part in (node["Node Type"], node.get("Relation Name"), node.get("Index Name"))
        if part
    )
    for child in node.get("Plans", []):
        yield from _nodes(child)
