"""The audit log seen from the doors: an officer's action through the API, a citizen's
submission (not recorded row by row)."""

from __future__ import annotations

import pytest

from motcua.audit.models import Entry
from tests.api.conftest import as_user, monday_morning, people, world  # noqa: F401
from tests.api.test_dossiers import submitted

pytestmark = pytest.mark.django_db


def test_an_officers_accept_through_the_api_keeps_the_status_before_and_after(
    world,  # noqa: F811
    people,  # noqa: F811
    monday_morning,  # noqa: F811
):
    code = submitted(people)
    after_submission = Entry.objects.order_by("-sequence").values_list("sequence", flat=True)
    first = after_submission.first() or 0
    assert people["receiver"].act(code, "accept").status_code == 200
    changes = Entry.objects.filter(sequence__gt=first, event="record.changed",
                                   target__startswith="dossiers.dossier:")  # fmt: skip
    change = changes.get()
    assert change.detail["before"]["status"] != change.detail["after"]["status"]
    assert change.token_id is not None and change.actor == world.people["receiver"].username


def test_a_citizens_submission_adds_no_row_by_row_entry(people, monday_morning):  # noqa: F811
    last = Entry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    submitted(people)
    assert not Entry.objects.filter(sequence__gt=last).exists()
