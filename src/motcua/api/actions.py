"""The shape both action families of the API share (dossier actions, feedback actions): one
POST per action at ``<path>/<name>``, each with its own typed body and an ``Idempotency-Key``,
and a 404 listing the actions for any other name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from .auth import bearer
from .errors import ApiError
from .idempotency import KeyHeader, idempotent
from .schemas import ErrorOut


class ActionSpec(Protocol):
    schema: Any
    summary: str


Take = Callable[[HttpRequest, str, str, Any, Any], Any]


def add_action_endpoints(
    router: Router,
    *,
    path: str,
    specs: Mapping[str, ActionSpec],
    take: Take,
    responses: dict[int, Any],
    name: str,
    operation: str,
) -> None:
    """Register ``POST {path}/{action}`` for each of ``specs`` (``take(request, code, action,
    spec, payload)`` performs it) and the 404 for an unknown action. ``name`` prefixes the
    view functions, ``operation`` the OpenAPI operation ids."""

    def endpoint_for(action: str, spec: ActionSpec) -> Callable[..., Any]:
        def endpoint(
            request: HttpRequest, code: str, payload: Any, idempotency_key: str = ""
        ) -> Any:
            def run() -> tuple[int, Any]:
                return 200, take(request, code, action, spec, payload)

            return idempotent(request, idempotency_key, run)

        # Ninja reads the body's type from the annotations; each action has its own.
        endpoint.__annotations__ = {
            "request": HttpRequest, "code": str, "payload": spec.schema,
            "idempotency_key": KeyHeader, "return": Any,
        }  # fmt: skip
        endpoint.__name__ = f"{name}_{action}"
        return endpoint

    for action, spec in specs.items():
        router.add_api_operation(
            f"{path}/{action}",
            ["POST"],
            endpoint_for(action, spec),
            auth=bearer,
            response=responses,
            summary=spec.summary,
            operation_id=f"{operation}_{action}",
        )

    def unknown_action(request: HttpRequest, code: str, action: str) -> Any:
        raise ApiError(
            _("Không có thao tác “%(action)s”. Các thao tác: %(actions)s.")
            % {"action": action[:50], "actions": ", ".join(specs)},
            404,
        )

    router.add_api_operation(
        f"{path}/{{action}}",
        ["POST"],
        unknown_action,
        auth=bearer,
        response={401: ErrorOut, 404: ErrorOut},
        summary="Any other action: 404 with the list of actions",
        operation_id=f"{operation}_unknown",
    )
