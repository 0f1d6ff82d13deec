"""Data at scale for the benchmark: the real demo base, then a mass of generated rows.

The demo base (units, holidays, Hà Nội's agencies, the demo catalogue and accounts) is loaded
through the project's own commands and services, so agencies, officers and procedures are real.
Then this module adds, in bulk and without the ORM's row-by-row saves:

- procedures up to ``--procedures`` in the catalogue, named from the demo catalogue's real
  Vietnamese names with the folded ``search_text`` the search uses;
- citizens who own part of the online dossiers ("my dossiers");
- ``--dossiers`` dossiers with skewed distributions: a few big units get most of them (Zipf
  over agencies), a few procedures dominate (Zipf), most dossiers are closed and the open share
  sits in the last weeks, submitted on working days in office hours over two years, online or
  at the desk, with codes in the real format ``<agency e-ID>-<yyMMdd>-<NNNN>``.

On PostgreSQL the rows go in with COPY after the dossier table's secondary indexes are
dropped; the indexes are rebuilt afterwards, also when the load fails (its rows are rolled
back), and the tables analysed. On SQLite (scenario S8)
the same rows go in with executemany.

Run it through ``bench/run.py``; alone: ``python -m bench.generate --dossiers 50000``.
"""

from __future__ import annotations

import argparse
import bisect
import io
import itertools
import json
import os
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Bump when the generated data changes shape: a cached database of another version is rebuilt.
GENERATOR_VERSION = 4  # 4: every ward's committee gets dossiers all year; index flags
SEED = 20261123
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BIG_UNIT = "00070/peoples_committee"  # Phường Hoàn Kiếm: the demo officers' ward, made the busiest
PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "034", "035", "086")

# Status codes (docs/lifecycle.md): open share of a recent dossier; closed ones of older ones.
OPEN_WEIGHTS = {1: 12, 2: 6, 4: 50, 5: 10, 6: 5, 9: 17}
CLOSED_WEIGHTS = {10: 92, 3: 3, 7: 3, 8: 2}
RECENT_DAYS = 45  # dossiers submitted within this many days are mostly still open
STUCK_OPEN_SHARE = 0.004  # older dossiers still open: the overdue tail an inbox must show
ONLINE_SHARE = 0.62
# Share of dossiers spread evenly over the wards' people's committees, on top of the Zipf draw:
# the ranking of the city's wards (S9) needs every ward with dossiers in every month, which the
# Zipf tail alone does not give at the quick scale.
WARD_FLOOR_SHARE = 0.15
QUALIFIERS = (
    "",
    "",
    "",
    "có yếu tố nước ngoài",
    "cấp lại",
    "điều chỉnh, bổ sung",
    "cho người đại diện",
    "đối với hộ kinh doanh",
    "tại cấp xã",
    "tại cấp tỉnh",
    "trường hợp đặc biệt",
    "lần đầu",
    "cho đồng bào dân tộc thiểu số",
    "liên thông",
    "bằng phương thức điện tử",
    "gia hạn",
)
SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Đào",
    "Mai",
)
MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Thu", "Quốc", "Ngọc", "Thanh", "Hữu", "Xuân")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Đạt",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
)


def dossier_code(electronic_id: str, day: date, number: int) -> str:
    """The real format: ``<agency e-ID>-<yyMMdd>-<NNNN>`` (widens past 9999, never wraps)."""
    return f"{electronic_id}-{day:%y%m%d}-{number:04d}"


def zipf_weights(n: int, s: float) -> list[float]:
    """Weights of ranks 1..n under Zipf's law with exponent ``s`` (rank 1 the heaviest)."""
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


class Picker:
    """Draws items with fixed weights in O(log n) per draw."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> Any:
        x = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, x)]


def working_moments(rng: random.Random, end: datetime, days: int) -> Iterator[datetime]:
    """Endless submission moments: a working day within ``days`` before ``end`` (Monday to
    Friday, a little more recent than old), at a time in office hours, in Hà Nội time."""
    start = end - timedelta(days=days)
    while True:
        # Volumes grow over time: later days are a little more likely.
        offset = days * (rng.random() ** 0.85)
        day = (start + timedelta(days=offset)).date()
        if day.weekday() >= 5 or day >= end.date():
            continue
        minute = rng.choice((rng.randint(8 * 60, 12 * 60 - 1), rng.randint(13 * 60, 17 * 60 - 1)))
        yield datetime(
            day.year,
            day.month,
            day.day,
            minute // 60,
            minute % 60,
            rng.randint(0, 59),
            tzinfo=HANOI,
        )


@dataclass
class Unit:
    id: int
    electronic_id: str
    specialists: list[int] = field(default_factory=list)
    # The unit's habits (0-1), so units score differently on the index: how often it finishes
    # late, and how much of its work is digitised, reused and returned electronically.
    lateness: float = 0.1
    digital: float = 0.5


@dataclass
class Variant:
    version_id: int
    variant_id: int
    days: int  # time limit in calendar days (approximation of its working days)


@dataclass
class Plan:
    """Everything the generator draws from; filled from the database by ``load_plan``."""

    units: list[Unit]
    variants: list[Variant]
    citizens: list[int]
    now: datetime
    wards: list[Unit] = field(default_factory=list)  # the wards' people's committees


class DossierRows:
    """Generated dossier rows as dicts of column -> value; codes unique per agency and day."""

    def __init__(self, plan: Plan, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.plan = plan
        # Big units get much more: Zipf over agencies, the demo's busiest ward first.
        self.unit = Picker(plan.units, zipf_weights(len(plan.units), 0.9))
        # A few procedures dominate.
        self.variant = Picker(plan.variants, zipf_weights(len(plan.variants), 1.1))
        self.ward = Picker(plan.wards, [1.0] * len(plan.wards)) if plan.wards else None
        self.moments = working_moments(self.rng, plan.now, 730)
        self.sequence: dict[tuple[int, date], int] = {}
        self.open_status = Picker(list(OPEN_WEIGHTS), list(OPEN_WEIGHTS.values()))
        self.closed_status = Picker(list(CLOSED_WEIGHTS), list(CLOSED_WEIGHTS.values()))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            yield self.row()

    def _status(self, submitted: datetime) -> int:
        recent = (self.plan.now - submitted).days < RECENT_DAYS
        is_open = self.rng.random() < (0.75 if recent else STUCK_OPEN_SHARE)
        return int((self.open_status if is_open else self.closed_status)(self.rng))

    def row(self) -> dict[str, Any]:
        rng = self.rng
        floor = self.ward is not None and rng.random() < WARD_FLOOR_SHARE
        unit: Unit = (self.ward if floor and self.ward else self.unit)(rng)
        variant: Variant = self.variant(rng)
        submitted = next(self.moments)
        day = submitted.date()
        number = self.sequence.get((unit.id, day), 0) + 1
        self.sequence[(unit.id, day)] = number
        status = self._status(submitted)
        online = rng.random() < ONLINE_SHARE
        accepted = submitted + timedelta(minutes=rng.randint(5, 60 * 24)) if status != 1 else None
        due = (accepted or submitted) + timedelta(days=variant.days)
        closed = status in CLOSED_WEIGHTS
        row: dict[str, Any] = {
            "code": dossier_code(unit.electronic_id, day, number),
            "version_id": variant.version_id,
            "variant_id": variant.variant_id,
            "agency_id": unit.id,
            "channel": 2 if online else 1,
            "status": status,
            "applicant_id": rng.choice(self.plan.citizens)
            if online and self.plan.citizens and rng.random() < 0.7
            else None,
            "applicant_name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            "applicant_id_number": f"0{rng.randint(1, 96):02d}{rng.randint(0, 3)}"
            f"{rng.randint(40, 99):02d}{rng.randint(0, 999999):06d}",
            "applicant_phone": f"{rng.choice(PHONE_PREFIXES)}{rng.randint(0, 9999999):07d}",
            "submitted_at": submitted,
            "accepted_at": accepted,
            "counting_from": accepted,
            "due_at": due if status != 1 else None,
            "original_due_at": due if status != 1 else None,
            "updated_at": submitted,
            "result_delivery": "online" if online and rng.random() < 0.3 else "desk",
            "applicant_verified": online and rng.random() < 0.9,
            "has_digitised": rng.random() < unit.digital,
            "has_reused": rng.random() < unit.digital * 0.4,
        }
        if closed:
            late = rng.random() < unit.lateness
            finish = rng.randint(1, 6) if late else rng.randint(-variant.days, 0)
            finished = min(due + timedelta(days=finish), self.plan.now)
            finished = max(finished, submitted + timedelta(hours=1))
            row.update(closed_at=finished, updated_at=finished)
            if status == 10:
                row.update(
                    decided_at=finished - timedelta(hours=4),
                    returned_at=finished,
                    outcome="approved" if rng.random() < 0.97 else "rejected",
                    has_e_result=rng.random() < unit.digital,
                )
        else:
            row.update(self._holder(unit, status, due))
        return row

    def _holder(self, unit: Unit, status: int, due: datetime) -> dict[str, Any]:
        """Who holds an open dossier: the desk's pool when new, else a specialist of the unit
        (or the specialists' pool until one claims it); overdue ones are marked."""
        rng = self.rng
        holder: dict[str, Any] = {"handler_agency_id": unit.id, "step_position": 1}
        if status == 1:
            holder["handler_role"] = "receiver"
        else:
            holder["handler_role"] = "specialist"
            if unit.specialists and rng.random() < 0.4:
                holder["handler_id"] = rng.choice(unit.specialists)
            if status == 5:
                holder["paused_at"] = due - timedelta(days=2)
                holder["supplement_deadline"] = self.plan.now + timedelta(days=rng.randint(1, 5))
                holder["supplement_count"] = 1
            if status == 9:
                holder["decided_at"] = due - timedelta(days=1)
                holder["outcome"] = "approved"
        if status != 9 and due < self.plan.now:
            holder["late_mark"] = "overdue"
        elif status != 9 and due < self.plan.now + timedelta(days=2):
            holder["late_mark"] = "due_soon"
        return holder


# ---------------------------------------------------------------------------------------------
# Database side (needs Django set up)


def load_base(stdout: Any) -> None:
    """The real demo base through the project's own commands and services, without serving."""
    from django.core.management import call_command

    from motcua.demo.services import create_demo_accounts, load_demo_agencies, load_demo_catalogue

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_units", stdout=stdout)
    call_command("seed_holidays", stdout=stdout)
    load_demo_agencies()
    load_demo_catalogue()
    create_demo_accounts()


def procedure_names(base: Sequence[str], count: int, rng: random.Random) -> list[str]:
    """``count`` distinct procedure names made from the real names and qualifiers."""
    names: list[str] = []
    seen = set(base)
    for i in itertools.count():
        if len(names) >= count:
            break
        qualifier = rng.choice(QUALIFIERS) or f"(mẫu {i + 1})"
        name = f"{rng.choice(base)} {qualifier}".strip()
        if name in seen:
            name = f"{name} - {i + 1}"
        seen.add(name)
        names.append(name)
    return names


def add_procedures(total: int) -> int:
    """Grow the catalogue to ``total`` procedures in force (each with one variant)."""
    from django.db import transaction

    from motcua.catalog.models import Procedure, ProcedureVariant, ProcedureVersion
    from motcua.core.text import fold

    existing = list(ProcedureVersion.objects.select_related("field"))
    missing = total - Procedure.objects.count()
    if missing <= 0 or not existing:
        return 0
    rng = random.Random(SEED)
    names = procedure_names([v.name for v in existing], missing, rng)
    with transaction.atomic():
        procedures = Procedure.objects.bulk_create(
            Procedure(code=f"9.{i + 1:06d}") for i in range(missing)
        )
        versions = []
        for procedure, name in zip(procedures, names, strict=True):
            model = rng.choice(existing)
            versions.append(
                ProcedureVersion(
                    procedure=procedure,
                    number=1,
                    effective_from=date(2025, 7, 1),
                    name=name,
                    search_text=fold(f"{procedure.code} {name} {model.field.name}"),
                    field=model.field,
                    levels=model.levels,
                    online_level=model.online_level,
                    applicant_types=model.applicant_types,
                    implementing_agency=model.implementing_agency,
                    summary=model.summary,
                    content_hash=f"bench-{procedure.code}",
                )
            )
        versions = ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
        ProcedureVariant.objects.bulk_create(
            (
                ProcedureVariant(
                    version=v,
                    code="mac-dinh",
                    name="Mặc định",
                    time_limit=rng.choice((3, 5, 7, 10, 15, 20)),
                    time_unit="working_days",
                )
                for v in versions
            ),
            batch_size=1000,
        )
    return missing


def add_citizens(count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from motcua.identity.models import User

    rng = random.Random(SEED + 1)
    password = make_password(None)  # unusable: these accounts only own dossiers
    users = User.objects.bulk_create(
        (
            User(
                username=f"bench.citizen.{i}",
                kind=User.Kind.CITIZEN,
                password=password,
                full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            )
            for i in range(count)
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    del users
    return list(
        User.objects.filter(username__startswith="bench.citizen.").values_list("pk", flat=True)
    )


def load_plan(citizens: list[int], now: datetime) -> Plan:
    from motcua.catalog.models import ProcedureVariant
    from motcua.demo.accounts import find_agency
    from motcua.identity.models import Agency, OfficerRole, UnitLevel

    big = find_agency(BIG_UNIT).pk
    specialists: dict[int, list[int]] = {}
    for user_id, agency_id in OfficerRole.objects.filter(role="specialist").values_list(
        "user_id", "agency_id"
    ):
        specialists.setdefault(agency_id, []).append(user_id)
    agencies = sorted(Agency.objects.values_list("pk", "electronic_id"), key=lambda a: a[1])
    random.Random(SEED).shuffle(agencies)
    agencies.sort(key=lambda a: a[0] != big)  # the busiest first
    habits = random.Random(SEED + 2)
    units = [
        Unit(pk, eid, specialists.get(pk, []), habits.uniform(0.02, 0.3), habits.uniform(0.1, 0.9))
        for pk, eid in agencies
    ]
    committees = set(
        Agency.objects.filter(
            kind=Agency.Kind.PEOPLES_COMMITTEE, unit__level=UnitLevel.COMMUNE
        ).values_list("pk", flat=True)
    )
    # Real demo procedures first (lowest ids): they get the Zipf head, generated ones the tail.
    variants = [
        Variant(version, variant, max(1, round(float(limit) * 1.4)))
        for version, variant, limit in ProcedureVariant.objects.order_by(
            "version_id", "position"
        ).values_list("version_id", "id", "time_limit")
    ]
    seen: set[int] = set()
    variants = [v for v in variants if not (v.version_id in seen or seen.add(v.version_id))]
    wards = [u for u in units if u.id in committees]
    return Plan(units=units, variants=variants, citizens=citizens, now=now, wards=wards)


def dossier_columns() -> tuple[list[str], dict[str, Any]]:
    """The dossier table's columns (read from the model, so new columns are filled with their
    defaults) and each column's default value."""
    from motcua.dossiers.models import Dossier

    columns, defaults = [], {}
    for f in Dossier._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        value = f.get_default() if f.has_default() else (None if f.null else "")
        defaults[f.column] = json.dumps(value) if f.get_internal_type() == "JSONField" else value
    return columns, defaults


def insert_dossiers(count: int, plan: Plan, report: Any) -> None:
    from django.db import connection, transaction

    columns, defaults = dossier_columns()
    rows = (
        tuple(row.get(c, defaults[c]) for c in columns)
        for row in itertools.islice(DossierRows(plan), count)
    )
    if connection.vendor == "postgresql":
        _copy_postgresql(columns, rows, count, report)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO dossiers_dossier ({', '.join(columns)}) VALUES ({placeholders})"
    # Only date-times need the backend's conversion (UTC text); the rest goes in as it is.
    adapt = connection.ops.adapt_datetimefield_value
    kinds = {f.column: f.get_internal_type() for f in _dossier_fields()}
    timed = [i for i, c in enumerate(columns) if kinds[c] == "DateTimeField"]
    with transaction.atomic(), connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, 5000)):
            converted = []
            for row in batch:
                values = list(row)
                for i in timed:
                    values[i] = adapt(values[i])
                converted.append(values)
            cursor.executemany(sql, converted)


def _dossier_fields() -> list[Any]:
    from motcua.dossiers.models import Dossier

    return list(Dossier._meta.concrete_fields)


def _copy_postgresql(
    columns: list[str], rows: Iterator[tuple[Any, ...]], count: int, report: Any
) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dossiers_dossier' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        secondary = cursor.fetchall()
        for name, _ in secondary:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    raw = connection.connection
    step = max(count // 10, 1)
    try:
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY dossiers_dossier ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for i, row in enumerate(rows, start=1):
                copy.write_row(row)
                if i % step == 0:
                    report(f"  {i:,} dossiers copied")
        raw.commit()
    except BaseException:
        raw.rollback()  # nothing of the failed load stays …
        raise
    finally:
        # … and the table gets back every index dropped for it, load or no load: without them
        # each query of the next run would read the whole table, and nothing would say why.
        started = time.monotonic()
        with connection.cursor() as cursor:
            for _, definition in secondary:
                cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        report(f"  {len(secondary)} indexes rebuilt in {time.monotonic() - started:.0f} s")


def finish(report: Any, index: bool = True) -> dict[str, Any]:
    """Statistics for the planner, then the per-unit summary and the Decision 766 index by
    their real rebuild paths (``rebuild_summary``, ``rebuild_index``) when the project has
    them; returns how long each took and the index's rows."""
    from django.core.management import call_command, get_commands
    from django.db import connection

    timings: dict[str, Any] = {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if "rebuild_summary" in get_commands():
        started = time.monotonic()
        call_command("rebuild_summary")
        timings["summary_s"] = round(time.monotonic() - started, 1)
        report(f"  summary rebuilt in {timings['summary_s']:.0f} s")
    else:
        report("  no rebuild_summary command in this version: the summary is not built")
    if not index:
        report("  the index is not built (--no-index)")
    elif "rebuild_index" in get_commands():
        timings.update(rebuild_index())
        report(
            f"  index rebuilt in {timings['index_s']:.0f} s: {timings['index_facts']:,} "
            f"dossiers judged, {timings['index_days']:,} unit-day rows"
        )
    else:
        report("  no rebuild_index command in this version: the index is not built")
    return timings


def rebuild_index() -> dict[str, Any]:
    """``motcua rebuild_index`` (reporting.facts.rebuild, every dossier judged again), timed,
    then the tables it wrote analysed; its rows counted."""
    from django.core.management import call_command
    from django.db import connection

    from motcua.reporting.models import DossierFact, IndexDay, ProcedureMonth

    started = time.monotonic()
    call_command("rebuild_index", stdout=io.StringIO())
    seconds = time.monotonic() - started
    tables = [m._meta.db_table for m in (DossierFact, IndexDay, ProcedureMonth)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return {
        "index_s": round(seconds, 1),
        "index_facts": DossierFact.objects.count(),
        "index_days": IndexDay.objects.count(),
        "index_months": ProcedureMonth.objects.count(),
    }


def generate(
    dossiers: int, procedures: int, citizens: int, report: Any = print, index: bool = True
) -> dict[str, Any]:
    import sys

    from django.db import connection
    from django.utils import timezone

    timings: dict[str, Any] = {}
    started = time.monotonic()
    load_base(sys.stdout)
    timings["base_s"] = round(time.monotonic() - started, 1)
    mark = time.monotonic()
    report(f"  {add_procedures(procedures)} procedures added")
    owners = add_citizens(citizens)
    now = timezone.now().astimezone(HANOI).replace(hour=0, minute=0, second=0, microsecond=0)
    plan = load_plan(owners, now)
    insert_dossiers(dossiers, plan, report)
    timings["mass_s"] = round(time.monotonic() - mark, 1)
    mark = time.monotonic()
    timings.update(finish(report, index))
    timings["analyse_s"] = round(time.monotonic() - mark, 1)
    timings["total_s"] = round(time.monotonic() - started, 1)
    timings["vendor"] = connection.vendor
    return timings


def refresh() -> dict[str, Any]:
    """A cached database: when this checkout brings migrations, apply them (new indexes are
    then built on the full table), analyse and rebuild the summary and the index; otherwise
    only analyse (the summary and the index were kept up to date by the earlier runs' own
    moves, and their rebuilds over 5 million dossiers take most of an hour). An index left
    empty by an interrupted run is rebuilt."""
    from django.core.management import call_command, get_commands
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    started = time.monotonic()
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", interactive=False, verbosity=0)
    found: dict[str, Any] = {}
    if pending:
        found = finish(print)
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if "rebuild_index" in get_commands():
            from motcua.reporting.models import DossierFact

            if not DossierFact.objects.exists():
                found = rebuild_index()
    return {"refresh_s": round(time.monotonic() - started, 1), "migrated": len(pending), **found}


def main(argv: list[str] | None = None) -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--procedures", type=int, default=700)
    parser.add_argument("--citizens", type=int, default=2_000)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="Only bring a generated database up to this version: migrate, analyse, summary",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="Leave the Decision 766 index unbuilt (S8's SQLite file: no scenario reads it)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    timings = (
        refresh()
        if args.refresh
        else generate(args.dossiers, args.procedures, args.citizens, index=not args.no_index)
    )
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
