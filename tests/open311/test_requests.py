"""POST requests: a report becomes a feedback item of the right ward; GET requests,
requests/{id}, tokens/{token} and the updates extension read it back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from motcua.feedback.models import FeedbackEvent, FeedbackItem, ItemChannel, ItemStatus, Topic
from motcua.feedback.services import submit_feedback

from .helpers import error_list, get, post, report, xml

pytestmark = pytest.mark.django_db

NOW = "2026-12-07T09:00:00+07:00"
LIGHTS = {"attribute[muc_do]": None}  # the street-light service asks nothing more


def _only_item() -> FeedbackItem:
    [item] = FeedbackItem.objects.filter(channel=ItemChannel.OPEN311)
    return item


def _close(item: FeedbackItem, status: str, **fields: object) -> None:
    """An officer's decision, as the feedback services record it (their own tests cover them)."""
    before = item.status
    FeedbackItem.objects.filter(pk=item.pk).update(status=status, closed_at=timezone.now(),
                                                   **fields)  # fmt: skip
    FeedbackEvent.objects.create(item=item, action=FeedbackEvent.Action.ANSWER,
                                 from_status=before, to_status=status)  # fmt: skip


# POST requests -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_report_becomes_an_item_in_the_inbox_of_the_ward_it_names(client, city):
    response = post(client, **report(city, **{"attribute[ward]": city.other_ward.code}))

    assert response.status_code == 200, response.content
    item = _only_item()
    [created] = response.json()
    assert created["service_request_id"] == item.code
    assert "token" not in created
    assert timezone.localtime(item.answer_by).strftime("%d/%m/%Y") in created["service_notice"]
    assert (item.ward, item.agency) == (city.other_ward, city.other_agency)
    assert item.topic == city.pothole and item.partner == city.partner
    assert item.status == ItemStatus.RECEIVED
    assert item.attributes == {"muc_do": "nang", "ward": city.other_ward.code}
    assert item.title == "Ổ gà sâu trước số 12 Hàng Khay"
    assert (item.sender_name, item.sender_email) == ("Nguyễn Văn An", "an@example.vn")
    assert str(item.latitude) == "21.028810"


def test_address_id_names_the_ward(client, city):
    fields = report(city, lat=None, long=None, address_id=city.other_ward.code)

    assert post(client, **fields).status_code == 200
    assert _only_item().agency == city.other_agency


def test_a_position_alone_goes_to_the_ward_of_the_nearest_reference_point(client, city):
    near_the_second = report(city, lat="21.034000", long="105.853000")

    assert post(client, **near_the_second).status_code == 200
    assert _only_item().ward == city.other_ward


def test_the_answer_in_xml_is_the_specification_s(client, city):
    root = xml(post(client, "xml", **report(city, account_id="tk-42")))

    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == _only_item().code
    assert root.findtext("request/account_id") == "tk-42"
    assert root.findtext("request/service_notice")


@pytest.mark.parametrize("key", [None, "", "khoa-sai-khoa-sai-khoa-sai-0000"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_wrong_api_key_is_403_and_saves_nothing(client, city, key, fmt):
    response = post(client, fmt, **report(city, api_key=key))

    assert response.status_code == 403
    [error] = error_list(response)
    assert error["code"] == 403 and "api_key" in error["description"]
    assert not FeedbackItem.objects.exists()


def test_a_revoked_app_is_refused(client, city):
    city.partner.is_active = False
    city.partner.save()

    assert post(client, **report(city)).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_report_without_a_location_is_400(client, city, fmt):
    response = post(client, fmt, **report(city, lat=None, long=None, address_string=None))

    assert response.status_code == 400
    [error] = error_list(response)
    assert "lat" in error["description"] and "address_string" in error["description"]
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"long": None}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"long": "abc"}, "long"),
        ({"lat": None, "long": None}, "phường"),  # an address in words cannot be placed
        ({"address_id": "99999"}, "99999"),
        ({"attribute[muc_do]": None}, "attribute[muc_do]"),
        ({"attribute[muc_do]": "vua"}, "vua"),
        ({"attribute[muc_do]": ["nhe", "nang"]}, "một giá trị"),
        ({"attribute[vat_can][]": ["da", "lua"]}, "lua"),
        ({"attribute[rong]": "rộng"}, "số"),
        ({"attribute[mau]": "đỏ"}, "mau"),
        ({"description": "x" * 4001}, "4.000"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"phone": "12"}, ""),
    ],
)
def test_what_the_specification_or_the_service_forbids_is_400(client, city, fields, words):
    response = post(client, **report(city, **fields))

    assert response.status_code == 400, response.content
    [error] = error_list(response)
    assert error["code"] == 400 and words in error["description"]
    assert not FeedbackItem.objects.exists()


def test_a_service_that_is_not_offered_is_404(client, city):
    Topic.objects.filter(code="quy-dinh").update(on_open311=False)

    for code in ("khong-co", "quy-dinh"):
        response = post(client, **report(city, service_code=code))
        assert response.status_code == 404
    assert post(client, **report(city, service_code="")).status_code == 400


def test_several_photos_and_a_multivalue_answer_are_kept(client, city):
    photos = ["https://anh.example.vn/1.jpg", "https://anh.example.vn/2.jpg"]

    response = post(
        client, **report(city, media_url=photos, **{"attribute[vat_can][]": ["da", "nuoc"]})
    )

    assert response.status_code == 200
    item = _only_item()
    assert item.media_urls == photos
    assert item.attributes["vat_can"] == ["da", "nuoc"]


# GET requests --------------------------------------------------------------------------------


@pytest.fixture
def sent(client, city) -> FeedbackItem:
    photos = ["https://anh.example.vn/1.jpg", "https://anh.example.vn/2.jpg"]
    with time_machine.travel(NOW, tick=False):
        assert post(client, **report(city, media_url=photos)).status_code == 200
    return _only_item()


@time_machine.travel("2026-12-08T10:00:00+07:00", tick=False)
def test_a_request_reads_back_with_its_answers_photos_agency_and_deadline(client, city, sent):
    [data] = get(client, f"requests/{sent.code}.json").json()
    root = xml(get(client, f"requests/{sent.code}.xml"))

    assert data["service_request_id"] == sent.code
    assert (data["status"], data["service_code"]) == ("open", "o311-o-ga")
    assert data["agency_responsible"] == "Ủy ban nhân dân Phường Hoàn Kiếm"
    assert data["requested_datetime"] == "2026-12-07T09:00:00+07:00"
    assert data["expected_datetime"].endswith("+07:00")
    assert data["expected_datetime"] == timezone.localtime(sent.answer_by).isoformat()
    assert (data["lat"], data["long"]) == (21.02881, 105.85209)
    assert data["address_id"] == city.ward.code
    assert data["media_url"] == "https://anh.example.vn/1.jpg"
    assert data["media_urls"] == ["https://anh.example.vn/1.jpg", "https://anh.example.vn/2.jpg"]
    assert data["attributes"] == [{"code": "muc_do", "value": "nang"}]
    assert root.findtext("request/service_request_id") == sent.code
    assert root.findtext("request/attributes/attribute/value") == "nang"
    assert [m.text for m in root.findall("request/media_urls/media_url")] == data["media_urls"]
    # The sender is never published.
    for text in ("Nguyễn Văn An", "0912345678", "an@example.vn"):
        assert text not in get(client, "requests.json").content.decode()


def test_status_and_notes_follow_the_published_answer(client, city, sent):
    _close(sent, ItemStatus.ANSWERED, published_at=timezone.now(),
           public_answer="Đã vá ổ gà ngày 08/12/2026.", answer="Kính gửi ông An…")  # fmt: skip

    [data] = get(client, f"requests/{sent.code}.json").json()

    assert data["status"] == "closed"
    assert data["status_notes"] == "Đã vá ổ gà ngày 08/12/2026."
    assert data["updated_datetime"].endswith("+07:00")


def test_an_answer_not_yet_published_is_not_shown(client, city, sent):
    _close(sent, ItemStatus.ANSWERED, answer="Kính gửi ông Nguyễn Văn An, số 0912345678…")

    [data] = get(client, f"requests/{sent.code}.json").json()

    assert data["status"] == "closed"
    assert "Nguyễn Văn An" not in data["status_notes"]


@time_machine.travel("2026-12-08T09:00:00+07:00", tick=False)
def test_items_from_other_doors_or_private_topics_are_not_open311_requests(client, city, sent):
    portal = submit_feedback(
        topic=city.pothole, title="Ổ gà", body="Ổ gà", channel=ItemChannel.DESK,
        sender_name="Bà B", sender_phone="0987654321", ward=city.ward,
    )  # fmt: skip
    Topic.objects.filter(pk=city.lights.pk).update(is_private=True)
    assert post(client, **report(city, service_code="o311-den", **LIGHTS)).status_code == 200
    private = FeedbackItem.objects.get(topic=city.lights)

    listed = [r["service_request_id"] for r in get(client, "requests.json").json()]

    assert listed == [sent.code]
    for item in (portal, private):
        response = get(client, f"requests/{item.code}.json")
        assert response.status_code == 404 and error_list(response)[0]["code"] == 404


@time_machine.travel("2026-12-10T09:00:00+07:00", tick=False)
def test_get_requests_filters_by_id_code_status_and_dates(client, city, sent):
    other = post(client, **report(city, service_code="o311-den", **LIGHTS))
    other_id = other.json()[0]["service_request_id"]
    _close(sent, ItemStatus.REFUSED, refusal_reason="Không thuộc thẩm quyền.")

    def ids(**params: str) -> list[str]:
        response = get(client, "requests.json", **params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [other_id, sent.code]
    assert ids(status="open") == [other_id]
    assert ids(status="closed") == [sent.code]
    assert ids(status="open,closed") == [other_id, sent.code]
    assert ids(service_code="o311-o-ga") == [sent.code]
    # A list of ids overrides the other filters.
    assert ids(service_request_id=f"{sent.code},{other_id}", status="open") == [other_id, sent.code]
    assert ids(start_date="2026-12-08T00:00:00+07:00") == [other_id]
    assert ids(end_date="2026-12-08T00:00:00Z") == [sent.code]
    assert ids(start_date="2026-12-01") == [other_id, sent.code]
    root = xml(get(client, "requests.xml", status="closed"))
    assert root.findtext("request/status_notes") == "Không thuộc thẩm quyền."


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "hôm qua"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
def test_a_bad_filter_is_400(client, city, params):
    response = get(client, "requests.xml", **params)

    assert response.status_code == 400
    assert error_list(response)[0]["code"] == 400


@time_machine.travel("2026-12-08T09:00:00+07:00", tick=False)
def test_by_default_only_the_last_90_days_are_listed(client, city, sent):
    assert len(get(client, "requests.json").json()) == 1
    FeedbackItem.objects.filter(pk=sent.pk).update(received_at=timezone.now() - timedelta(days=91))

    assert get(client, "requests.json").json() == []


def test_a_token_gives_its_request_id(client, city, sent):
    [data] = get(client, f"tokens/{sent.token}.json").json()
    root = xml(get(client, f"tokens/{sent.token}.xml"))

    assert data == {"service_request_id": sent.code, "token": str(sent.token)}
    assert root.findtext("request/service_request_id") == sent.code
    assert get(client, "tokens/khong-phai-token.json").status_code == 404
    assert get(client, "tokens/00000000-0000-0000-0000-000000000000.xml").status_code == 404


@time_machine.travel("2026-12-09T09:00:00+07:00", tick=False)
def test_the_updates_resource_lists_each_status_change(client, city, sent):
    _close(sent, ItemStatus.ANSWERED, published_at=timezone.now(), public_answer="Đã vá.")

    updates = get(client, "servicerequestupdates.json").json()
    root = xml(get(client, "servicerequestupdates.xml"))

    assert [(u["service_request_id"], u["status"]) for u in updates] == [
        (sent.code, "open"), (sent.code, "closed"),
    ]  # fmt: skip
    assert updates[1]["description"] == "Đã vá."
    assert updates[1]["updated_datetime"] == "2026-12-09T09:00:00+07:00"
    assert updates[0]["update_id"] != updates[1]["update_id"]
    assert root.tag == "service_request_updates"
    assert [u.findtext("status") for u in root.findall("request_update")] == ["open", "closed"]
    later = get(client, "servicerequestupdates.json", start_date="2026-12-08T00:00:00+07:00")
    assert [u["status"] for u in later.json()] == ["closed"]


@pytest.mark.parametrize("params", [
    {"start_date": "9999-12-31"}, {"end_date": "0001-01-02"},
    # Within 90 days of each other, but the database's UTC conversion would overflow.
    {"start_date": "0001-01-01", "end_date": "0001-01-02"},
    {"end_date": "9999-12-31T23:00:00-07:00"},
])  # fmt: skip
def test_dates_at_the_ends_of_the_calendar_are_400_not_500(client, city, params):
    assert get(client, "requests.json", **params).status_code == 400


@time_machine.travel("2026-12-08T09:00:00+07:00", tick=False)
def test_a_control_character_in_a_report_still_gives_well_formed_xml(client, city, sent):
    FeedbackItem.objects.filter(pk=sent.pk).update(body="Ổ gà\x01 sâu\x0b")

    root = xml(get(client, "requests.xml"))

    assert root.findtext("request/description") == "Ổ gà sâu"


def test_the_resources_are_in_no_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert not [p for p in paths if "open311" in p or "requests" in p]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_app_sending_too_fast_gets_429_with_retry_after(client, city, monkeypatch, fmt):
    from motcua.core.throttle import Limit
    from motcua.open311 import views

    monkeypatch.setattr(views, "REPORTS_PER_APP", Limit("open311-report-test", 1, 60))
    assert post(client, fmt, **report(city)).status_code == 200

    response = post(client, fmt, **report(city))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert error_list(response)[0]["code"] == 429
    assert FeedbackItem.objects.count() == 1


def test_the_demo_key_sends_reports(client, city):
    from motcua.demo.feedback import DEMO_OPEN311_KEY, DEMO_PARTNER, seed_partner

    app = seed_partner()

    documented = (Path(__file__).parents[2] / "docs" / "open311.md").read_text(encoding="utf-8")
    assert DEMO_OPEN311_KEY in documented and DEMO_PARTNER in documented

    assert post(client, **report(city, api_key=DEMO_OPEN311_KEY)).status_code == 200
    assert _only_item().partner == app


@time_machine.travel("2026-12-08T09:00:00+07:00", tick=False)
def test_the_sender_s_name_and_numbers_in_a_report_are_hidden(client, city):
    text = "Tôi là Nguyễn Văn An, gọi 0912 345 678: ổ gà trước cổng trường."
    assert post(client, **report(city, description=text)).status_code == 200
    item = _only_item()

    [data] = get(client, f"requests/{item.code}.json").json()

    assert "Nguyễn Văn An" not in data["description"] and "0912" not in data["description"]
    assert "ổ gà trước cổng trường" in data["description"]
    FeedbackItem.objects.filter(pk=item.pk).update(
        published_at=timezone.now(), public_question="Ổ gà trước cổng trường."
    )
    [data] = get(client, f"requests/{item.code}.json").json()
    assert data["description"] == "Ổ gà trước cổng trường."


@time_machine.travel("2026-12-08T09:00:00+07:00", tick=False)
def test_listing_costs_the_same_few_queries_for_one_report_or_many(
    client, city, django_assert_max_num_queries
):
    for _ in range(6):
        assert post(client, **report(city)).status_code == 200
    first = FeedbackItem.objects.order_by("pk").first()
    assert first is not None
    _close(first, ItemStatus.REFUSED, refusal_reason="Không thuộc thẩm quyền.")

    with django_assert_max_num_queries(3):
        assert len(get(client, "requests.xml").content) > 0
    with django_assert_max_num_queries(3):
        assert len(get(client, "servicerequestupdates.json").json()) == 7
