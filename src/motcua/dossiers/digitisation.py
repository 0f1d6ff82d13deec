"""The dossier's digitisation facts (Decision 766, criteria 4.1–4.3): whether it holds a
component scanned at the desk, a component reused from the citizen's data store, and an
electronic result. Each is set once, in the caller's transaction, and counted in the daily
summary on its day."""

from __future__ import annotations

from django.dispatch import Signal

from .models import Dossier
from .summary import FLAG_COUNTERS, count_flag

FLAGS = tuple(FLAG_COUNTERS)
# Sent (in the caller's transaction) when a flag has just been set: the index judges the
# dossier again (motcua.reporting), as it does after every move.
flag_marked = Signal()


def mark(dossier: Dossier, flag: str) -> None:
    """Set ``flag`` (``has_digitised``, ``has_reused`` or ``has_e_result``) on ``dossier``."""
    if flag not in FLAGS:
        raise ValueError(flag)
    # A conditional update: of two concurrent markers, only the one that flips it counts.
    flipped = Dossier.objects.filter(pk=dossier.pk, **{flag: False}).update(**{flag: True})
    setattr(dossier, flag, True)
    if flipped:
        # Read the moments again now that the update holds the row: an acceptance that
        # committed meanwhile did not see the flag, so it is counted here, not lost.
        dossier.accepted_at, dossier.decided_at = (
            Dossier.objects.filter(pk=dossier.pk).values_list("accepted_at", "decided_at").get()
        )
        count_flag(dossier, flag)
        flag_marked.send(sender=Dossier, dossier=dossier, flag=flag)


ORIGIN_FLAGS = {"scan": "has_digitised", "reused": "has_reused"}


def mark_files(dossier: Dossier, origins: set[str]) -> None:
    """The flags that files of these origins, now in ``dossier``, set."""
    for origin in sorted(origins):
        flag = ORIGIN_FLAGS.get(origin)
        if flag is not None and not getattr(dossier, flag):
            mark(dossier, flag)
