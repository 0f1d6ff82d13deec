"""Transaction helpers shared by the apps."""

from __future__ import annotations

from django.db import transaction


def commit_without_waiting_for_the_disk() -> None:
    """Inside a transaction: its commit returns before the write-ahead log reaches the disk
    (PostgreSQL's ``synchronous_commit`` off for this transaction only). A crash may lose
    the last fraction of a second of such commits, never half of one, and never one that a
    later durable commit depends on (that commit flushes the log up to itself). For writes
    whose loss is harmless and whose wait would hold a hot lock: an audit entry recording a
    read, a place in the waiting room's general queue. SQLite has no such setting."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
