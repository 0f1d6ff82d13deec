"""Answers rendered without ninja validating them again.

Ninja validates what a view returns against its response schema, then dumps and renders it.
For a list it does so through a wrapper around every field of every row: for a page of 20
inbox rows that was more of the request's CPU than reading the rows (issue 18,
docs/benchmarks.md "Reads, second pass"). A view whose answer is built by code already shaped
like its schema (the same keys in the schema's order, the same types) renders it with
``shaped``: the bytes are those ninja would have sent, and the tests hold them to be
(tests/api/test_inbox_shape.py renders each box both ways and compares). The schema stays on
the route, so the OpenAPI document does not change.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


def shaped(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """``data`` rendered as ninja renders a validated 200 answer (same renderer and encoder)."""
    from .urls import api  # the API mounts the routers that call this

    return api.create_response(request, data, status=200)
