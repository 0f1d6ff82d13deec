from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Rows(Protocol):
    """A queryset, or any list that slices and counts like one (the inbox's ``InboxRows``)."""

    def __getitem__(self, item: slice) -> Any: ...

    def count(self) -> int: ...


def page_of(
    queryset: Rows,
    *,
    page: int,
    page_size: int,
    count_cap: int | None = None,
    read: Callable[[Any], list[Any]] = list,
) -> dict[str, Any]:
    """One page of a list answer, with the total count every list carries; with
    ``count_cap``, counting stops past the cap and ``count_capped`` says so. ``read`` turns
    the page's slice into its items (the rows themselves by default)."""
    start = (page - 1) * page_size
    if count_cap is None:
        counted: dict[str, Any] = {"count": queryset.count()}
    else:
        count = queryset[: count_cap + 1].count()
        counted = {"count": min(count, count_cap), "count_capped": count > count_cap}
    return {
        **counted,
        "page": page,
        "page_size": page_size,
        "items": read(queryset[start : start + page_size]),
    }
