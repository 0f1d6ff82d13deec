"""Celery tasks of the core: deliver outbox messages, run one periodic job.

Both are safe to run twice: the outbox claims a message before sending it, and every periodic
job is idempotent. Tasks are acknowledged after they ran (settings.CELERY_TASK_ACKS_LATE), so a
worker killed mid-task loses nothing.
"""

from __future__ import annotations

from django.utils import timezone

from motcua.celery import app

from . import jobs, outbox


@app.task(name="motcua.core.deliver_outbox_messages")  # type: ignore[untyped-decorator]
def deliver_outbox_messages(message_ids: list[int]) -> list[str | None]:
    """The messages one change queued, sent together (motcua.core.outbox)."""
    return [None if o is None else o.value for o in outbox.deliver_messages(message_ids)]


# The one-message task of earlier versions: tasks queued before an upgrade still run.
@app.task(name="motcua.core.deliver_outbox_message")  # type: ignore[untyped-decorator]
def deliver_outbox_message(message_id: int) -> str | None:
    outcome = outbox.deliver_message(message_id)
    return None if outcome is None else outcome.value


@app.task(name="motcua.core.run_job")  # type: ignore[untyped-decorator]
def run_job(name: str) -> None:
    jobs.run_job(name, timezone.now())
