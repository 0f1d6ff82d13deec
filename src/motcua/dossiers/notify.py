"""What the applicant and the handler are told, queued through the outbox in the same
transaction as the move (so a crash never loses a message, and a rollback sends nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from motcua.core.outbox import enqueue
from motcua.core.public_urls import lookup_url
from motcua.identity.models import User

from .models import Channel, Dossier, DossierEvent

# Lines an app above dossiers adds to the applicant's message, e.g. the evaluation link after a
# decision (surveys registers it in its AppConfig.ready()): dossiers imports nothing of theirs,
# and the message keeps one builder. Each gets the dossier and the event's action, and returns
# a line or "".
MessageAddition = Callable[[Dossier, str], str]
_ADDITIONS: list[MessageAddition] = []


def register_message_addition(addition: MessageAddition) -> None:
    if addition not in _ADDITIONS:
        _ADDITIONS.append(addition)


def _additions(dossier: Dossier, action: str) -> str:
    lines = [line for addition in _ADDITIONS if (line := addition(dossier, action))]
    return "".join(f"\n{line}" for line in lines)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "H:i d/m/Y")


def applicant_message(dossier: Dossier, event: DossierEvent) -> tuple[str, str] | None:
    """The subject and text for ``event``, or None when the applicant is not told."""
    code, name = dossier.code, dossier.version.name
    details = event.details or {}
    messages = {
        "submit": (
            _("Đã nhận hồ sơ %(code)s") % {"code": code},
            _(
                "Hồ sơ %(code)s (%(name)s) đã được gửi. Bộ phận một cửa sẽ kiểm tra và thông báo "
                "việc tiếp nhận."
            )
            % {"code": code, "name": name},
        ),
        "accept": (
            _("Hồ sơ %(code)s đã được tiếp nhận") % {"code": code},
            _("Hồ sơ %(code)s đã được tiếp nhận. Ngày hẹn trả kết quả: %(due)s.")
            % {"code": code, "due": _when(dossier.due_at)},
        ),
        "refuse": (
            _("Hồ sơ %(code)s không được tiếp nhận") % {"code": code},
            _("Hồ sơ %(code)s không được tiếp nhận. Lý do: %(reasons)s")
            % {"code": code, "reasons": "; ".join(details.get("reasons", []))},
        ),
        "auto_refuse": (
            _("Hồ sơ %(code)s không được tiếp nhận") % {"code": code},
            _("Hồ sơ %(code)s không được tiếp nhận vì đã quá hạn bổ sung.") % {"code": code},
        ),
        "request_supplement": (
            _("Hồ sơ %(code)s cần bổ sung") % {"code": code},
            _("Hồ sơ %(code)s cần bổ sung, hoàn thiện trước %(deadline)s: %(items)s")
            % {
                "code": code,
                "deadline": _when(dossier.supplement_deadline),
                "items": "; ".join(i.get("name", "") for i in details.get("items", [])),
            },
        ),
        "request_payment": (
            _("Hồ sơ %(code)s: đề nghị nộp phí, lệ phí") % {"code": code},
            _("Hồ sơ %(code)s cần nộp %(amount)s đồng để tiếp tục giải quyết.")
            % {
                "code": code,
                "amount": formats.number_format(details.get("amount", 0), force_grouping=True),
            },
        ),
        "refuse_exemption": (
            _("Hồ sơ %(code)s: không được miễn, giảm phí, lệ phí") % {"code": code},
            _("Hồ sơ %(code)s không được miễn, giảm phí, lệ phí như đã kê khai. Lý do: %(reason)s")
            % {"code": code, "reason": event.note},
        ),
        "apologise": (
            _("Phiếu xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s") % {"code": code},
            _(
                "Chúng tôi xin lỗi vì hồ sơ %(code)s chưa giải quyết được đúng hẹn. Lý do: "
                "%(reason)s. Ngày hẹn trả kết quả mới: %(due)s."
            )
            % {"code": code, "reason": event.note, "due": _when(dossier.due_at)},
        ),
        "decide": (
            _("Hồ sơ %(code)s đã có kết quả") % {"code": code},
            _("Hồ sơ %(code)s đã được giải quyết xong; kết quả: %(outcome)s.")
            % {"code": code, "outcome": dossier.get_outcome_display()},
        ),
        "return_result": (
            _("Đã trả kết quả hồ sơ %(code)s") % {"code": code},
            _("Kết quả hồ sơ %(code)s đã được trả (%(how)s).")
            % {"code": code, "how": dossier.get_result_delivery_display()},
        ),
        "stop": (
            _("Hồ sơ %(code)s dừng xử lý") % {"code": code},
            _("Hồ sơ %(code)s đã dừng xử lý. Lý do: %(reason)s")
            % {"code": code, "reason": event.note},
        ),
        "withdraw": (
            _("Hồ sơ %(code)s đã được rút") % {"code": code},
            _("Hồ sơ %(code)s đã được rút theo yêu cầu.") % {"code": code},
        ),
    }
    return messages.get(event.action)


def notify_applicant(dossier: Dossier, event: DossierEvent) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        message = applicant_message(dossier, event)
        if message is None:
            return
        subject, text = message
        text += _additions(dossier, event.action)
        footer = _("Tra cứu hồ sơ: %(url)s") % {"url": lookup_url(dossier.code)}
    key = f"applicant:{event.pk}"
    if dossier.applicant_email:
        enqueue(
            channel="email",
            recipient=dossier.applicant_email,
            payload={"subject": subject, "body": f"{text}\n\n{footer}"},
            key=f"{key}:email",
        )
    # SMS for online dossiers (the apology slip rule); a walk-in gets paper at the desk.
    if dossier.applicant_phone and dossier.channel != Channel.IN_PERSON:
        enqueue(
            channel="sms",
            recipient=dossier.applicant_phone,
            payload={"text": text},
            key=f"{key}:sms",
        )


def notify_officers(officers: list[User], *, subject: str, body: str, key: str) -> None:
    for officer in officers:
        if officer.email:
            enqueue(
                channel="email",
                recipient=officer.email,
                payload={"subject": subject, "body": body},
                key=f"{key}:{officer.pk}",
            )
