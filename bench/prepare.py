"""Per-run setup inside the database under test, through the project's own services: fresh
applicant accounts with API tokens, an officer's token (issued directly, not via TOTP),
sample codes for the lookup, a valid submission, the baseline table; printed as JSON.

``python -m bench.prepare setup RUN_ID '{"s1": 16}'`` and ``python -m bench.prepare burst
'[ids]'`` (the burst's check); Django settings from the environment.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BIG_UNIT_PROCEDURE = "1.001193"  # birth registration, the busiest ward's commonest procedure
OFFICER = "chuyenvien.hoankiem"
# Who reads each inbox box (S2-<box>): the ward's specialist (what they hold, the pool),
# its one-stop desk officer (new dossiers and everything, over the desk's two units) and the
# ward police's specialist (the opinions asked of the police).
INBOX_OFFICERS = {
    "mine": OFFICER,
    "pool": OFFICER,
    "new": "motcua.hoankiem",
    "consult": "chuyenvien.conganhoankiem",
    "all": "motcua.hoankiem",
}
CONSULTATIONS = 40  # opinions open at the ward police, asked by the ward's specialists
SEARCHES = (
    "dang ky khai sinh",
    "khai sinh",
    "chung thuc ban sao",
    "ho kinh doanh",
    "tam tru",
    "giay phep xay dung",
    "dang ky ket hon",
    "xac nhan tinh trang hon nhan",
    "ly lich tu phap",
    "bao hiem y te",
    "cai chinh ho tich",
    "Đăng ký thường trú",
    "đất đai",
    "cap lai",
    "trợ cấp xã hội",
    "chuyen truong",
)


def _free_phone(rng: random.Random) -> str:
    """A phone number no account has: a reused database holds every earlier run's accounts
    (and the generated citizens), and the number is unique per account."""
    from motcua.identity.models import User

    while True:
        phone = f"09{rng.randint(0, 99_999_999):08d}"
        if not User.objects.filter(phone=phone).exists():
            return phone


def applicants(run_id: str, count: int) -> list[dict[str, Any]]:
    from motcua.api.auth import issue_token
    from motcua.demo import people
    from motcua.identity.models import AdministrativeUnit, User

    rng = random.Random(run_id)
    home = AdministrativeUnit.objects.filter(code="00070").first()
    out = []
    for i in range(count):
        person = people.person(rng)
        user = User.objects.create(
            username=f"bench.{run_id}.{i}",
            kind=User.Kind.CITIZEN,
            full_name=person.name,
            phone=_free_phone(rng),
            email=f"bench.{run_id}.{i}@example.vn",
            national_id=person.id_number,
            date_of_birth=person.birth,
            address_unit=home,
            address_street="Số 1 phố Hàng Bài",
            identity_verified=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        token, _ = issue_token(user=user)
        out.append({"id": user.pk, "token": token, "name": person.name})
    return out


def submission(rng: random.Random) -> dict[str, Any]:
    from motcua.catalog.models import ProcedureVersion
    from motcua.demo import people
    from motcua.demo.accounts import find_agency
    from motcua.demo.answers import Context, build_answers

    agency = find_agency("00070/peoples_committee")
    version = ProcedureVersion.objects.in_force().get(procedure__code=BIG_UNIT_PROCEDURE)
    context = Context(
        rng=rng,
        today=date.today(),
        applicant=people.person(rng),
        agency_name=agency.name,
        procedure_name=version.name,
    )
    return {
        "procedure": BIG_UNIT_PROCEDURE,
        "variant": version.variants.order_by("position").first().code,
        "unit": agency.electronic_id,
        "data": build_answers(version.form_schema, context),
        "result_delivery": "desk",
    }


def lookups(rng: random.Random, count: int) -> list[list[str]]:
    from django.db.models import Max, Min

    from motcua.dossiers.models import Dossier

    bounds = Dossier.objects.aggregate(low=Min("id"), high=Max("id"))
    ids = {rng.randint(bounds["low"], bounds["high"]) for _ in range(count)}
    rows = Dossier.objects.filter(pk__in=ids).exclude(applicant_phone="")
    return [[code, phone] for code, phone in rows.values_list("code", "applicant_phone")]


PGBENCH_TABLE = "bench_pgbench"


def baseline_tables() -> None:
    """Empty copies of the dossier table (with its indexes on PostgreSQL) for the baselines'
    inserts."""
    from django.db import connection

    from bench.baseline import BASELINE_TABLE

    with connection.cursor() as cursor:
        for table in (BASELINE_TABLE, PGBENCH_TABLE):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (LIKE dossiers_dossier INCLUDING ALL)"
                )
            else:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM dossiers_dossier WHERE 0"
                )


def pgbench_sql() -> dict[str, Any]:
    """pgbench's two statements and the id range they draw from."""
    from django.db.models import Max, Min

    from bench.generate import dossier_columns
    from motcua.dossiers.models import Dossier

    columns, _ = dossier_columns()
    picked = ", ".join("'P' || md5(random()::text)" if c == "code" else c for c in columns)
    bounds = Dossier.objects.aggregate(low=Min("id"), high=Max("id"))
    return {
        "insert": f"INSERT INTO {PGBENCH_TABLE} ({', '.join(columns)}) "
        f"SELECT {picked} FROM dossiers_dossier WHERE id = :id;",
        "lookup": "SELECT code, status, submitted_at, due_at, returned_at, applicant_phone "
        "FROM dossiers_dossier WHERE id = :id;",
        "low": bounds["low"],
        "high": bounds["high"],
    }


def burst_check(ids: list[int]) -> dict[str, Any]:
    """The server's idempotency records and every dossier of the burst's applicants."""
    from motcua.dossiers.models import Dossier, IdempotencyRecord

    records = IdempotencyRecord.objects.filter(user_id__in=ids).values_list("key", "dossier__code")
    codes = Dossier.objects.filter(applicant_id__in=ids).values_list("code", flat=True)
    return {"keys": dict(records), "codes": list(codes)}


def room_tickets(since: str, stamps: list[str]) -> dict[str, Any]:
    """The general queue's tickets taken since ``since`` (ISO time): code, arrival sequence,
    state and admission time, for S6-room's check against what its visitors saw; with
    ``stamp`` for those made from one of ``stamps`` (nginx's, held by the visitors) and
    ``secret`` for those whose secret is one of them (a redirect to the ticket's page)."""
    from motcua.waitroom.arrivals import secret_of
    from motcua.waitroom.models import GENERAL_SLUG, Ticket

    rows = Ticket.objects.filter(queue__slug=GENERAL_SLUG, taken_at__gte=since).order_by("sequence")
    fields = ("code", "sequence", "state", "admitted_at", "taken_at")
    stamp_of = {secret_of(stamp): stamp for stamp in stamps}
    secrets_held = set(stamps)  # the visitors' tickets' secrets, from their redirects
    return {
        "tickets": [
            {
                **dict(zip(fields, row[:-1], strict=True)),
                "stamp": stamp_of.get(row[-1], ""),
                "secret": row[-1] if row[-1] in secrets_held else "",
            }
            for row in rows.values_list(*fields, "secret")
        ]
    }


def open_consultations(count: int) -> int:
    """Ensure ``count`` opinions asked of the ward police are open (the generated data has
    none), through the service the back office uses; returns how many are open."""
    from motcua.demo.accounts import find_agency
    from motcua.dossiers.models import IS_OPEN, Consultation, Dossier
    from motcua.dossiers.services import NotPermitted, WorkflowError, consult_unit

    police = find_agency("00070/police")
    open_now = Consultation.objects.filter(to_agency=police, answered_at__isnull=True).count()
    held = Dossier.objects.filter(
        IS_OPEN, handler__isnull=False, handler_agency=find_agency("00070/peoples_committee")
    ).exclude(consultations__to_agency=police)
    for dossier in held.select_related("handler").order_by("pk")[: max(count - open_now, 0) * 5]:
        if open_now >= count or dossier.handler is None:
            break
        try:
            consult_unit(
                dossier=dossier,
                officer=dossier.handler,
                to_agency=police,
                question="Đề nghị xác minh nơi cư trú của người nộp.",
            )
            open_now += 1
        except (WorkflowError, NotPermitted):
            continue  # a step that asks no opinion
    return open_now


def inbox_readers() -> dict[str, Any]:
    """A token per box (S2-<box>) and what its bare view needs: the officer and units."""
    from motcua.api.auth import issue_token
    from motcua.dossiers.access import officer_scope
    from motcua.identity.models import User

    out = {}
    for box, username in INBOX_OFFICERS.items():
        user = User.objects.get(username=username)
        token, _ = issue_token(user=user)
        units = sorted(officer_scope(user).agency_ids)
        out[box] = {"token": token, "user_id": user.pk, "agencies": units}
    return out


def prepare(run_id: str, counts: dict[str, int]) -> dict[str, Any]:
    from django.utils import timezone

    from motcua.api.auth import issue_token
    from motcua.demo.accounts import find_agency
    from motcua.dossiers.models import Dossier
    from motcua.identity.models import User

    rng = random.Random(run_id)
    baseline_tables()
    officer = User.objects.get(username=OFFICER)
    token, _ = issue_token(user=officer)
    agency = find_agency("00070/peoples_committee")
    first_of_month = timezone.localdate().replace(day=1)
    last_month = (first_of_month - timedelta(days=1)).replace(day=1)
    sample = Dossier.objects.order_by("pk").values_list("pk", flat=True).first()
    return {
        "applicants": {group: applicants(f"{run_id}.{group}", n) for group, n in counts.items()},
        "officer": {"token": token, "agency_id": agency.pk, "agency": agency.electronic_id},
        "consultations": open_consultations(CONSULTATIONS),
        "inbox": inbox_readers(),
        "submission": submission(rng),
        "lookups": lookups(rng, 3000),
        "searches": list(SEARCHES),
        "report": {
            "agency": agency.electronic_id,
            "agency_id": agency.pk,
            "month": f"{last_month:%Y-%m}",
            "start": last_month.isoformat(),
            "end": first_of_month.isoformat(),
        },
        "like_id": sample,
        "pgbench": pgbench_sql() if _is_postgresql() else None,
    }


def _is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    if sys.argv[1] == "setup":
        out = prepare(sys.argv[2], json.loads(sys.argv[3]))
    elif sys.argv[1] == "room":
        stamps = Path(sys.argv[3]).read_text().split() if len(sys.argv) > 3 else []
        out = room_tickets(sys.argv[2], stamps)
    else:
        out = burst_check(json.loads(sys.argv[2]))
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
