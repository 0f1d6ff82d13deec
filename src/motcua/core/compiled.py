"""A hot read's query compiled once per database and run again with other values.

Building a queryset (``select_related``, ``only``, ``filter``: a clone at each step) and
compiling it to SQL cost a one-row read by key several times the CPU of running it (the
public lookup: ~1.3 of ~1.7 ms, issue 18). ``Compiled`` builds the queryset once per database
alias with marker values, keeps the SQL, where the markers are among its parameters, and
what Django needs to turn a row into model instances (the select list, the related
populators' map, the column converters); then each call sends the SQL with the real values
and builds the instances the way Django's own ``ModelIterable`` does. The instances are the
ORM's, with the same deferred fields and related objects as the queryset would give.

``prepared=True`` (PostgreSQL, unless ``MOTCUA_DB_PREPARED=0``): the statement is sent with
server-side binding and prepared once per connection, so PostgreSQL plans it once instead
of at each call (the public lookup: planning its four tables cost ten times running it,
0.32 against 0.03 ms, issue 18). Every other statement goes as Django sends it.

Only for querysets whose SQL depends on nothing but the values passed (no ``now()``, no
language, no settings read at compile time), giving model instances or ``values()`` dicts,
without ``prefetch_related`` or annotations. ``tests/dossiers/test_compiled_query.py`` holds
it to the ORM's answer on both databases.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import NotSupportedError, connections
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesIterable,
    get_related_populators,
)

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, index of the value)
    model: type[Model] | None  # None: a values() query, its rows given as dicts of ``names``
    names: tuple[str, ...]
    start: int
    end: int
    init_list: list[str]
    klass_info: dict[str, Any] | None
    select: list[Any]
    converters: dict[int, Any]
    compiler: Any


# Where a statement given at each call goes: a queryset built with ``RawSQL(INNER, ())`` (a
# subquery, say ``pk__in``) is compiled with this text, replaced at each call by the ``inner``
# statement given, with its parameters.
INNER = "SELECT motcua_compiled_inner"


class Compiled(Generic[M]):
    """``Compiled(lambda a, b: Model.objects.filter(x=a, y=b)[:1], 2)``, then
    ``.first(alias, value_a, value_b)``; for a ``values()`` queryset, ``.dicts(alias, …)``.
    It is compiled with string markers, so its values go to text columns (a code, a key)."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], arity: int, *, prepared: bool = False
    ) -> None:
        self.build, self.arity, self.prepared = build, arity, prepared
        self.markers = [f"\x1emotcua-compiled-{i}\x1e" for i in range(arity)]
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, alias: str) -> _Plan:
        plan = self._plans.get(alias)
        if plan is not None:
            return plan
        markers = self.markers
        queryset = self.build(*markers)
        if getattr(queryset, "_prefetch_related_lookups", ()) or queryset.query.annotations:
            raise ValueError("Compiled takes no prefetch_related or annotations")
        values = queryset._iterable_class is ValuesIterable  # type: ignore[attr-defined]
        if not values and queryset._iterable_class is not ModelIterable:  # type: ignore[attr-defined]
            raise ValueError("Compiled gives model instances or values() dicts only")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = tuple((i, markers.index(p)) for i, p in enumerate(params) if p in markers)
        if sorted(index for _, index in slots) != list(range(self.arity)):
            raise ValueError("each value must appear once among the query's parameters")
        select, klass_info = compiler.select, compiler.klass_info
        query = queryset.query
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        start, end = (
            (0, 0)
            if values
            else (klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1)
        )
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=slots,
            model=None if values else klass_info["model"],
            names=names if values else (),
            start=start,
            end=end,
            init_list=[f[0].target.attname for f in select[start:end]],
            klass_info=None if values else klass_info,
            select=select,
            converters=compiler.get_converters([s[0] for s in select]),
            compiler=compiler,
        )
        with self._lock:
            self._plans.setdefault(alias, plan)
        return self._plans[alias]

    def _fetch(
        self,
        alias: str,
        values: Sequence[Any],
        inner: tuple[str, Sequence[Any]] | None = None,
        prepared: bool = False,
    ) -> tuple[_Plan, Sequence[Any]]:
        if len(values) != self.arity:
            raise TypeError(f"{self.arity} values expected, {len(values)} given")
        plan = self._plan(alias)
        sql, params = plan.sql, list(plan.params)
        for position, index in plan.slots:
            params[position] = values[index]
        if inner is not None:
            at = sql.find(INNER)
            if at < 0 or "%%" in sql[:at]:
                raise ValueError("the query was not built around INNER (or has % before it)")
            before = sql[:at].count("%s")  # the inner statement's parameters go there
            sql = sql[:at] + inner[0] + sql[at + len(INNER) :]
            params[before:before] = list(inner[1])
        fetched = run(connections[alias], sql, params, prepared=self.prepared or prepared)
        if plan.converters:
            fetched = list(plan.compiler.apply_converters(fetched, plan.converters))
        return plan, fetched

    def dicts(
        self,
        alias: str,
        *values: Any,
        inner: tuple[str, Sequence[Any]] | None = None,
        prepared: bool = False,
    ) -> list[dict[str, Any]]:
        """A ``values()`` queryset's rows for ``values`` (and the ``inner`` statement, with
        its parameters, in place of ``INNER``), as Django gives them; ``prepared``: this
        call's statement prepared (see ``run``)."""
        plan, fetched = self._fetch(alias, values, inner, prepared)
        if plan.model is not None:
            raise TypeError("dicts() is for a values() queryset; rows() gives instances")
        return [dict(zip(plan.names, row, strict=True)) for row in fetched]

    def rows(self, alias: str, *values: Any) -> list[M]:
        """The queryset's instances for ``values``, read from the database ``alias``."""
        plan, fetched = self._fetch(alias, values)
        if plan.model is None or plan.klass_info is None:
            raise TypeError("rows() gives instances; a values() queryset's are dicts()")
        populators = get_related_populators(plan.klass_info, plan.select, alias)
        found = []
        for row in fetched:
            obj = plan.model.from_db(alias, plan.init_list, row[plan.start : plan.end])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found  # type: ignore[return-value]

    def first(self, alias: str, *values: Any) -> M | None:
        found = self.rows(alias, *values)
        return found[0] if found else None


def run(connection: Any, sql: str, params: Sequence[Any], *, prepared: bool) -> Sequence[Any]:
    """The rows of ``sql``; ``prepared``, on PostgreSQL unless ``MOTCUA_DB_PREPARED=0``, it
    is prepared on the connection and planned once. Only for a statement whose generic plan
    is its custom plan whatever the values (an equality on an index, one range of it): a
    parameter whose value changes the best plan (a LIKE pattern, ranges over units of very
    unequal sizes) must not be prepared."""
    if prepared and _prepares(connection):
        return _run_prepared(connection, sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()  # type: ignore[no-any-return]


def _prepares(connection: Any) -> bool:
    return bool(
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


def _run_prepared(connection: Any, sql: str, params: Sequence[Any]) -> Sequence[Any]:
    try:
        with _preparing_cursor(connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()  # type: ignore[no-any-return]
    except NotSupportedError:
        # "cached plan must not change result type": a migration changed a column this
        # statement reads since this connection prepared it (a deploy). Outside a transaction
        # the connection's prepared statements are dropped (psycopg forgets its own when it
        # sees DEALLOCATE ALL) and the statement is prepared anew.
        if connection.in_atomic_block:
            raise
        with connection.connection.cursor() as forget:
            forget.execute("DEALLOCATE ALL")
        with _preparing_cursor(connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()  # type: ignore[no-any-return]


def _preparing_cursor(connection: Any) -> Any:
    """Django's cursor (its query log, its errors) around a psycopg cursor that binds on the
    server and prepares what it runs: the connection's prepared statements are psycopg's to
    keep (one per statement text and connection, made at its first run)."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_class()(connection.connection))


@functools.cache
def _preparing_class() -> type:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True, **kwargs)

        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            # Kept as psycopg keeps a statement it did not prepare: Django's query log reads
            # the text from there (the query-count tests see these statements too).
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return PreparingCursor
