"""Django's error views (``handler400`` … ``handler500`` in motcua.urls): under /api/ a JSON
``{"detail": ...}`` in the caller's language, as every other API answer; elsewhere the
portal's pages. Django calls these for what happens outside an API operation: an unknown
/api/v1/ path, a multipart body it cannot parse, an exception no API handler caught."""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from motcua.core.admission import API_PREFIX, database_unavailable
from motcua.portal import views as pages


def _json(status: int, detail: str) -> HttpResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json(400, _("Yêu cầu không hợp lệ: không đọc được nội dung đã gửi."))
    return pages.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json(403, _("Bạn không có quyền thực hiện thao tác này."))
    return pages.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _json(404, _("Không có địa chỉ API này; xem /api/v1/docs."))
    return pages.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if not request.path.startswith(API_PREFIX):
        return pages.server_error(request)
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError):
        return database_unavailable(request, error)
    # Django has logged the traceback already; the caller learns nothing of the code.
    return _json(500, _("Lỗi hệ thống; yêu cầu chưa được xử lý. Vui lòng thử lại sau."))
