"""The API's hot reads (inbox, lookup, my dossiers, one dossier) write nothing and open no
transaction.

On SQLite every transaction takes the database's one write lock at BEGIN (IMMEDIATE, see
settings), so a read inside ``atomic()`` would queue behind each submission, and each
submission behind it: under S8's mixed load (benchmarks) that turns reads into writers. Tests
run inside a transaction, so an ``atomic()`` would show here as a SAVEPOINT.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_dossiers import accepted

WRITES = ("BEGIN", "SAVEPOINT", "INSERT", "UPDATE", "DELETE", "REPLACE")


def statements_of(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(
    "read",
    [
        lambda people, client, code: people["specialist"].get("/inbox", {"box": "pool"}),
        lambda people, client, code: people["specialist"].get("/inbox", {"box": "mine"}),
        lambda people, client, code: people["citizen"].get("/dossiers"),
        lambda people, client, code: people["citizen"].get(f"/dossiers/{code}"),
        lambda people, client, code: client.get(
            "/api/v1/lookup", {"code": code, "contact": "0912345678"}
        ),
    ],
    ids=["inbox-pool", "inbox-mine", "my-dossiers", "one-dossier", "lookup"],
)
def test_a_hot_read_writes_nothing(people, client, monday_morning, read):
    code = accepted(people)
    statements = statements_of(lambda: read(people, client, code))
    writes = [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    assert statements and not writes
