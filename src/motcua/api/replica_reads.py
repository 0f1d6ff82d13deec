"""``@replica_reads`` for an API operation (core/replicas.py decides what it means).

Ninja's ``decorate_view`` wraps the whole run, whose errors are already answers by then; the
marking must wrap the operation's own function, inside Ninja's handling, so that a replica
failing mid-way makes the read run again on the primary instead of a 503.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from motcua.core import replicas

F = TypeVar("F")


def replica_reads(function: F) -> F:
    """Place it under ``@router.get(...)``."""

    def mark(operation: Operation) -> None:
        view: Any = operation.view_func
        operation.view_func = replicas.replica_reads(view)

    contribute_operation_callback(function, mark)  # type: ignore[arg-type]
    return function
