"""The invitation to evaluate printed on the receipt (form 01) and sent with the result: the
token's public address and its QR code. The code opens a page that says "not yet" until the
dossier is decided, so the paper the applicant keeps from day one carries it."""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.utils.translation import gettext as _

from motcua.core.public_urls import evaluation_url
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action

from .services import evaluation_token


@dataclass(frozen=True)
class Invitation:
    url: str
    qr: str  # an SVG data URI: sharp in print, allowed by the pages' CSP (img-src data:)


def invitation_url(dossier: Dossier) -> str:
    return evaluation_url(evaluation_token(dossier))


def invitation(dossier: Dossier) -> Invitation:
    """The address and its QR code, for a printed slip."""
    url = invitation_url(dossier)
    # The same drawing as the signed documents' verification QR (documents.render).
    qr = str(segno.make(url, error="m").svg_data_uri(border=2, dark="#000", light="#fff"))
    return Invitation(url=url, qr=qr)


def result_message_addition(dossier: Dossier, action: str) -> str:
    """The line the decision and return notifications end with (dossiers.notify's registry)."""
    if action not in (Action.DECIDE, Action.RETURN_RESULT):
        return ""
    # The address only: no QR code is drawn for a text message.
    return _("Đánh giá mức độ hài lòng: %(url)s") % {"url": invitation_url(dossier)}
