"""The two doors officers and citizens use, as they meet them: the back office's pages (a
signed-in session) and the API (a bearer token). Shared by the tests that check both doors
offer and refuse the same actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

from motcua.backoffice.dossier_actions import ACTIONS as OFFICE_ACTIONS
from motcua.dossiers.models import Dossier
from motcua.identity.models import User
from tests.api.caller import ApiCaller

SLUG_OF = {str(spec.action): slug for slug, spec in OFFICE_ACTIONS.items()}
ACTION_OF = {slug: action for action, slug in SLUG_OF.items()}


def office_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_caller(user: User) -> ApiCaller:
    return ApiCaller.for_user(Client(), user)


def office_offers(client: Client, dossier: Dossier) -> set[str] | None:
    """The actions the back office's dossier page links to; None when the page is a 404."""
    response = client.get(reverse("backoffice:dossier", args=[dossier.code]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.status_code
    prefix = re.escape(f"/can-bo/ho-so/{dossier.code}/")
    slugs = set(re.findall(prefix + r"([a-z-]+)/\"", response.content.decode()))
    return {ACTION_OF[slug] for slug in slugs if slug in ACTION_OF}


def api_offers(caller: ApiCaller, dossier: Dossier) -> set[str] | None:
    """The ``actions`` the API lists for the dossier; None when it answers 404."""
    response = caller.get(f"/dossiers/{dossier.code}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.json()
    return set(response.json()["actions"])


@dataclass(frozen=True)
class Snapshot:
    """What a refused action must leave as it was."""

    status: int
    handler_id: int | None
    handler_agency_id: int | None
    step_position: int | None
    due_at: Any
    paused_at: Any
    supplement_count: int
    events: int
    files: int
    consultations: int
    payments: int

    @classmethod
    def of(cls, dossier: Dossier) -> Snapshot:
        d = Dossier.objects.get(pk=dossier.pk)
        return cls(
            d.status, d.handler_id, d.handler_agency_id, d.step_position, d.due_at,
            d.paused_at, d.supplement_count, d.events.count(), d.files.count(),
            d.consultations.count(), d.payments.count(),
        )  # fmt: skip


def api_try(user: User, dossier: Dossier, action: str, body: dict[str, Any]) -> Any:
    return api_caller(user).act(dossier.code, action, body)


def office_try(user: User, dossier: Dossier, action: str, data: dict[str, Any]) -> Any:
    url = reverse("backoffice:dossier-action", args=[dossier.code, SLUG_OF[action]])
    return office_client(user).post(url, data)
