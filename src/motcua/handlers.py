"""Django's error views (``handler400`` … ``handler500`` in motcua.urls): under /api/ a JSON
``{"detail": ...}`` in the caller's language, as every other API answer; under /open311/ the
GeoReport v2 error list in the format the path's suffix asks for (XML unless ``.json``);
elsewhere the portal's pages. Django calls these for what happens outside an API operation:
an unknown /api/v1/ path, a multipart body it cannot parse, an exception no API handler
caught."""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from motcua.core.admission import API_PREFIX, database_unavailable
from motcua.open311.formats import errors as open311_errors
from motcua.open311.formats import format_of
from motcua.portal import views as pages

OPEN311_PREFIX = "/open311/"


def _json(status: int, detail: str) -> HttpResponse:
    return JsonResponse({"detail": detail}, status=status)


def _open311(request: HttpRequest, status: int, description: str) -> HttpResponse | None:
    if not request.path.startswith(OPEN311_PREFIX):
        return None
    return open311_errors(format_of(request.path), status, description)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("Yêu cầu không hợp lệ: không đọc được nội dung đã gửi.")
    if answer := _open311(request, 400, message):
        return answer
    if request.path.startswith(API_PREFIX):
        return _json(400, _("Yêu cầu không hợp lệ: không đọc được nội dung đã gửi."))
    return pages.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if answer := _open311(request, 403, _("Bạn không có quyền thực hiện thao tác này.")):
        return answer
    if request.path.startswith(API_PREFIX):
        return _json(403, _("Bạn không có quyền thực hiện thao tác này."))
    return pages.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("Không có tài nguyên Open311 này; xem /open311/v2/discovery.xml.")
    if answer := _open311(request, 404, message):
        return answer
    if request.path.startswith(API_PREFIX):
        return _json(404, _("Không có địa chỉ API này; xem /api/v1/docs."))
    return pages.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    machine = request.path.startswith((API_PREFIX, OPEN311_PREFIX))
    if machine and isinstance(error, OperationalError):
        # 503 with Retry-After (open311.middleware gives it the Open311 form).
        return database_unavailable(request, error)
    message = _("Lỗi hệ thống; yêu cầu chưa được xử lý. Vui lòng thử lại sau.")
    if answer := _open311(request, 500, message):
        return answer
    if not request.path.startswith(API_PREFIX):
        return pages.server_error(request)
    # Django has logged the traceback already; the caller learns nothing of the code.
    return _json(500, message)
