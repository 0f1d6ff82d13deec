"""Reading a POST requests form: the location, the answers to the service's attributes, the
photos and the sender, checked as GeoReport v2 says, before anything is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from motcua.feedback.models import FeedbackItem, ItemChannel, PartnerApp, Topic
from motcua.feedback.routing import ward_by_code
from motcua.feedback.services import FeedbackError, submit_feedback

MAX_DESCRIPTION = 4000  # the specification's limit
MAX_PHOTOS = 10
MAX_URL = 500
WARD_ATTRIBUTE = "ward"
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_is_url = URLValidator(schemes=["http", "https"])


class Refused(Exception):
    """The request cannot be accepted: answered with ``status`` and the spec's error list."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions


@dataclass
class Report:
    topic: Topic
    title: str
    body: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""
    address_id: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    media_urls: list[str] = field(default_factory=list)
    sender_name: str = ""
    sender_phone: str = ""
    sender_email: str = ""
    account_id: str = ""

    @property
    def ward_code(self) -> str:
        """The ward the app named: the ``ward`` attribute, else ``address_id``."""
        return str(self.attributes.get(WARD_ATTRIBUTE) or self.address_id)


def _text(data: QueryDict, name: str) -> str:
    return (data.get(name) or "").strip()


def _coordinate(data: QueryDict, name: str, limit: int) -> Decimal | None:
    raw = _text(data, name)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) > limit:
        raise Refused(
            400,
            _("%(name)s phải là một số từ -%(limit)s đến %(limit)s (WGS84).")
            % {"name": name, "limit": limit},
        )
    return value.quantize(Decimal("0.000001"))


def topic_for(code: str) -> Topic:
    if not code:
        raise Refused(400, _("Thiếu service_code."))
    topic = Topic.objects.filter(code=code, on_open311=True, is_active=True).first()
    if topic is None:
        raise Refused(404, _("Không có dịch vụ (service_code) “%(code)s”.") % {"code": code})
    return topic


def _answers(data: QueryDict) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match:
            values = [v.strip() for v in data.getlist(key) if v.strip()]
            if values:
                answers.setdefault(match.group(1), []).extend(values)
    return answers


def _checked(attribute: dict[str, Any], values: list[str]) -> Any:
    code, datatype = attribute["code"], attribute["datatype"]
    keys = {str(value["key"]) for value in attribute.get("values", [])}
    if datatype == "multivaluelist":
        wrong = [v for v in values if v not in keys]
        if wrong:
            raise Refused(
                400,
                _("attribute[%(code)s]: giá trị không có trong danh sách: %(values)s.")
                % {"code": code, "values": ", ".join(wrong)},
            )
        return values
    if len(values) > 1:
        raise Refused(400, _("attribute[%(code)s] chỉ nhận một giá trị.") % {"code": code})
    value = values[0]
    if datatype == "singlevaluelist" and value not in keys:
        raise Refused(
            400,
            _("attribute[%(code)s]: “%(value)s” không có trong danh sách giá trị.")
            % {"code": code, "value": value},
        )
    if datatype == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise Refused(400, _("attribute[%(code)s] phải là một số.") % {"code": code})
    if datatype == "datetime" and not (parse_datetime(value) or parse_date(value)):
        raise Refused(400, _("attribute[%(code)s] phải là ngày giờ ISO 8601.") % {"code": code})
    if datatype == "string" and "\n" in value:
        raise Refused(400, _("attribute[%(code)s] không được xuống dòng.") % {"code": code})
    if len(value) > MAX_DESCRIPTION:
        raise Refused(400, _("attribute[%(code)s] quá dài.") % {"code": code})
    return value


def attributes_for(topic: Topic, data: QueryDict) -> dict[str, Any]:
    """The answers to ``topic``'s attributes, each checked against its definition."""
    answers = _answers(data)
    defined = {a["code"]: a for a in topic.attributes if a.get("variable", True)}
    unknown = sorted(set(answers) - set(defined))
    if unknown:
        raise Refused(
            400, _("Dịch vụ này không có thuộc tính: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    missing = [c for c, a in defined.items() if a.get("required") and c not in answers]
    if missing:
        raise Refused(
            400,
            _("Thiếu thuộc tính bắt buộc: %(codes)s.")
            % {"codes": ", ".join(f"attribute[{c}]" for c in missing)},
        )
    return {code: _checked(defined[code], values) for code, values in answers.items()}


def _photos(data: QueryDict) -> list[str]:
    urls = [u.strip() for u in data.getlist("media_url") if u.strip()]
    if len(urls) > MAX_PHOTOS:
        raise Refused(400, _("Tối đa %(n)s ảnh (media_url) cho một phản ánh.") % {"n": MAX_PHOTOS})
    for url in urls:
        try:
            if len(url) > MAX_URL:
                raise ValidationError("too long")
            _is_url(url)
        except ValidationError:
            raise Refused(400, _("media_url không phải là một địa chỉ http(s) hợp lệ.")) from None
    return urls


def parse_report(data: QueryDict) -> Report:
    """The report in a POST requests form, or :class:`Refused` saying what is wrong."""
    topic = topic_for(_text(data, "service_code"))
    latitude, longitude = _coordinate(data, "lat", 90), _coordinate(data, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Refused(400, _("Cần gửi cả lat và long."))
    address, address_id = _text(data, "address_string"), _text(data, "address_id")
    if latitude is None and not address and not address_id:
        raise Refused(
            400, _("Thiếu vị trí: cần lat và long, hoặc address_string, hoặc address_id.")
        )
    description = _text(data, "description")
    if len(description) > MAX_DESCRIPTION:
        raise Refused(400, _("description dài quá 4.000 ký tự."))
    body = description or topic.name
    first_line = body.splitlines()[0] if body else topic.name
    name = " ".join(filter(None, [_text(data, "last_name"), _text(data, "first_name")]))
    return Report(
        topic=topic,
        title=first_line[:200],
        body=body,
        latitude=latitude,
        longitude=longitude,
        address=address[:300],
        address_id=address_id,
        attributes=attributes_for(topic, data),
        media_urls=_photos(data),
        sender_name=name[:150],
        sender_phone=_text(data, "phone")[:20],
        sender_email=_text(data, "email")[:254],
        account_id=_text(data, "account_id")[:100],
    )


def submit_report(report: Report, *, partner: PartnerApp) -> FeedbackItem:
    """The report as a feedback item of the ward the app named, else of the ward whose
    reference point is nearest to its position (feedback.routing)."""
    ward = None
    if report.ward_code:
        ward = ward_by_code(report.ward_code)
        if ward is None:
            raise Refused(
                400,
                _("Không có phường, xã mã “%(code)s” (address_id hoặc attribute[ward]).")
                % {"code": report.ward_code},
            )
    elif report.latitude is None:
        # An address in words is kept, but it cannot place the report in a ward.
        raise Refused(
            400,
            _(
                "Chưa xác định được phường, xã: hãy gửi lat và long, hoặc mã "
                "phường, xã trong address_id hoặc attribute[ward]."
            ),
        )
    try:
        return submit_feedback(
            topic=report.topic,
            title=report.title,
            body=report.body,
            channel=ItemChannel.OPEN311,
            sender_name=report.sender_name,
            sender_phone=report.sender_phone,
            sender_email=report.sender_email,
            ward=ward,
            latitude=report.latitude,
            longitude=report.longitude,
            address=report.address,
            attributes=report.attributes,
            media_urls=report.media_urls,
            partner=partner,
        )
    except FeedbackError as error:
        raise Refused(400, error.message) from error
