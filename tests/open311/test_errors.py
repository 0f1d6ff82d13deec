"""Under /open311/ every refusal is the specification's error list, never a page."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from motcua.open311.middleware import Open311ErrorsMiddleware

from .helpers import error_list, post, report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/open311/v2/khong-co.json", "application/json; charset=utf-8"),
        ("/open311/v2/khong-co.xml", "text/xml; charset=utf-8"),
        ("/open311/v2/services", "text/xml; charset=utf-8"),
        ("/open311/v3/services.json", "application/json; charset=utf-8"),
    ],
)
def test_an_unknown_resource_is_the_404_error_list(client, path, content_type):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == content_type
    assert error_list(response)[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_method_a_resource_does_not_take_is_the_405_error_list(client, fmt):
    response = client.delete(f"/open311/v2/services.{fmt}")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert error_list(response)[0]["code"] == 405
    assert client.put(f"/open311/v2/requests.{fmt}").status_code == 405


def test_a_post_needs_no_csrf_token_only_its_api_key(city):
    app = Client(enforce_csrf_checks=True)

    response = post(app, **report(city))

    assert response.status_code == 200, response.content


def test_a_page_answered_around_our_views_becomes_the_error_list():
    def overloaded(request):
        page = HttpResponse("<html>Quá tải</html>", status=503, content_type="text/html")
        page["Retry-After"] = "7"
        return page

    request = RequestFactory().get("/open311/v2/requests.json")
    response = Open311ErrorsMiddleware(overloaded)(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert error_list(response)[0]["code"] == 503


def test_elsewhere_the_pages_stay_pages():
    def page(request):
        return HttpResponse("<html></html>", status=404, content_type="text/html")

    response = Open311ErrorsMiddleware(page)(RequestFactory().get("/thu-tuc/x/"))

    assert response["Content-Type"] == "text/html"


def test_an_unexpected_failure_is_the_500_error_list(client, city, monkeypatch):
    from motcua.open311 import answers

    def broken() -> None:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(answers, "services", broken)
    client.raise_request_exception = False

    response = client.get("/open311/v2/services.xml")

    assert response.status_code == 500
    assert error_list(response)[0]["code"] == 500


def test_an_app_may_ask_for_english_errors(client):
    response = client.get("/open311/v2/services/khong-co.json", HTTP_ACCEPT_LANGUAGE="en")

    assert (
        error_list(response)[0]["description"] == "There is no service (service_code) “khong-co”."
    )
    vietnamese = client.get("/open311/v2/services/khong-co.json")
    assert error_list(vietnamese)[0]["description"].startswith("Không có dịch vụ")
