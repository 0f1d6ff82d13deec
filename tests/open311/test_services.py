"""Discovery, the service list and the service definitions, in JSON and XML."""

from __future__ import annotations

import pytest

from motcua.feedback.models import Topic

from .helpers import error_list, get, xml

pytestmark = pytest.mark.django_db


def test_discovery_names_this_endpoint_and_both_formats(client, city, settings):
    settings.PUBLIC_URL = "https://motcua.example.vn"

    data = get(client, "discovery.json").json()
    root = xml(get(client, "discovery.xml"))

    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://motcua.example.vn/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert data["changeset"].endswith("+07:00")
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "https://motcua.example.vn/open311/v2/"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json",
    ]  # fmt: skip


def test_the_services_are_the_active_open311_topics_in_json_and_xml(client, city):
    Topic.objects.create(code="o311-cu", name="Đã ngừng", on_open311=True, is_active=False)
    Topic.objects.create(code="o311-cong", name="Chỉ trên cổng", on_open311=False)

    services = {s["service_code"]: s for s in get(client, "services.json").json()}
    root = xml(get(client, "services.xml"))

    assert services["o311-o-ga"] == {
        "service_code": "o311-o-ga", "service_name": "Ổ gà trên đường",
        "description": "Mặt đường hư hỏng, ổ gà.", "metadata": True, "type": "realtime",
        "keywords": "ổ gà, mặt đường", "group": "Hạ tầng",
    }  # fmt: skip
    assert services["o311-den"]["metadata"] is False
    assert "o311-cu" not in services and "o311-cong" not in services
    assert root.tag == "services"
    by_code = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(by_code) == set(services)
    assert by_code["o311-o-ga"].findtext("metadata") == "true"
    assert by_code["o311-den"].findtext("metadata") == "false"
    assert by_code["o311-o-ga"].findtext("service_name") == "Ổ gà trên đường"


def test_a_service_definition_gives_each_attribute_with_its_values(client, city):
    data = get(client, "services/o311-o-ga.json", jurisdiction_id="hanoi.gov.vn").json()
    root = xml(get(client, "services/o311-o-ga.xml"))

    assert data["service_code"] == "o311-o-ga"
    first = data["attributes"][0]
    assert first == {
        "variable": True, "code": "muc_do", "datatype": "singlevaluelist", "required": True,
        "datatype_description": None, "order": 1, "description": "Mức độ hư hỏng",
        "values": [{"key": "nhe", "name": "Nhẹ"}, {"key": "nang", "name": "Nguy hiểm"}],
    }  # fmt: skip
    assert [a["code"] for a in data["attributes"]] == ["muc_do", "ward", "vat_can", "rong", "luu_y"]
    assert data["attributes"][4]["variable"] is False
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("code") == "muc_do"
    assert attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["nhe", "nang"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_the_404_error_list(client, city, fmt):
    response = get(client, f"services/khong-co.{fmt}")

    assert response.status_code == 404
    [error] = error_list(response)
    assert error["code"] == 404 and "khong-co" in error["description"]


def test_the_catalogue_of_services_may_be_cached_but_requests_may_not(client, city):
    assert "no-store" not in get(client, "services.json").get("Cache-Control", "")
    assert "no-store" not in get(client, "discovery.xml").get("Cache-Control", "")
    assert "no-store" in get(client, "requests.json")["Cache-Control"]
