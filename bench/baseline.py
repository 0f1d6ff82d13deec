"""Bare Django views doing a scenario's I/O and nothing else: no authentication, forms,
rules, history or templates; raw SQL on the same tables, served by the same server. Each
scenario's throughput is compared with its view's (the "ratio" column)."""

from __future__ import annotations

import functools
import uuid

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.core.text import search_terms
from motcua.dossiers.workflow import CLOSED

BASELINE_TABLE = "bench_dossier"
OPEN_FILTER = f"status NOT IN ({', '.join(str(int(s)) for s in sorted(CLOSED))})"


def _rows(sql: str, params: list[object]) -> list[dict[str, object]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@csrf_exempt
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """S1's baseline: store the uploaded file and insert one dossier-shaped row."""
    upload = request.FILES["file"]
    name = default_storage.save(f"bench/{uuid.uuid4().hex}.pdf", upload)
    code = f"BENCH-{uuid.uuid4().hex[:20]}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(copy_row_sql(), [code, int(request.POST.get("like", "1"))])
    return JsonResponse({"code": code, "file": name}, status=201)


# Each box's bare read: the rows of its main index range, one page soonest due first, and
# its count (capped like the API's). ``all`` reads the units' own dossiers, its largest range.
INBOX_WHERE = {
    "pool": "handler_agency_id = ANY(%s) AND handler_role = %s AND handler_id IS NULL AND {open}",
    "mine": "handler_id = %s AND {open}",
    "new": "status = 1 AND handler_agency_id = ANY(%s)",
    "consult": "{open} AND id IN (SELECT dossier_id FROM dossiers_consultation "
    "WHERE to_agency_id = ANY(%s) AND answered_at IS NULL)",
    "all": "agency_id = ANY(%s)",
}


@require_GET
def inbox(request: HttpRequest) -> JsonResponse:
    """S2's baselines: one box of one officer, soonest due first, one page + capped count;
    ``agency`` (comma-separated units), ``role`` (pool), ``user`` (mine)."""
    box = request.GET.get("box", "pool")
    where = INBOX_WHERE[box].format(open=OPEN_FILTER)
    units = [int(a) for a in request.GET.get("agency", "0").split(",")]
    by_box: dict[str, list[object]] = {
        "pool": [units, request.GET.get("role", "specialist")],
        "mine": [int(request.GET.get("user", "0"))],
    }
    params = by_box.get(box, [units])
    count = _rows(
        f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM dossiers_dossier WHERE {where} "
        "LIMIT 10001) capped",
        params,
    )[0]["n"]
    items = _rows(
        "SELECT code, status, due_at, applicant_name FROM dossiers_dossier "
        f"WHERE {where} ORDER BY due_at ASC NULLS LAST, submitted_at LIMIT 20",
        params,
    )
    return JsonResponse({"count": count, "items": items})


@require_GET
def lookup(request: HttpRequest) -> JsonResponse:
    """S4's baseline: one dossier by code with its procedure's and agency's names."""
    rows = _rows(
        "SELECT d.code, d.status, d.submitted_at, d.due_at, d.returned_at, d.applicant_phone, "
        "v.name AS procedure, a.name AS agency FROM dossiers_dossier d "
        "JOIN catalog_procedureversion v ON v.id = d.version_id "
        "JOIN identity_agency a ON a.id = d.agency_id WHERE d.code = %s",
        [request.GET.get("code", "")],
    )
    if not rows or rows[0].pop("applicant_phone") != request.GET.get("contact"):
        return JsonResponse({"detail": "not found"}, status=404)
    return JsonResponse(rows[0])


@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """S5's baseline: the folded search column, every word, shortest name first, 20 + count."""
    terms = search_terms(request.GET.get("q", ""))
    where = " AND ".join(["search_text LIKE %s"] * len(terms)) or "TRUE"
    params: list[object] = [f"%{t}%" for t in terms]
    count = _rows(f"SELECT COUNT(*) AS n FROM catalog_procedureversion WHERE {where}", params)
    items = _rows(
        f"SELECT id, name FROM catalog_procedureversion WHERE {where} "
        "ORDER BY LENGTH(name), name LIMIT 20",
        params,
    )
    return JsonResponse({"count": count[0]["n"], "items": items})


@require_GET
def report(request: HttpRequest) -> JsonResponse:
    """S3's reference: a unit's month counted straight from the dossiers (what a summary
    table saves)."""
    rows = _rows(
        "SELECT version_id, status, COUNT(*) AS n FROM dossiers_dossier "
        "WHERE agency_id = %s AND submitted_at >= %s AND submitted_at < %s "
        "GROUP BY version_id, status",
        [int(request.GET["agency"]), request.GET["start"], request.GET["end"]],
    )
    return JsonResponse({"rows": len(rows), "total": sum(int(str(r["n"])) for r in rows)})


@functools.cache
def copy_row_sql() -> str:
    """Insert a copy of dossier ``%s`` (its id, second parameter) under code ``%s``."""
    from bench.generate import dossier_columns

    columns, _ = dossier_columns()
    picked = ", ".join("%s" if c == "code" else c for c in columns)
    return (
        f"INSERT INTO {BASELINE_TABLE} ({', '.join(columns)}) "
        f"SELECT {picked} FROM dossiers_dossier WHERE id = %s"
    )


urlpatterns = [
    path("upload", upload),
    path("inbox", inbox),
    path("lookup", lookup),
    path("search", search),
    path("report", report),
]
