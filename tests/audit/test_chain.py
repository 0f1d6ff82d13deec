from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from motcua.audit import chain
from motcua.audit.models import ChainHead, Entry
from motcua.audit.verify import verify
from motcua.core.security import announce

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[Entry]:
    return [
        chain.append("test.event", actor=chain.Actor(user_id=7, name="canbo"), detail={"n": i})
        for i in range(n)
    ]


def _triggers_off() -> None:
    """What an attacker with rights on the database does first (undone with the test's
    transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_entry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")


def _kinds(sequence_of: dict[str, int]) -> set[tuple[str, int]]:
    return set(sequence_of.items())


def test_each_entry_links_to_the_one_before_and_the_head_follows():
    first, second = _append(2)
    assert second.sequence == first.sequence + 1
    assert second.previous_hash == first.hash
    assert chain.entry_hash(second) == second.hash
    head = ChainHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (second.sequence, second.hash)


def test_the_hash_survives_the_round_trip_through_the_database():
    (entry,) = _append(1)
    stored = Entry.objects.get(pk=entry.pk)
    assert chain.entry_hash(stored) == stored.hash


def test_the_database_refuses_to_change_an_entry_even_through_the_orm():
    (entry,) = _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(event="hidden")


def test_the_database_refuses_to_delete_an_entry_even_through_the_orm():
    (entry,) = _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()


def test_an_untouched_log_verifies():
    _append(3)
    report = verify()
    assert report.intact, report.problems
    call_command("verify_audit")


def test_it_reports_the_entry_changed_by_hand():
    entries = _append(4)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_entry SET target = 'dossier:other' WHERE sequence = %s",
            [entries[1].sequence],
        )
    problems = verify().problems
    assert [(p.kind, p.sequence) for p in problems] == [("changed", entries[1].sequence)]


def test_it_reports_the_entry_deleted_by_hand():
    entries = _append(4)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_entry WHERE sequence = %s", [entries[2].sequence])
    problems = verify().problems
    assert [(p.kind, p.sequence) for p in problems] == [("deleted", entries[2].sequence)]


def test_it_reports_the_last_entry_deleted_by_hand():
    entries = _append(3)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_entry WHERE sequence = %s", [entries[-1].sequence])
    problems = verify().problems
    assert [(p.kind, p.sequence) for p in problems] == [("deleted", entries[-1].sequence)]


def _forge(sequence: int, previous_hash: str) -> None:
    forged = Entry(
        sequence=sequence, recorded_at=Entry.objects.first().recorded_at, event="signin.succeeded",
        actor="attacker", detail={}, previous_hash=previous_hash,
    )  # fmt: skip
    forged.hash = chain.entry_hash(forged)  # the attacker knows the algorithm
    forged.save(force_insert=True)


def test_it_reports_an_entry_inserted_after_the_head():
    entries = _append(3)
    _forge(entries[-1].sequence + 1, entries[-1].hash)
    problems = verify().problems
    assert [(p.kind, p.sequence) for p in problems] == [("inserted", entries[-1].sequence + 1)]


def test_it_reports_an_entry_inserted_in_place_of_a_deleted_one():
    entries = _append(4)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_entry WHERE sequence = %s", [entries[2].sequence])
    _forge(entries[2].sequence, entries[1].hash)
    problems = verify().problems
    # The forged entry has a valid hash of its own, but the next one does not link to it.
    assert [(p.kind, p.sequence) for p in problems] == [("inserted", entries[2].sequence)]


def test_verify_audit_exits_non_zero_and_names_the_entry():
    entries = _append(2)
    _triggers_off()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_entry SET detail = '{}' WHERE sequence = %s", [entries[0].sequence]
        )
    with pytest.raises(SystemExit) as exit:
        call_command("verify_audit")
    assert exit.value.code == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes its write lock at BEGIN already"
)
def test_appends_from_many_threads_never_fork_the_chain():
    import threading

    from django.db import connections

    first = ChainHead.objects.get(pk=1).sequence

    def append_some() -> None:
        try:
            for _ in range(10):
                chain.append("test.concurrent", actor=chain.SYSTEM)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sequences = list(
        Entry.objects.filter(sequence__gt=first)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(first + 1, first + 41))
    assert verify().intact


def _settings_sent(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "synchronous_commit" in q["sql"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
def test_an_entry_that_records_a_read_commits_without_waiting_for_the_disk():
    from django.test.utils import CaptureQueriesContext

    from motcua.audit.recording import READS

    assert "data.exported" in READS
    with CaptureQueriesContext(connection) as queries:
        announce("data.exported", target="report:x", detail={"format": "json"})
    assert _settings_sent(queries) == ["SET LOCAL synchronous_commit TO OFF"]
    with CaptureQueriesContext(connection) as queries:
        announce("token.revoked", target="user:1", detail={"count": 1})
    assert _settings_sent(queries) == []  # a change waits for the disk, as before
    assert [e.event for e in Entry.objects.order_by("-sequence")[:2]] == [
        "token.revoked", "data.exported"
    ]  # fmt: skip
    assert verify().intact


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_the_callers_commit_decides():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        announce("data.exported", target="report:x")
    assert _settings_sent(queries) == []
