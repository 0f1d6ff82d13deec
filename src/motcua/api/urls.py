from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.core.admission import RateLimited, database_unavailable, refusal

from .auth import Throttled
from .auth import router as auth_router
from .calendar import router as calendar_router
from .catalog import router as catalog_router
from .dossier_actions import router as dossier_actions_router
from .dossiers import router as dossiers_router
from .errors import ApiError
from .evaluations import router as evaluations_router
from .feedback import router as feedback_router
from .feedback_officers import router as feedback_officers_router
from .index import router as index_router
from .payments import router as payments_router
from .plans import router as plans_router
from .reports import router as reports_router
from .results import router as results_router
from .spec import MotCuaApi
from .units import router as units_router

api = MotCuaApi(
    title="Một Cửa API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    description=(
        "Catalogue of administrative procedures, administrative units, the working calendar, "
        "dossiers: submission, files, actions, the officer's inbox and the public lookup; and "
        "feedback (phản ánh, kiến nghị): sending and following it, the agencies' actions and "
        "figures, the published answers; the Decision 766 service-quality index and rankings. "
        "Dossier endpoints take a bearer token from POST /api/v1/auth/token (see docs/api.md)."
    ),
)
api.add_router("/procedures", catalog_router)
api.add_router("/units", units_router)
api.add_router("/calendar", calendar_router)
api.add_router("/auth", auth_router)
api.add_router("", dossiers_router)
api.add_router("", dossier_actions_router)
api.add_router("/reports", reports_router)
api.add_router("", plans_router)
api.add_router("", results_router)
api.add_router("", payments_router)
api.add_router("", evaluations_router)
api.add_router("", index_router)
# The officers' paths (/feedback/inbox, /feedback/figures) before /feedback/{code}.
api.add_router("/feedback", feedback_officers_router)
api.add_router("/feedback", feedback_router)


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


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


# Ninja would answer these 500 with MOTCUA_DEBUG on; the same 429/503 as without it.
@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    return refusal(request, status=429, seconds=error.retry_after, message=error.message)


@api.exception_handler(OperationalError)
def _database_unavailable(request: HttpRequest, error: OperationalError) -> HttpResponse:
    return database_unavailable(request, error)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": _(
                "Cần mã truy cập hợp lệ (Authorization: Bearer <token>); mã có thể đã hết hạn."
            )
        },
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # Ninja's own 4xx (an unparsable body) in the user's language.
    detail = _("Nội dung yêu cầu không phải JSON hợp lệ.") if error.status_code == 400 else None
    return api.create_response(request, {"detail": detail or str(error)}, status=error.status_code)
