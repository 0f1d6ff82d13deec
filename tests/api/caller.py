"""A test client that speaks to the API as one user, with a bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.api.auth import issue_token
from motcua.demo.pdf import one_page_pdf

PDF = one_page_pdf("Giay to")


class ApiCaller:
    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.token = token

    @classmethod
    def for_user(cls, client: Client, user: Any) -> ApiCaller:
        token, _record = issue_token(user=user)
        return cls(client, token)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def post_raw(self, path: str, raw: str) -> Any:
        return self.client.post(
            f"/api/v1{path}", data=raw, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def act(self, code: str, action: str, body: Any = None) -> Any:
        return self.post(f"/dossiers/{code}/actions/{action}", body)

    def upload(
        self, code: str, content: bytes = PDF, name: str = "to-khai.pdf", **fields: Any
    ) -> Any:
        return self.client.post(
            f"/api/v1/dossiers/{code}/files",
            {"file": SimpleUploadedFile(name, content), **fields},
            headers=self.headers,
        )
