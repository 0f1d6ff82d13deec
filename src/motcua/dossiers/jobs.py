"""Periodic jobs of the dossier lifecycle (run in-process by the demo, by Celery beat in
production)."""

from __future__ import annotations

from datetime import timedelta

from motcua.core.jobs import register_job

from .late import mark_late_dossiers, refuse_expired_supplements


def register() -> None:
    register_job("mark_late_dossiers", mark_late_dossiers, every=timedelta(minutes=5))
    register_job(
        "refuse_expired_supplements", refuse_expired_supplements, every=timedelta(minutes=15)
    )
