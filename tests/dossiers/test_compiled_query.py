"""A query compiled once (motcua.core.compiled) gives the ORM's own answer: the same
instances, fields, deferred fields and related objects, for any value, on SQLite and on
PostgreSQL (the suite runs on both), and refuses what it cannot keep."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Procedure
from motcua.core.compiled import Compiled
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import LOOKUP_COLUMNS


def _lookup(code):
    return (
        Dossier.objects.select_related("version__procedure", "agency")
        .only(*LOOKUP_COLUMNS)
        .filter(code=code)
        .order_by()[:1]
    )


def _same(kept, orm):
    assert type(kept) is type(orm) and kept.pk == orm.pk
    assert kept.get_deferred_fields() == orm.get_deferred_fields()
    assert kept._state.db == orm._state.db and not kept._state.adding
    for column in LOOKUP_COLUMNS:
        a, b = kept, orm
        for part in column.split("__"):
            a, b = getattr(a, part), getattr(b, part)
        assert a == b and type(a) is type(b), column
    for related in ("version", "agency"):
        assert Dossier._meta.get_field(related).is_cached(kept), related
    assert kept.version.procedure.code == orm.version.procedure.code


def test_a_compiled_query_gives_the_orms_instances_for_each_value(world):
    first, second = world.submit(), world.submit()
    compiled = Compiled(_lookup, arity=1)
    for dossier in (first, second, first):
        _same(compiled.first("default", dossier.code), _lookup(dossier.code)[0])
    assert compiled.first("default", "no such code") is None
    assert compiled.rows("default", "no such code") == []


def test_it_is_compiled_once_and_sends_one_statement_with_the_value(world):
    dossier = world.submit()
    compiled = Compiled(_lookup, arity=1)
    compiled.first("default", "warm")
    with CaptureQueriesContext(connection) as queries:
        assert compiled.first("default", dossier.code).pk == dossier.pk
    [query] = queries.captured_queries
    assert "ORDER BY" not in query["sql"]
    assert dossier.code in query["sql"]  # the value sent, not the marker compiled with
    assert "motcua-compiled" not in query["sql"]


def test_values_are_sent_as_parameters_never_spliced_into_the_sql(world):
    world.submit()
    compiled = Compiled(_lookup, arity=1)
    assert compiled.first("default", "x' OR '1'='1") is None
    assert compiled.first("default", "%s") is None


def test_it_refuses_what_it_cannot_keep(world):
    with pytest.raises(TypeError):
        Compiled(_lookup, arity=1).first("default")
    unused = Compiled(lambda code: Dossier.objects.all()[:1], arity=1)
    with pytest.raises(ValueError, match="once"):
        unused.first("default", "x")
    prefetching = Compiled(
        lambda code: Dossier.objects.filter(code=code).prefetch_related("files"), 1
    )
    with pytest.raises(ValueError, match="prefetch"):
        prefetching.first("default", "x")


def test_a_compiled_values_query_gives_the_orms_dicts(world):
    from motcua.dossiers.selectors import INBOX_VALUES

    codes = [world.submit().code for _ in range(3)]

    def page(*wanted):
        return Dossier.objects.filter(code__in=wanted).values(*INBOX_VALUES)

    compiled = Compiled(page, arity=3)
    by_code = {row["code"]: row for row in compiled.dicts("default", *codes)}
    assert by_code == {row["code"]: row for row in page(*codes)}
    assert set(by_code) == set(codes)
    with pytest.raises(TypeError, match="dicts"):
        compiled.rows("default", *codes)


def test_an_inner_statement_given_at_each_call_takes_the_markers_place(world):
    from django.db.models.expressions import RawSQL

    from motcua.core.compiled import INNER

    first, second, third = (world.submit() for _ in range(3))
    compiled = Compiled(
        lambda code: (
            Dossier.objects.filter(pk__in=RawSQL(INNER, ())).exclude(code=code).values("id", "code")
        ),
        arity=1,
    )
    inner = ("SELECT id FROM dossiers_dossier WHERE id IN (%s, %s)", [first.pk, second.pk])
    rows = compiled.dicts("default", first.code, inner=inner)
    assert rows == [{"id": second.pk, "code": second.code}]  # the inner's ids, minus the code
    rows = compiled.dicts("default", "none", inner=("SELECT %s", [third.pk]))
    assert rows == [{"id": third.pk, "code": third.code}]
    plain = Compiled(lambda code: Dossier.objects.filter(code=code).values("id"), arity=1)
    with pytest.raises(ValueError, match="INNER"):
        plain.dicts("default", "x", inner=("SELECT 1", []))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_prepared_query_is_planned_once_per_connection_and_gives_the_same_answer(world):
    """Prepared on the server at its first run, then only executed (issue 18); still the
    ORM's instances, still in Django's query log (the query-count tests see it)."""
    first, second = world.submit(), world.submit()
    compiled = Compiled(_lookup, arity=1, prepared=True)

    def prepared_here() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if "dossiers_dossier" in row[0]]

    before = prepared_here()
    with CaptureQueriesContext(connection) as queries:
        for dossier in (first, second, first):
            _same(compiled.first("default", dossier.code), _lookup(dossier.code)[0])
        assert compiled.first("default", "no such code") is None
    assert len([q for q in queries.captured_queries if "LIMIT 1" in q["sql"]]) == 4 + 3
    made = [s for s in prepared_here() if s not in before]
    assert len(made) == 1 and "$1" in made[0]  # one statement, its value a parameter
    compiled.first("default", second.code)
    assert [s for s in prepared_here() if s not in before] == made  # not prepared again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_with_preparing_turned_off_the_statement_goes_as_django_sends_it(world, settings):
    """MOTCUA_DB_PREPARED=0 (a pooler that cannot keep prepared statements): nothing is
    prepared, the answer is the same."""
    dossier = world.submit()
    options = dict(connection.settings_dict["OPTIONS"])
    connection.settings_dict["OPTIONS"] = {**options, "prepare_threshold": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            before = cursor.fetchone()[0]
        compiled = Compiled(_lookup, arity=1, prepared=True)
        _same(compiled.first("default", dossier.code), _lookup(dossier.code)[0])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == before
    finally:
        connection.settings_dict["OPTIONS"] = options


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_column_changed_by_a_migration_since_it_was_prepared_is_read_again(world):
    """A deploy's migration changes a column the prepared statement returns ("cached plan
    must not change result type"): the lookup is prepared anew, never a 500."""
    import psycopg

    dossier = world.submit()
    compiled = Compiled(_lookup, arity=1, prepared=True)
    assert compiled.first("default", dossier.code).pk == dossier.pk  # prepared now
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
        host=settings["HOST"], port=settings["PORT"] or None, autocommit=True,
    )  # fmt: skip
    column = 'ALTER TABLE catalog_procedure ALTER COLUMN "code" TYPE varchar(%s)'
    length = Procedure._meta.get_field("code").max_length
    try:
        other.execute(column % (length + 1))  # as another process's migration would
        assert compiled.first("default", dossier.code).pk == dossier.pk
    finally:
        other.execute(column % length)
        other.close()
