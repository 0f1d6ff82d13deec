"""What the catalogue search page costs (issue 18, S5): a fixed number of queries to render,
none while its page is kept for visitors. Speed itself is measured in bench/."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import import_small_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    import_small_catalogue()
    cache.clear()


def test_a_search_is_rendered_with_few_queries_then_served_with_none(
    client, catalogue, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("portal:procedure-list")
    # The fields for the filter, the count, the page of procedures and their variants.
    with django_assert_max_num_queries(4):
        first = client.get(url, {"q": "dang ky khai sinh"})
    assert "Đăng ký khai sinh" in first.content.decode()
    with django_assert_num_queries(0):  # kept for visitors: no database at all
        again = client.get(url, {"q": "dang ky khai sinh"})
    assert again.content == first.content
