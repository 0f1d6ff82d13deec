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
        # The ticket, the first rank still waiting, the count of the few ahead; no session, no
        # user; the state is read back only by the check that ran the admission.
        with django_assert_max_num_queries(3):
            assert client.get(url).status_code == 200


def _admission_queries(queue, at) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert services.admit_due(queue, at) > 0
    return len(queries)


def test_the_admission_of_a_second_costs_the_same_whatever_the_number_waiting(crowd):
    queue = crowd[0].queue
    now = timezone.now()
    services.admit_due(queue, now)
    few = _admission_queries(queue, now + timedelta(seconds=2))
    for _ in range(200):
        services.take_ticket(queue=queue, holder=None, at=now)
    many = _admission_queries(queue, now + timedelta(seconds=4))
    # Savepoint, lock the queue, expire (2), pick the next ones, admit them, save the queue,
    # release: 8 alone. (In the whole suite a worker has been seen sending more, the same for
    # both: the count is compared, not pinned.)
    assert few == many
    assert few <= 16


def test_in_a_long_line_the_check_does_not_count_the_people_ahead(
    client, django_assert_max_num_queries
):
    queue = services.general_queue()
    now = timezone.now()
    line = [
        services.take_ticket(queue=queue, holder=None, at=now)
        for _ in range(services.EXACT_UP_TO + 20)
    ]
    url = f"/hang-cho/{line[-1].secret}/"
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url)  # this second's admission has run
        # The ticket, the first rank still waiting: no count that grows with the line.
        with django_assert_max_num_queries(2) as queries:
            page = client.get(url).content.decode()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert "Còn khoảng" in page
