"""The printable slips (forms 01–05): the logic lives in ``motcua.documents.slips`` so the PDF
renderer can use it too; the back office keeps importing it from here."""

from __future__ import annotations

from motcua.documents.slips import KINDS, Slip, SlipKind, available, slip

__all__ = ["KINDS", "Slip", "SlipKind", "available", "slip"]
