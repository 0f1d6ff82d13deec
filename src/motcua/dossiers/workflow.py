"""The dossier lifecycle as data: national status codes, the actions, and the one table of
allowed moves. Pure tables, importing no model: :mod:`.moves` performs the moves and
:mod:`.rules` says who may take each action.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    """TrangThaiHoSo, the national codes used when syncing with the national portal."""

    SUBMITTED = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DECIDED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


# Statuses in which nobody has anything left to do.
CLOSED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
# Statuses in which the legal clock is running (the due date matters).
CLOCK_RUNNING = frozenset({Status.ACCEPTED, Status.PROCESSING})
OPEN = frozenset(set(Status) - CLOSED)


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ trực tuyến")
    RECEIVE = "receive", _("Tiếp nhận trực tiếp")
    ACCEPT = "accept", _("Tiếp nhận hồ sơ, hẹn trả kết quả")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung, hoàn thiện hồ sơ")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    AUTO_REFUSE = "auto_refuse", _("Từ chối do quá hạn bổ sung")
    CLAIM = "claim", _("Nhận xử lý")
    FORWARD = "forward", _("Chuyển bước xử lý")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    TRANSFER = "transfer", _("Chuyển đơn vị xử lý")
    CONSULT = "consult", _("Xin ý kiến đơn vị khác")
    ANSWER = "answer", _("Trả lời xin ý kiến")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    CONFIRM_PAYMENT = "confirm_payment", _("Xác nhận đã nộp phí, lệ phí")
    REFUSE_EXEMPTION = "refuse_exemption", _("Không chấp nhận miễn, giảm phí, lệ phí")
    DECIDE = "decide", _("Phê duyệt kết quả")
    APOLOGISE = "apologise", _("Ban hành phiếu xin lỗi và hẹn lại ngày trả")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    STOP = "stop", _("Dừng xử lý")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    LATE_WARNING = "late_warning", _("Cảnh báo hạn xử lý")
    CHILD_UPDATE = "child_update", _("Cập nhật hồ sơ liên thông")


S = Status


def _same(*statuses: int) -> dict[int, int]:
    return {s: s for s in statuses}


def _to(target: int, *statuses: int) -> dict[int, int]:
    return {s: target for s in statuses}


_OPEN = tuple(int(s) for s in OPEN)
# The one table of allowed moves: action -> {status it may start from: status it leads to}.
TRANSITIONS: dict[str, dict[int, int]] = {
    Action.ACCEPT: _to(S.ACCEPTED, S.SUBMITTED),
    Action.REFUSE: _to(S.REFUSED, S.SUBMITTED),
    Action.REQUEST_SUPPLEMENT: _to(S.SUPPLEMENT_REQUESTED, S.SUBMITTED, S.ACCEPTED, S.PROCESSING),
    # Back to where it was asked from (1, 2 or 4): see SUPPLEMENT_RETURNS.
    Action.SUPPLEMENT: _same(S.SUPPLEMENT_REQUESTED),
    Action.AUTO_REFUSE: _to(S.REFUSED, S.SUPPLEMENT_REQUESTED),
    Action.CLAIM: _same(S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.DECIDED),
    # The desk's hand-over to the first processing step starts processing.
    Action.FORWARD: {S.ACCEPTED: S.PROCESSING, S.PROCESSING: S.PROCESSING, S.DECIDED: S.DECIDED},
    Action.SEND_BACK: _same(S.PROCESSING, S.DECIDED),
    Action.TRANSFER: _to(S.PROCESSING, S.ACCEPTED, S.PROCESSING),
    Action.CONSULT: _same(S.ACCEPTED, S.PROCESSING),
    Action.ANSWER: _same(*_OPEN),
    # Asked again while waiting: the amount changed (a declared exemption not accepted).
    # At reception (2) or in processing (4); paid, it goes back there: see PAYMENT_RETURNS.
    Action.REQUEST_PAYMENT: _to(S.PAYMENT_REQUESTED, S.ACCEPTED, S.PROCESSING, S.PAYMENT_REQUESTED),
    Action.REFUSE_EXEMPTION: _same(S.SUBMITTED, S.ACCEPTED, S.PROCESSING, S.PAYMENT_REQUESTED),
    Action.CONFIRM_PAYMENT: _to(S.PROCESSING, S.PAYMENT_REQUESTED),
    Action.DECIDE: _to(S.DECIDED, S.PROCESSING),
    Action.APOLOGISE: _same(S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED),
    Action.WITHDRAW: _to(
        S.WITHDRAWN,
        S.SUBMITTED,
        S.ACCEPTED,
        S.PROCESSING,
        S.SUPPLEMENT_REQUESTED,
        S.PAYMENT_REQUESTED,
    ),
    Action.STOP: _to(
        S.STOPPED, S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED
    ),
    Action.RETURN_RESULT: _to(S.RETURNED, S.DECIDED),
    Action.LATE_WARNING: _same(*_OPEN),
    Action.CHILD_UPDATE: _same(*_OPEN),
}

# The moves that create a dossier: from nothing to the status they give it. A linked child is
# accepted with its parent and goes straight to processing at its own agency.
STARTS: dict[str, int] = {
    Action.SUBMIT: S.SUBMITTED,
    Action.RECEIVE: S.SUBMITTED,
    Action.ACCEPT: S.PROCESSING,
}

# Where SUPPLEMENT may lead (the status the dossier was in when the supplement was asked).
SUPPLEMENT_RETURNS = frozenset({S.SUBMITTED, S.ACCEPTED, S.PROCESSING})
# Where CONFIRM_PAYMENT may lead (the status the dossier was in when the fees were asked).
PAYMENT_RETURNS = frozenset({S.ACCEPTED, S.PROCESSING})


class WorkflowError(Exception):
    """A move that is not allowed now; ``message`` is for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError):
    """The person is not one who may take this action on this dossier (the API's 403)."""


def allowed(action: str, status: int) -> bool:
    return status in TRANSITIONS.get(action, {})


def not_now(action: str, status: int) -> str:
    """Why ``action`` cannot start from ``status``."""
    return gettext("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.") % {
        "action": Action(action).label,
        "status": Status(status).label,
    }


def target_status(action: str, status: int | None, override: int | None = None) -> int:
    if status is None:
        if action not in STARTS:
            raise WorkflowError(gettext("Hồ sơ chưa được tạo."))
        return STARTS[action]
    moves = TRANSITIONS[action]
    if status not in moves:
        raise WorkflowError(not_now(action, status))
    if action == Action.SUPPLEMENT:
        if override is None or override not in SUPPLEMENT_RETURNS:
            raise WorkflowError(gettext("Không xác định được bước nhận lại hồ sơ bổ sung."))
        return int(override)
    if action == Action.CONFIRM_PAYMENT and override is not None:
        if override not in PAYMENT_RETURNS:
            raise WorkflowError(gettext("Không xác định được trạng thái tiếp tục sau khi nộp phí."))
        return int(override)
    return int(moves[status])
