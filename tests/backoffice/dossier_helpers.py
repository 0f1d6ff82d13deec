"""Shared by the back-office dossier tests: the lifecycle world with the second factor off,
and short ways to open a page or take an action as one officer."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import accept_dossier
from tests.dossiers.world import World, build_world, local

MONDAY_8 = local(2026, 11, 23, 8, 0)
PDF = one_page_pdf("Giay to")


def make_world(settings: Any) -> World:
    """Each test module's ``world`` fixture calls this (with ``db``)."""
    settings.OFFICER_2FA_REQUIRED = False
    return build_world()


def travel(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def page(code: str) -> str:
    return reverse("backoffice:dossier", args=[code])


def action_url(code: str, slug: str) -> str:
    return reverse("backoffice:dossier-action", args=[code, slug])


def slip_url(code: str, number: str) -> str:
    return reverse("backoffice:dossier-slip", args=[code, number])


def act(client: Client, dossier: Dossier, slug: str, data: dict[str, Any] | None = None):
    return client.post(action_url(dossier.code, slug), data or {})


def accepted(world: World, code: str = "1.000001", at: datetime | None = None) -> Dossier:
    at = at or MONDAY_8
    dossier = world.submit(code, at=at)
    return accept_dossier(dossier=dossier, officer=world["receiver"], at=at)


def text(response) -> str:
    """The page as people read it: tags dropped, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)
