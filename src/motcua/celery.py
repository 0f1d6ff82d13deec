"""The Celery application: the outbox and the periodic jobs on Redis (docs/production.md).

`motcua worker` runs the tasks and `motcua beat` sends one ``run_job`` task per registered
periodic job (``motcua.core.jobs.register_job``) at the job's own interval. Celery reads its
settings from Django's, the ``CELERY_*`` names in motcua.settings.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect  # type: ignore[untyped-decorator]
@task_postrun.connect  # type: ignore[untyped-decorator]
def hand_back_connections(task: Any = None, **kwargs: Any) -> None:
    """Around each task, what a request's end does: each database connection goes back to
    Django's pool (``CONN_MAX_AGE`` is 0 with the pool on), or is dropped when it broke (a
    database restart), so the next task takes a sound one. Celery's Django fixup would close
    the pool itself around every task in a prefork child (``CELERY_DB_REUSE_MAX`` puts that
    off; the child still closes the parent's pool when it starts)."""
    if getattr(getattr(task, "request", None), "is_eager", False):
        return  # run in the caller's process, inside its transaction: its connection
    from django.db import close_old_connections

    close_old_connections()


def beat_schedule() -> dict[str, dict[str, object]]:
    """One entry per registered job; a run missed for longer than its interval is dropped,
    since the next one does the same work (every job is idempotent)."""
    from motcua.core.jobs import registered_jobs

    return {
        job.name: {
            "task": "motcua.core.run_job",
            "schedule": job.every,
            "args": (job.name,),
            "options": {"expires": job.every.total_seconds()},
        }
        for job in registered_jobs()
    }
