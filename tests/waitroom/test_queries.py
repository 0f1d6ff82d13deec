"""The ticket check is what thousands do at once: its queries are counted here so that they
cannot grow (speed itself is measured in bench/, never in tests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from motcua.waitroom import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd():
    queue = services.general_queue()
    now = timezone.now()
    return [services.take_ticket(queue=queue, holder=None, at=now) for _ in range(50)]


def test_a_ticket_page_costs_three_queries_between_admissions(
    client, crowd, django_assert_max_num_queries
):
    url = f"/hang-cho/{crowd[-1].secret}/"
    with time_machine.travel(timezone.now(), tick=False):  # both checks in the same second
        client.get(url)  # this second's admission has run
        # The ticket, its state read back, the count of people ahead; no session, no user.
        with django_assert_max_num_queries(3):
            assert client.get(url).status_code == 200


def test_the_admission_of_a_second_is_a_handful_of_queries(crowd, django_assert_max_num_queries):
    queue = crowd[0].queue
    services.admit_due(queue, timezone.now())
    # Savepoint, lock the queue, expire (2), pick the next ones, admit them, save the queue,
    # release: whatever the number waiting.
    with django_assert_max_num_queries(8):
        assert services.admit_due(queue, timezone.now() + timedelta(seconds=2)) > 0
