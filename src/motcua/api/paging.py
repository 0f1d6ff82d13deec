from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def page_of(queryset: QuerySet[Any], *, page: int, page_size: int) -> dict[str, Any]:
    """One page of a list answer, with the total count every list carries."""
    start = (page - 1) * page_size
    return {
        "count": queryset.count(),
        "page": page,
        "page_size": page_size,
        "items": list(queryset[start : start + page_size]),
    }
