"""The inbox answers the bytes ninja would send after validating the page against
DossierPage, though it renders the page without validating it again
(motcua.api.rendering.shaped): same keys, same order, same types, same encoding."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from motcua.api.dossier_schemas import DossierPage
from motcua.api.dossier_views import summary_out
from motcua.api.dossiers import INBOX_COUNT_CAP
from motcua.api.paging import page_of
from motcua.api.urls import api
from motcua.dossiers.selectors import InboxRows
from motcua.dossiers.services import accept_dossier, consult_unit, forward_dossier
from tests.dossiers.world import local

BOXES = ["mine", "pool", "new", "consult", "all"]


def _validated(user, box, page_size):
    """The page as ninja renders a view's dict: validated against the schema, dumped, then
    rendered by the API's renderer."""
    rows = InboxRows.of(user, box)
    page = page_of(rows, page=1, page_size=page_size, count_cap=INBOX_COUNT_CAP)
    data = {**page, "items": [summary_out(user, d) for d in page["items"]]}
    dumped = DossierPage.model_validate(data).model_dump()
    request = RequestFactory().get("/api/v1/inbox")
    return api.renderer.render(request, dumped, response_status=200).encode()


@pytest.mark.parametrize("who", ["receiver", "specialist", "police_specialist"])
def test_every_box_answers_the_bytes_of_its_validated_page(world, as_user, who):
    at = local(2026, 11, 23, 8, 0)
    world.submit(at=at)  # new, no handler, no step due date
    held = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    forwarded = accept_dossier(dossier=world.submit(at=at), officer=world["receiver"], at=at)
    forward_dossier(dossier=forwarded, officer=world["receiver"], at=at)
    consult_unit(dossier=held, officer=world["receiver"], to_agency=world.police, question="?")
    caller = as_user(world[who])
    shown = 0
    for box in BOXES:
        for page_size in (1, 20):
            response = caller.get("/inbox", {"box": box, "page_size": page_size})
            assert response.status_code == 200, response.content
            assert response["Content-Type"] == "application/json; charset=utf-8"
            assert response.content == _validated(world[who], box, page_size), (box, page_size)
            shown += len(json.loads(response.content)["items"])
    assert shown  # the comparison saw rows, not only empty pages
