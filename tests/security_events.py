"""The security events a test caused, as (event, user, detail) tuples in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.core.security import security_event


@pytest.fixture
def announced() -> Iterator[list[tuple[str, Any, dict[str, Any]]]]:
    events: list[tuple[str, Any, dict[str, Any]]] = []

    def receive(sender: Any, event: str, user: Any, detail: dict[str, Any], **kw: Any) -> None:
        events.append((event, user, detail))

    security_event.connect(receive, dispatch_uid="tests-announced")
    yield events
    security_event.disconnect(dispatch_uid="tests-announced")


def names(events: list[tuple[str, Any, dict[str, Any]]]) -> list[str]:
    return [event for event, _user, _detail in events]
