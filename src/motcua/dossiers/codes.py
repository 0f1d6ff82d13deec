"""Dossier codes: ``<agency electronic ID>-<yyMMdd>-<NNNN>``, unique per agency and day."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from motcua.identity.models import Agency

from .models import DossierCodeSequence


def next_dossier_code(agency: Agency, day: date) -> str:
    """The next code for ``agency`` on ``day``; call inside the transaction that saves the
    dossier, so a rolled-back submission never leaves a code behind in use.

    The counter row is incremented with one UPDATE, which locks it until commit: concurrent
    submissions to one agency queue on that row (PostgreSQL) or on the write lock (SQLite)
    and each gets the next number. A number is never handed out twice.
    """
    sequence = _sequence_row(agency, day)
    DossierCodeSequence.objects.filter(pk=sequence).update(last=F("last") + 1)
    number = DossierCodeSequence.objects.values_list("last", flat=True).get(pk=sequence)
    # Four digits as in every real example; a 10,000th dossier in a day widens, never wraps.
    return f"{agency.electronic_id}-{day:%y%m%d}-{number:04d}"


def _sequence_row(agency: Agency, day: date) -> int:
    found = DossierCodeSequence.objects.filter(agency=agency, day=day).values_list("pk", flat=True)
    if pk := found.first():
        return pk
    try:
        with transaction.atomic():
            return DossierCodeSequence.objects.create(agency=agency, day=day).pk
    except IntegrityError:
        # Another submission created today's row between our read and our insert.
        return found.get()
