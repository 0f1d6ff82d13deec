"""The error answers that any operation may give, declared once in the OpenAPI description
rather than on each route: the door answers them before (or around) the operation's code.

- 400: a body that is not JSON, or a NUL/control character anywhere in the request
  (motcua.core.middleware), on every operation;
- 401: a missing, expired or revoked token, on every operation that takes one;
- 422: a parameter or body that does not match its schema, on every operation with either;
- 503: the server is overloaded or its database out of reach (motcua.core.admission).

Each is an ``ErrorOut`` (``{"detail": ...}``); the 422 of a schema mismatch is a
``ProblemsOut`` (the same, with the fields at fault in ``errors``)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from pydantic import BaseModel

from .dossier_schemas import ProblemsOut
from .schemas import ErrorOut

COMPONENTS = "#/components/schemas/"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": COMPONENTS + model.__name__}}}}


def _add_component(schema: dict[str, Any], model: type[BaseModel]) -> None:
    found = model.model_json_schema(ref_template=COMPONENTS + "{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in found.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault(model.__name__, found)


def _common_errors(operation: dict[str, Any]) -> dict[int, tuple[str, type[BaseModel]]]:
    errors: dict[int, tuple[str, type[BaseModel]]] = {
        400: ("The body is not valid JSON, or the request holds a control character", ErrorOut),
        503: ("Overloaded or the database out of reach; retry after `retry_after` s", ErrorOut),
    }
    if operation.get("security"):
        errors[401] = ("A valid bearer token is needed (it may have expired)", ErrorOut)
    if operation.get("parameters") or operation.get("requestBody"):
        errors[422] = ("A parameter or the body does not match its schema", ProblemsOut)
    return errors


def declare_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error answers to every operation of ``schema`` (an OpenAPI document)
    that does not declare them already."""
    for model in (ErrorOut, ProblemsOut):
        _add_component(schema, model)
    for item in schema.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, model) in _common_errors(operation).items():
                if str(status) not in responses and status not in responses:
                    responses[status] = {"description": description, **_ref(model)}
    return schema


class MotCuaApi(NinjaAPI):
    """NinjaAPI whose published description lists the common error answers."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_common_errors(schema)
        return schema
