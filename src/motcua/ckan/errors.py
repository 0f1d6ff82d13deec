"""CKAN's refusals: each carries the status and ``__type`` that CKAN's clients turn back into
an exception (ckanapi raises NotFound, ValidationError, NotAuthorized, SearchQueryError)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class ActionError(Exception):
    status = 400
    kind = "Bad Request"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, "message": self.message}


class NotFound(ActionError):
    status = 404
    kind = "Not Found Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Không tìm thấy"))


class NotAuthorized(ActionError):
    status = 403
    kind = "Authorization Error"


class SearchQueryError(ActionError):
    status = 400
    kind = "Search Query Error"


class Invalid(ActionError):
    """409 with a list of messages per field, as CKAN's validation answers."""

    status = 409
    kind = "Validation Error"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.fields = {field: [message]}

    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, "message": self.message, **self.fields}
