"""Under /open311/ a refusal is always the GeoReport v2 error list, never a page: this turns
the pages that parts of the platform answer before or around our views (503 and 429 of the
admission control, Retry-After kept; a CSRF or clickjacking refusal) into that list, in the
format the path's suffix asks for."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .formats import errors, format_of

PREFIX = "/open311/"


def _description(status: int) -> str:
    if status == 429:
        return _("Quá nhiều yêu cầu. Vui lòng thử lại sau.")
    if status == 503:
        return _("Hệ thống đang quá tải. Vui lòng thử lại sau; chưa có gì được lưu.")
    if status >= 500:
        return _("Lỗi hệ thống; yêu cầu chưa được xử lý. Vui lòng thử lại sau.")
    return _("Yêu cầu không được chấp nhận.")


class Open311ErrorsMiddleware:
    """Place it at the top (above the admission control), so that it sees every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(PREFIX)
            and response.status_code >= 400
            and response.get("Content-Type", "").startswith("text/html")
        ):
            answer = errors(format_of(request.path), response.status_code,
                            _description(response.status_code))  # fmt: skip
            for header in ("Retry-After", "Allow", "Cache-Control"):
                if header in response:
                    answer[header] = response[header]
            return answer
        return response
