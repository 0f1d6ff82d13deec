"""Demo feedback: reference points for the central wards, an Open311 partner app with the key
the README gives, and items in every state at the wards of Hoàn Kiếm and Ba Đình — some late,
some disliked, a reopen request waiting for the leader, a merged duplicate, a conduct complaint,
calls from the hotline and reports from the Open311 app. Made only through the services, at
moments of the past weeks; a second run adds nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from motcua.core.calendar import working_calendar
from motcua.feedback import services
from motcua.feedback.models import FeedbackItem, ItemChannel, PartnerApp, Topic, WardPoint
from motcua.feedback.privacy import public_draft
from motcua.identity.models import AdministrativeUnit, User

from .clock import Clock

# Approximate centres of the central wards of Hà Nội (demo reference points, not surveyed).
WARD_POINTS = {
    "00070": ("21.028800", "105.852500"),  # Hoàn Kiếm
    "00073": ("21.024500", "105.844000"),  # Cửa Nam
    "00004": ("21.036800", "105.834600"),  # Ba Đình
    "00008": ("21.039000", "105.823000"),  # Ngọc Hà
    "00025": ("21.027000", "105.819000"),  # Giảng Võ
    "00103": ("21.065000", "105.825000"),  # Tây Hồ
}
DEMO_PARTNER = "Ứng dụng phản ánh hiện trường (minh họa)"
# Published in the README: a demo key, useless anywhere else.
DEMO_OPEN311_KEY = "demo-open311-key-hanoi-2026"


@dataclass
class Plan:
    """One demo item: who sends what, and what happens to it afterwards."""

    topic: str
    title: str
    body: str
    ward: str = "00070"
    sender: str = ""  # a demo account, else an anonymous sender with a phone
    channel: str = ItemChannel.PORTAL
    days_ago: float = 10
    fate: str = "received"
    position: tuple[str, str] | None = None


PLANS = (
    Plan("chieu-sang", "Đèn đường phố Tràng Tiền không sáng",
         "Ba cột đèn trước số 8 phố Tràng Tiền tắt từ tối thứ Hai, đoạn đường rất tối.",
         sender="congdan", days_ago=20, fate="published_liked",
         position=("21.024900", "105.855100")),
    Plan("mat-duong", "Ổ gà lớn trên phố Hàng Bài",
         "Ổ gà sâu khoảng 15 cm giữa làn đường trước ngõ Hàng Bài, xe máy dễ ngã.",
         sender="congdan2", days_ago=18, fate="published_disliked_reopen",
         position=("21.022600", "105.852600")),
    Plan("rac-thai", "Rác tồn đọng ở ngõ Hàng Hành", "Rác không được thu gom hai ngày nay.",
         days_ago=25, fate="late_answer"),
    Plan("trat-tu", "Lấn chiếm vỉa hè phố Đinh Tiên Hoàng",
         "Quán nước bày bàn ghế kín vỉa hè, người đi bộ phải xuống lòng đường.",
         channel=ItemChannel.HOTLINE, days_ago=6, fate="in_progress"),
    Plan("thu-tuc", "Hướng dẫn đăng ký khai sinh chưa rõ",
         "Trang hướng dẫn không ghi rõ cần bản sao hay bản chính giấy chứng sinh.",
         sender="congdan3", days_ago=8, fate="info_requested"),
    Plan("quy-dinh", "Đề nghị mở thêm giờ tiếp nhận sáng thứ Bảy",
         "Người đi làm không kịp đến bộ phận một cửa trong giờ hành chính.",
         sender="doanhnghiep", days_ago=3, fate="received"),
    Plan("can-bo", "Thái độ của cán bộ tiếp nhận",
         "Tôi bị yêu cầu nộp thêm giấy tờ không có trong danh mục và bị nói năng thiếu tôn trọng.",
         sender="congdan2", days_ago=4, fate="received"),
    Plan("chieu-sang", "Đèn đường phố Tràng Tiền tắt",
         "Đèn đường đoạn trước số 8 Tràng Tiền không sáng.", days_ago=19, fate="merged",
         position=("21.024910", "105.855110")),
    Plan("cay-xanh", "Cành cây gãy treo trên phố Lý Thái Tổ",
         "Cành cây lớn gãy sau mưa, treo lơ lửng trên vỉa hè.",
         channel=ItemChannel.OPEN311, days_ago=2, fate="received",
         position=("21.027400", "105.855900")),
    Plan("mat-duong", "Nắp cống vỡ phố Hàng Khay", "Nắp cống bị vỡ một góc.",
         channel=ItemChannel.OPEN311, days_ago=12, fate="published_liked",
         position=("21.025600", "105.853400")),
    Plan("rac-thai", "Đổ trộm phế thải xây dựng", "Có người đổ phế thải xây dựng ban đêm.",
         ward="00004", channel=ItemChannel.OPEN311, days_ago=30, fate="overdue",
         position=("21.036500", "105.834000")),
    Plan("khac", "Phản ánh không thuộc thẩm quyền", "Đề nghị giải quyết tranh chấp hợp đồng.",
         ward="00004", days_ago=9, fate="refused"),
    Plan("trat-tu", "Tiếng ồn karaoke sau 22 giờ", "Quán karaoke hát đến 1 giờ sáng.",
         ward="00004", channel=ItemChannel.HOTLINE, days_ago=15, fate="published_liked"),
)  # fmt: skip


def seed_reference_points() -> int:
    count = 0
    for code, (lat, lon) in WARD_POINTS.items():
        ward = AdministrativeUnit.objects.filter(code=code).first()
        if ward is not None:
            WardPoint.objects.update_or_create(
                ward=ward, defaults={"latitude": Decimal(lat), "longitude": Decimal(lon)}
            )
            count += 1
    return count


def seed_partner() -> PartnerApp:
    from motcua.feedback.partners import issue_key

    app = PartnerApp.objects.filter(name=DEMO_PARTNER).first()
    if app is None:
        app = PartnerApp.objects.create(name=DEMO_PARTNER, contact="open311@example.vn")
        issue_key(app, key=DEMO_OPEN311_KEY)
    return app


def _officer(username: str) -> User:
    return User.objects.get(username=username)


def _handlers(ward: str) -> tuple[User, User]:
    place = "hoankiem" if ward == "00070" else "badinh"
    return _officer(f"chuyenvien.{place}"), _officer(f"lanhdao.{place}")


def _moment(clock: Clock, days: float) -> datetime:
    return clock.office_moment(clock.working_days_back(days))


def _make(plan: Plan, clock: Clock, partner: PartnerApp, rng: random.Random) -> FeedbackItem:
    at = _moment(clock, plan.days_ago)
    topic = Topic.objects.get(code=plan.topic)
    ward = AdministrativeUnit.objects.get(code=plan.ward)
    lat, lon = plan.position or (None, None)
    if plan.channel == ItemChannel.HOTLINE:
        return services.record_call(
            operator=_officer("tongdai.1022"), topic=topic, caller_phone="0904111222",
            caller_name="Người gọi (minh họa)", summary=plan.body, title=plan.title,
            consent=True, ward=ward, at=at,
        )  # fmt: skip
    sender = User.objects.filter(username=plan.sender).first() if plan.sender else None
    extra = (
        {"sender": sender}
        if sender
        else {"sender_name": "Người gửi (minh họa)", "contact_verified": True,
              "sender_phone": f"09{rng.randrange(10**8):08d}"}
    )  # fmt: skip
    return services.submit_feedback(
        topic=topic, title=plan.title, body=plan.body, channel=plan.channel, ward=ward,
        latitude=lat, longitude=lon, partner=partner if plan.channel == "open311" else None,
        at=at, **extra,
    )  # fmt: skip


def _later(item: FeedbackItem, clock: Clock, days: float) -> datetime:
    """A working moment ``days`` working days after the item's receipt, never after now."""
    moment = working_calendar().add_working_hours(item.received_at, Decimal(str(days * 8)))
    return min(moment, clock.last_office_moment())


def _play(item: FeedbackItem, plan: Plan, clock: Clock, original: FeedbackItem | None) -> None:
    specialist, leader = _handlers(plan.ward)
    officer = leader if plan.topic == "can-bo" else specialist
    fate = plan.fate
    if fate == "received" or fate == "overdue":
        return
    if fate == "merged" and original is not None:
        services.merge(item=item, original=original, officer=officer, at=_later(item, clock, 1))
        return
    if fate == "refused":
        services.refuse(item=item, officer=officer, at=_later(item, clock, 1),
                        reason="Nội dung thuộc thẩm quyền của Tòa án nhân dân.")  # fmt: skip
        return
    services.classify(item=item, officer=officer, at=_later(item, clock, 0.5),
                      classification=item.topic.default_classification)  # fmt: skip
    if fate == "in_progress":
        return
    if fate == "info_requested":
        services.request_info(item=item, officer=officer, at=_later(item, clock, 1),
                              request="Đề nghị cho biết đường dẫn trang hướng dẫn.")  # fmt: skip
        return
    late = fate == "late_answer"
    item = services.answer(
        item=item, officer=officer, at=_later(item, clock, 17 if late else 4),
        text="Đơn vị đã kiểm tra hiện trường và khắc phục; cảm ơn ông/bà đã phản ánh.",
    )  # fmt: skip
    if fate.startswith("published"):
        item = services.publish(item=item, officer=officer, at=_later(item, clock, 5),
                                **public_draft(item))  # fmt: skip
    if item.sender_id and "liked" in fate:
        rating = "dislike" if "disliked" in fate else "like"
        services.rate(item=item, rating=rating, by=item.sender, at=_later(item, clock, 4.5),
                      reason="Vẫn còn ổ gà." if rating == "dislike" else "")  # fmt: skip


@transaction.atomic
def seed_demo_feedback(now: datetime | None = None) -> int:
    """Reference points, the partner app and the demo items; the number of items added."""
    seed_reference_points()
    partner = seed_partner()
    if FeedbackItem.objects.exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(2026)
    clock = Clock(working_calendar(), now - timedelta(minutes=5), rng)
    first_lamp: FeedbackItem | None = None
    for plan in PLANS:
        item = _make(plan, clock, partner, rng)
        _play(item, plan, clock, first_lamp)
        if plan.topic == "chieu-sang" and first_lamp is None:
            first_lamp = item
    return len(PLANS)
