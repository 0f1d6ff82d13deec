"""What GeoReport v2 says about our topics, feedback items and their history.

Only what the public may read leaves here: a request's text with personal data hidden, its
status, the agency, the deadlines and the *published* answer (personal data removed by the
agency, feedback/privacy). Never the sender's name, phone, email or account, and nothing of items
that came through another door or whose topic is private (docs/open311.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.core import public_urls
from motcua.feedback.models import (
    FeedbackEvent,
    FeedbackItem,
    ItemChannel,
    ItemStatus,
    Topic,
)
from motcua.feedback.privacy import scrub

from .formats import w3_datetime

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this interface last changed (discovery's changeset).
CHANGESET = "2026-12-06T00:00:00+07:00"
ROOT = "/open311/v2/"

# The updates extension's statuses (mySociety's, as FixMyStreet reads them).
UPDATE_STATUS = {
    ItemStatus.RECEIVED: "open",
    ItemStatus.INFO_REQUESTED: "investigating",
    ItemStatus.IN_PROGRESS: "in_progress",
    ItemStatus.ANSWERED: "closed",
    ItemStatus.REFUSED: "closed",
    ItemStatus.MERGED: "duplicate",
}


def services() -> QuerySet[Topic]:
    return Topic.objects.filter(on_open311=True, is_active=True)


def public_requests() -> QuerySet[FeedbackItem]:
    """The items Open311 shows: those its apps sent, on topics that may be published."""
    return FeedbackItem.objects.filter(
        channel=ItemChannel.OPEN311, topic__is_private=False
    ).select_related("topic", "agency", "ward", "merged_into")


def discovery() -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": _("Quản trị hệ thống Một Cửa: %(url)s") % {"url": public_urls.base() + "/"},
        "key_service": _(
            "Khóa api_key do quản trị viên cấp cho từng ứng dụng đối tác; liên hệ quản trị "
            "hệ thống để đăng ký."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": public_urls.absolute(ROOT),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(topic: Topic) -> dict[str, Any]:
    return {
        "service_code": topic.code,
        "service_name": topic.name,
        "description": topic.description,
        "metadata": bool(topic.attributes),
        "type": "realtime",
        "keywords": topic.keywords,
        "group": topic.group,
    }


def definition(topic: Topic) -> dict[str, Any]:
    attributes = []
    for order, attribute in enumerate(topic.attributes, start=1):
        attributes.append(
            {
                "variable": bool(attribute.get("variable", True)),
                "code": attribute["code"],
                "datatype": attribute["datatype"],
                "required": bool(attribute.get("required", False)),
                "datatype_description": attribute.get("datatype_description") or None,
                "order": attribute.get("order", order),
                "description": attribute.get("description", ""),
                "values": [
                    {"key": str(value["key"]), "name": value["name"]}
                    for value in attribute.get("values", [])
                ],
            }
        )
    return {"service_code": topic.code, "attributes": attributes}


def _answer_date(item: FeedbackItem) -> str:
    return formats.date_format(item.answer_by, "d/m/Y")


def service_notice(item: FeedbackItem) -> str:
    return _("Cơ quan tiếp nhận trả lời chậm nhất ngày %(date)s.") % {"date": _answer_date(item)}


def status_notes(item: FeedbackItem) -> str:
    """Why the request is where it is, in words the public may read."""
    if item.status == ItemStatus.ANSWERED:
        if item.published_at and item.public_answer:
            return item.public_answer
        return _(
            "Đã trả lời người gửi; câu trả lời được công khai sau khi lược bỏ thông tin cá nhân."
        )
    if item.status == ItemStatus.REFUSED and item.refusal_reason:
        return scrub(item.refusal_reason, item)
    if item.status == ItemStatus.MERGED and item.merged_into:
        return _("Trùng với phản ánh %(code)s; được xử lý cùng phản ánh đó.") % {
            "code": item.merged_into.code
        }
    return str(item.get_status_display())


def description(item: FeedbackItem) -> str:
    """The report as the agency published it, else as sent with the personal data that
    feedback.privacy recognises (the sender's name, phones, emails, numbers) hidden."""
    if item.published_at and item.public_question:
        return item.public_question
    return scrub(item.body, item)


def _attribute_answers(item: FeedbackItem) -> list[dict[str, str]]:
    answers = []
    for code, value in (item.attributes or {}).items():
        for one in value if isinstance(value, list) else [value]:
            answers.append({"code": code, "value": str(one)})
    return answers


def request(item: FeedbackItem) -> dict[str, Any]:
    photos = list(item.media_urls or [])
    return {
        "service_request_id": item.code,
        "status": "open" if item.is_open else "closed",
        "status_notes": status_notes(item),
        "service_name": item.topic.name,
        "service_code": item.topic.code,
        "description": description(item),
        "agency_responsible": item.agency.name,
        "service_notice": service_notice(item),
        "requested_datetime": w3_datetime(item.received_at),
        "updated_datetime": w3_datetime(item.closed_at or item.updated_at),
        "expected_datetime": w3_datetime(item.answer_by),
        "address": item.address,
        "address_id": item.ward.code if item.ward else None,
        "lat": item.latitude,
        "long": item.longitude,
        "media_url": photos[0] if photos else None,
        # Extensions (docs/open311.md): every photo, and the answers to the attributes.
        "media_urls": photos,
        "attributes": _attribute_answers(item),
    }


def update(event: FeedbackEvent) -> dict[str, Any]:
    item = event.item
    status = ItemStatus(event.to_status or item.status)
    # The current status says why in full; a past one only names itself.
    description = status_notes(item) if status == item.status else str(status.label)
    return {
        "update_id": str(event.pk),
        "service_request_id": item.code,
        "status": UPDATE_STATUS[status],
        "updated_datetime": w3_datetime(event.at),
        "description": description,
        "media_url": None,
    }


def updates() -> QuerySet[FeedbackEvent]:
    """The events that changed what a public request says: its status, or its published
    answer."""
    return (
        FeedbackEvent.objects.filter(
            public=True, item__channel=ItemChannel.OPEN311, item__topic__is_private=False
        )
        .filter(~Q(from_status=F("to_status")) | Q(action=FeedbackEvent.Action.PUBLISH))
        .select_related("item", "item__topic", "item__merged_into")
        .order_by("at", "id")
    )
