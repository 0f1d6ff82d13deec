"""Two Open311 clients somebody else wrote, over real HTTP against our own server:
``georeport`` (PyPI; reads services, definitions and requests in JSON and XML) and
``civicbot`` (PyPI; its Open311Client posts a form-encoded request; its transport raises
HttpError with the body of a refusal)."""

from __future__ import annotations

import json

import pytest

georeport = pytest.importorskip("georeport")
civicbot_open311 = pytest.importorskip("civicbot.open311")
civicbot_http = pytest.importorskip("civicbot.http")
civicbot_registry = pytest.importorskip("civicbot.registry")

from motcua.feedback.models import FeedbackItem  # noqa: E402
from motcua.feedback.selectors import inbox  # noqa: E402
from motcua.identity.models import Agency, OfficerRole, User  # noqa: E402

from .conftest import City  # noqa: E402


@pytest.fixture
def endpoint(site: str) -> str:
    return f"{site}/open311/v2"


def _poster(endpoint: str) -> object:
    """civicbot's client, with its politeness delay off (it is our own server)."""
    where = civicbot_registry.Endpoint(id="motcua", name="Một Cửa", base_url=endpoint, write=True)
    transport = civicbot_http.HttpTransport(rate_limiter=civicbot_http.RateLimiter(min_interval=0))
    return civicbot_open311.Open311Client(
        where, transport=transport, jurisdiction_id="hanoi.gov.vn"
    )


def _officer_of(agency: Agency) -> User:
    user = User.objects.create_user(f"canbo.{agency.pk}", kind=User.Kind.OFFICER)
    OfficerRole.objects.create(user=user, role=OfficerRole.Role.SPECIALIST, agency=agency)
    return user


def test_a_client_reads_the_services_in_json_and_in_xml(endpoint, city: City):
    as_json = georeport.GeoReport(endpoint, jurisdiction="hanoi.gov.vn", output_format="json")
    as_xml = georeport.GeoReport(endpoint, jurisdiction="hanoi.gov.vn", output_format="xml")

    from_json = {s["service_code"]: s for s in as_json.get_service_list()}
    from_xml = {s["service_code"]: s for s in as_xml.get_service_list()}
    definition = as_xml.get_service_definition("o311-o-ga")

    assert {"o311-o-ga", "o311-den"} <= set(from_json)
    assert set(from_json) == set(from_xml)
    assert from_xml["o311-o-ga"]["service_name"] == from_json["o311-o-ga"]["service_name"]
    assert from_xml["o311-o-ga"]["metadata"] == "true"
    codes = [a["code"] for a in definition["attributes"]["attribute"]]
    assert codes[:2] == ["muc_do", "ward"]


def test_a_request_posted_by_a_client_reaches_the_ward_s_inbox_and_reads_back(endpoint, city: City):
    poster = _poster(endpoint)

    sent = poster.create_request(
        "o311-o-ga", dry_run=False, confirm="SEND", api_key=city.key, validate_remote=True,
        lat=21.0342, lng=105.8533, description="Cây đổ chắn ngang đường Hàng Bạc",
        attributes={"muc_do": "nang"},
        media_url=["https://anh.example.vn/1.jpg", "https://anh.example.vn/2.jpg"],
    )  # fmt: skip

    [created] = sent.response
    item = FeedbackItem.objects.get(code=created["service_request_id"])
    assert (item.ward, item.agency) == (city.other_ward, city.other_agency)
    assert list(inbox(_officer_of(city.other_agency))) == [item]
    assert list(inbox(_officer_of(city.agency))) == []
    assert item.media_urls == ["https://anh.example.vn/1.jpg", "https://anh.example.vn/2.jpg"]
    reader = georeport.GeoReport(endpoint, output_format="xml")
    read = reader.get_service_request(item.code)
    assert (read["service_request_id"], read["status"]) == (item.code, "open")
    listed = georeport.GeoReport(endpoint).get_service_requests(service_request_id=item.code)
    assert listed[0]["agency_responsible"] == city.other_agency.name


def _refusal(endpoint: str, form: dict[str, str]) -> tuple[int, list[dict[str, object]]]:
    transport = civicbot_http.HttpTransport(rate_limiter=civicbot_http.RateLimiter(min_interval=0))
    with pytest.raises(civicbot_http.HttpError) as refused:
        transport.post_form(f"{endpoint}/requests.json", form)
    return refused.value.status, json.loads(refused.value.body)


def test_a_bad_api_key_and_a_missing_location_get_the_specification_s_errors(endpoint, city):
    poster = _poster(endpoint)
    good = poster.build_request("o311-o-ga", lat=21.03, lng=105.85, api_key=city.key,
                                attributes={"muc_do": "nhe"}).form  # fmt: skip

    status, errors = _refusal(endpoint, {**good, "api_key": "khoa-gia-khoa-gia-khoa-gia-00"})
    assert status == 403 and errors[0]["code"] == 403

    # civicbot itself refuses to build a request without a location; its transport sends one.
    unplaced = {k: v for k, v in good.items() if k not in ("lat", "long")}
    status, errors = _refusal(endpoint, unplaced)
    assert status == 400 and errors[0]["code"] == 400
    assert "address_string" in str(errors[0]["description"])
    assert not FeedbackItem.objects.exists()
