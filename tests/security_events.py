"""The security events a test caused (motcua.core.security), in order: each compares and
unpacks as ``(event, user, detail)`` and also reads by name (``["target"]``, ``["request"]``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.core.security import security_event


class Announcement(tuple):
    fields: dict[str, Any]

    def __new__(cls, **fields: Any) -> Announcement:
        self = super().__new__(cls, (fields["event"], fields["user"], fields["detail"]))
        self.fields = fields
        return self

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        return self.fields[key] if isinstance(key, str) else super().__getitem__(key)


@pytest.fixture
def announced() -> Iterator[list[Announcement]]:
    events: list[Announcement] = []

    def receive(sender: Any, **fields: Any) -> None:
        fields.pop("signal", None)
        events.append(Announcement(**fields))

    security_event.connect(receive, dispatch_uid="tests-announced")
    yield events
    security_event.disconnect(dispatch_uid="tests-announced")


def names(events: list[Announcement]) -> list[str]:
    return [event["event"] for event in events]
