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


# --- reads' entries wait for the next holder of the head (issue 18) ---------------------------


def _read(target: str = "report:x") -> None:
    announce("data.exported", target=target, detail={"format": "json"})


def test_a_reads_entry_waits_without_taking_the_chains_head():
    from django.test.utils import CaptureQueriesContext

    from motcua.audit.models import WaitingEntry

    before = ChainHead.objects.get(pk=1).sequence
    with CaptureQueriesContext(connection) as queries:
        _read()
    sent = " ".join(q["sql"] for q in queries.captured_queries)
    assert "audit_head" not in sent and "audit_entry" not in sent and "FOR UPDATE" not in sent
    assert ChainHead.objects.get(pk=1).sequence == before
    waiting = WaitingEntry.objects.get()
    assert (waiting.event, waiting.target, waiting.detail) == (
        "data.exported", "report:x", {"format": "json"}
    )  # fmt: skip


def test_the_next_append_chains_the_waiting_reads_first_as_they_happened():
    from motcua.audit.models import WaitingEntry

    _read("report:a")
    _read("report:b")
    times = list(WaitingEntry.objects.order_by("pk").values_list("recorded_at", flat=True))
    [write] = _append(1)
    newest = list(Entry.objects.order_by("-sequence")[:3])
    assert [e.target for e in reversed(newest)] == ["report:a", "report:b", ""]
    assert [e.recorded_at for e in reversed(newest[1:])] == times  # their own moment, kept
    assert newest[1].hash == write.previous_hash and newest[2].hash == newest[1].previous_hash
    assert not WaitingEntry.objects.exists()
    assert ChainHead.objects.get(pk=1).sequence == write.sequence
    assert verify().intact


def test_the_job_chains_a_backlog_batch_after_batch(monkeypatch):
    from motcua.audit.models import WaitingEntry
    from motcua.core.jobs import registered_jobs

    assert "link_audit_reads" in {job.name for job in registered_jobs()}
    monkeypatch.setattr(chain, "LINK_BATCH", 3)
    for i in range(7):
        _read(f"report:{i}")
    [write] = _append(1)  # an append takes one batch only: its lock stays short
    assert WaitingEntry.objects.count() == 4
    assert chain.link_waiting() == 4
    assert chain.link_waiting() == 0
    chained = Entry.objects.filter(sequence__gte=write.sequence - 3).order_by("sequence")
    assert [e.target for e in chained] == [
        "report:0", "report:1", "report:2", "", "report:3", "report:4", "report:5", "report:6"
    ]  # fmt: skip
    assert ChainHead.objects.get(pk=1).sequence == write.sequence + 4
    assert verify().intact


def test_verify_and_the_log_count_the_reads_still_waiting():
    before = Entry.objects.count()
    _read()
    report = verify()
    assert report.intact and report.entries == before + 1


def test_the_database_refuses_to_change_a_waiting_entry():
    from motcua.audit.models import WaitingEntry

    _read()
    with pytest.raises(DatabaseError), transaction.atomic():
        WaitingEntry.objects.update(target="report:other")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes its write lock at BEGIN already"
)
def test_reads_and_appends_from_many_threads_keep_one_chain_with_every_entry():
    import threading

    from django.db import connections

    first = ChainHead.objects.get(pk=1).sequence

    def work(reads: bool) -> None:
        try:
            for i in range(15):
                if reads:
                    _read(f"report:{threading.get_ident()}:{i}")
                else:
                    chain.append("test.concurrent", actor=chain.SYSTEM)
                    chain.link_waiting()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n % 2 == 0,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    chain.link_waiting()
    events = list(
        Entry.objects.filter(sequence__gt=first)
        .order_by("sequence")
        .values_list("event", "sequence")
    )
    assert [sequence for _, sequence in events] == list(range(first + 1, first + 91))
    assert sum(event == "data.exported" for event, _ in events) == 45
    assert verify().intact
