"""The pass (motcua.waitroom.passes): read from the cookie alone, it must never answer 500 for
a cookie a client made up, and it ends when the admitted ticket's pass time ends, however
often the holder goes in again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.waitroom import passes, services
from motcua.waitroom.models import TicketState
from tests.dossiers.world import local

NOON = local(2026, 12, 7, 12, 0)


def _request_with(cookies: dict[str, str]):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    return request


def _pass_of(response: HttpResponse, queue_id: int) -> dict[str, str]:
    name = passes.cookie_name(queue_id)
    return {name: response.cookies[name].value}


@pytest.mark.parametrize("suffix", ["²", "٣", "9" * 5000])
def test_a_made_up_cookie_name_is_no_pass_and_no_error(suffix):
    # "²".isdigit() is True but int("²") raises; so does a 5,000-digit number.
    request = _request_with({passes.COOKIE_PREFIX + suffix: "x"})
    assert passes.holds_any_pass(request) is False


@pytest.mark.django_db
def test_going_in_again_late_does_not_lengthen_the_pass(settings):
    settings.WAITROOM_PASS_MINUTES = 15
    queue = services.general_queue()
    with time_machine.travel(NOON, tick=False):
        ticket = services.take_ticket(queue=queue, holder=None, at=NOON)
    services.admit_due(queue, NOON)
    services.admit_due(queue, NOON + timedelta(seconds=1))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ADMITTED
    late = ticket.admitted_at + timedelta(minutes=14)
    with time_machine.travel(late, tick=False):
        assert services.enter(ticket, late)
        response = HttpResponse()
        passes.give_pass(response, ticket)  # a refresh of the "vào" link, 14 minutes on
        assert response.cookies[passes.cookie_name(queue.pk)]["max-age"] <= 60
        cookie = _pass_of(response, queue.pk)
        assert passes.holds_pass(_request_with(cookie), queue.pk)
    with time_machine.travel(ticket.admitted_at + timedelta(minutes=16), tick=False):
        assert not passes.holds_pass(_request_with(cookie), queue.pk)
        assert not passes.holds_any_pass(_request_with(cookie))


@pytest.mark.django_db
def test_a_pass_taken_by_an_account_lets_in_that_account_only(world):
    from motcua.identity.models import User

    holder, other = (
        User.objects.create_user(username=name, password="x", kind=User.Kind.CITIZEN)
        for name in ("nguoi-giu-luot", "nguoi-khac")
    )
    queue = services.general_queue()
    ticket = services.take_ticket(queue=queue, holder=holder)
    services.admit_due(queue)
    ticket.refresh_from_db()
    response = HttpResponse()
    passes.give_pass(response, ticket)
    copied = _request_with(_pass_of(response, queue.pk))
    assert passes.holds_pass(copied, queue.pk, person=holder)
    assert not passes.holds_pass(copied, queue.pk, person=other)
    # Before the sign-in is known (the room's middleware), the pass alone is read.
    assert passes.holds_any_pass(copied)
