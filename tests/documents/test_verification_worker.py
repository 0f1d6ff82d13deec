"""Anonymous verification uploads (the portal's /xac-thuc/ and POST /api/v1/results/verify)
are opened in the bounded worker that opens dossier uploads (dossiers.inspect), never in the
web process; when every worker is taken they are answered 503 at once, in Vietnamese."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.documents import services, verification
from motcua.dossiers.inspect import WORKERS, Inspector, inspector

PDF = one_page_pdf("Giay to")
API = "/api/v1/results/verify"


def _upload(content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile("giay-to.pdf", content, content_type="application/pdf")


def _in_the_web_process(*args, **kwargs):
    raise AssertionError("an anonymous upload was parsed in the web process")


@pytest.fixture
def no_parsing_here(monkeypatch):
    monkeypatch.setattr(services, "verify_pdf", _in_the_web_process)
    monkeypatch.setattr(verification, "verify_pdf", _in_the_web_process)


def test_an_anonymous_upload_is_verified_in_a_worker_process(client, db, no_parsing_here):
    page = client.post(reverse("portal:verify"), {"file": _upload()})
    assert page.status_code == 200 and "Tệp PDF không có chữ ký số" in page.content.decode()
    answer = client.post(API, {"file": _upload()}).json()
    assert answer["verdict"] == "unsigned" and answer["signature"]["problems"]
    garbage = client.post(API, {"file": _upload(b"%PDF-1.7 not really")}).json()
    assert garbage["verdict"] == "malformed"


def test_the_workers_messages_come_back_in_the_visitors_language(client, db, no_parsing_here):
    answer = client.post(API, {"file": _upload()}, headers={"Accept-Language": "en"}).json()
    assert answer["signature"]["problems"] == ["The file has no digital signature."]


def test_when_every_worker_is_taken_an_anonymous_upload_is_answered_503(client, db, monkeypatch):
    monkeypatch.setattr(inspector, "in_flight", WORKERS)
    page = client.post(reverse("portal:verify"), {"file": _upload()})
    assert page.status_code == 503 and int(page["Retry-After"]) > 0
    assert "Hệ thống đang bận kiểm tra các tệp khác" in page.content.decode()
    answer = client.post(API, {"file": _upload()})
    assert answer.status_code == 503 and "Hệ thống đang bận" in answer.json()["detail"]
    assert int(answer["Retry-After"]) > 0
    # A dossier upload still waits its turn: the bound is for anonymous callers only.
    assert inspector.in_flight == WORKERS


def test_a_file_the_worker_cannot_finish_in_time_is_malformed_not_a_crash(client, db, monkeypatch):
    monkeypatch.setattr(services, "inspector", Inspector(seconds=0.001))
    answer = client.post(API, {"file": _upload()}).json()
    assert answer["verdict"] == "malformed"
    assert "quá phức tạp" in answer["signature"]["problems"][0]
    page = client.post(reverse("portal:verify"), {"file": _upload()})
    assert page.status_code == 200 and "quá phức tạp" in page.content.decode()
