"""Each request is the acting context of the changes made while serving it, and every refusal
(403 anywhere, 401 from the API) is recorded as ``access.denied``."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponseBase

from .context import acting_request
from .recording import record_denial

logger = logging.getLogger(__name__)


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with acting_request(request):
            response = self.get_response(request)
            if response.status_code == 403 or (
                response.status_code == 401 and request.path.startswith("/api/")
            ):
                try:
                    record_denial(request, response.status_code)
                except DatabaseError:
                    # The refusal stands either way; a log that cannot be written is an
                    # operator's alarm, not a reason to answer 500.
                    logger.exception("Could not record a refused request in the audit log")
        return response
