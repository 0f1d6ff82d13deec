"""Under CKAN's addresses (``/api/3/action/``, ``/api/action/``) a refusal is always CKAN's
answer, never the platform's ``{"detail": …}``: the admission control's 503 and 429 (with
``Retry-After`` kept), the 400 for a NUL byte, a 404 or 500 from Django's handlers. CKAN's
clients read the envelope ``{"help", "success": false, "error": {"__type", "message"}}``
(ckanapi raises NotFound for a "Not Found Error"); a 400 is CKAN's bare string."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .views import answer, bad_request, help_url

PATH = re.compile(r"^/api/(?:3/)?action/(?P<name>[^/]*)")
# The error types CKAN's clients know stay theirs; the others are named after the status.
KINDS = {
    403: "Authorization Error",
    404: "Not Found Error",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def _description(status: int) -> str:
    if status == 429:
        return _("Quá nhiều yêu cầu. Vui lòng thử lại sau.")
    if status == 503:
        return _("Hệ thống đang quá tải. Vui lòng thử lại sau; chưa có gì được lưu.")
    if status == 404:
        return _("Không có địa chỉ này trong API CKAN; xem /api/3/action/help_show.")
    if status >= 500:
        return _("Lỗi hệ thống; yêu cầu chưa được xử lý. Vui lòng thử lại sau.")
    return _("Yêu cầu không được chấp nhận.")


def _ours(response: HttpResponse) -> tuple[bool, str]:
    """Whether the answer is already CKAN's (the action view's), and the platform's message
    when it is a ``{"detail": …}``."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return False, ""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False, ""
    if isinstance(body, str) or (isinstance(body, dict) and "success" in body):
        return True, ""
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return False, body["detail"]
    return False, ""


class CkanErrorsMiddleware:
    """Place it at the top (above the NUL-byte refusal and the admission control), so that
    it sees every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        found = PATH.match(request.path)
        if found is None or response.status_code < 400 or response.streaming:
            return response
        ours, message = _ours(response)
        if ours:
            return response
        status = response.status_code
        # The admission control's words say how long to wait; Django's 404 points elsewhere.
        if status not in (400, 429, 503) or not message:
            message = _description(status)
        if status == 400:
            replaced = bad_request(message)
        else:
            error: dict[str, Any] = {"__type": KINDS.get(status, "Error"), "message": message}
            if str(response.get("Retry-After", "")).isdigit():
                error["retry_after"] = int(response["Retry-After"])
            body = {"help": help_url(found["name"] or "help_show"), "success": False,
                    "error": error}  # fmt: skip
            replaced = answer(status, body)
        for header in ("Retry-After", "Allow", "Cache-Control"):
            if header in response:
                replaced[header] = response[header]
        return replaced
