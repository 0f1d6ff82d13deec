from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from .calendar import router as calendar_router
from .catalog import router as catalog_router
from .errors import ApiError
from .units import router as units_router

api = NinjaAPI(
    title="Một Cửa API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    description=(
        "Catalogue of administrative procedures, administrative units and the working calendar."
    ),
)
api.add_router("/procedures", catalog_router)
api.add_router("/units", units_router)
api.add_router("/calendar", calendar_router)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return api.create_response(request, {"detail": error.message}, status=error.status)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    # Keep Ninja's per-field list, and add a sentence a person can read.
    return api.create_response(
        request,
        {"detail": _("Tham số không hợp lệ."), "errors": error.errors},
        status=422,
    )
