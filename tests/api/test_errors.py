"""Every error under /api/v1/ is JSON ``{"detail": ...}`` with a status the OpenAPI
description lists, including those Django answers outside an operation."""

import pytest

from motcua.api.urls import api

from .test_dossiers import submitted

pytestmark = pytest.mark.django_db


def test_an_id_beyond_64_bits_is_a_422_not_a_crash(people, monday_morning):
    code = submitted(people)
    response = people["citizen"].act(code, "supplement", {"file_ids": [2**64]})
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_reused_paper_beyond_64_bits_is_a_422(people, monday_morning):
    code = submitted(people)
    response = people["citizen"].post(f"/dossiers/{code}/files/reuse", {"source": 2**70})
    assert response.status_code == 422


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_broken_multipart_body_is_a_json_400(client):
    response = client.post(
        "/api/v1/results/verify", data=b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_server_error_is_json_without_the_code(client, monkeypatch):
    def broken(code):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("motcua.api.catalog.procedure_in_force", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/procedures/1.000001")
    assert response.status_code == 500
    assert "secret" not in response.content.decode()
    assert response.json()["detail"]


def test_pages_outside_the_api_keep_their_html_error_pages(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_operation_declares_the_common_errors_once_centrally():
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"400", "503"} <= codes, (method, path)
            if operation.get("security"):
                assert "401" in codes, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in codes, (method, path)
    assert "ErrorOut" in schema["components"]["schemas"]
