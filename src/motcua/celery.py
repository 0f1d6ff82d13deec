"""The Celery application: the outbox and the periodic jobs on Redis (docs/production.md).

`motcua worker` runs the tasks and `motcua beat` sends one ``run_job`` task per registered
periodic job (``motcua.core.jobs.register_job``) at the job's own interval. Celery reads its
settings from Django's, the ``CELERY_*`` names in motcua.settings.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
