"""Who may read an issued document's content.

Whoever holds a document may check it: its code is printed on it, so the public verification
page shows a result, a receipt or a slip given to the applicant to whoever has the code, as
the paper itself would. Two documents are the agency's own, never the applicant's: the
internal control slip (form 04: the officers who handled the dossier and their notes) and a
unit's ledger (form 06: every applicant of a period). Their code opens only the fact that the
document exists, its hash and its signature status; their content (the file, its title,
number, dossier, signer) is for an officer who may see them — of the agency that issued them,
or (form 04) who may open the dossier it is about.
"""

from __future__ import annotations

from typing import Any

from motcua.dossiers.access import officer_scope, visible_dossiers

from .models import IssuedDocument

INTERNAL_KINDS = frozenset({IssuedDocument.Kind.CONTROL, IssuedDocument.Kind.LEDGER})


def is_internal(document: IssuedDocument) -> bool:
    return document.kind in INTERNAL_KINDS


def may_open(user: Any, document: IssuedDocument) -> bool:
    """Whether ``user`` may read ``document``'s content: anyone for what the applicant holds;
    for an internal document, only an officer (or a system administrator) whose units include
    the issuing agency or who may open its dossier. A citizen never, even the applicant."""
    if not is_internal(document):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if not (getattr(user, "is_officer", False) or getattr(user, "is_superuser", False)):
        return False
    if officer_scope(user).covers(document.agency_id):
        return True
    return (
        document.dossier_id is not None
        and visible_dossiers(user).filter(pk=document.dossier_id).exists()
    )
