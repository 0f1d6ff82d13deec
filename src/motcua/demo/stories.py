"""One demo dossier's life, told only through the lifecycle services.

A :class:`Story` holds a dossier and the moment it has reached; each method is one real move
(submit, accept, hand on, decide, return…) by the officer who may make it, at a working time
a little after the previous move.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from motcua.catalog.models import ProcedureStep, ProcedureVariant, ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import ApplicantType, Channel, Dossier, DossierFile, ResultDelivery
from motcua.dossiers.steps import agencies_for_step, next_step, officers_for, steps_of
from motcua.dossiers.workflow import Status
from motcua.identity.models import Agency, OfficerRole, OneStopDesk, User
from motcua.payments import services as payments

from .answers import Context, build_answers
from .clock import Clock
from .pdf import one_page_pdf
from .people import Person

Role = OfficerRole.Role
ON_TIME = (0.2, 0.7)
LATE = (1.4, 2.8)
# A hand-over to another level goes to the unit that does this kind of work.
PREFERRED_AGENCY = {"1.013978": "000.00.04.H26"}
SUPPLEMENT_ITEMS = (
    {"name": "Bản sao giấy tờ chứng minh chỗ ở hợp pháp",
     "reason": "Bản chụp bị mờ, không đọc được số giấy tờ"},
    {"name": "Văn bản ủy quyền có chứng thực",
     "reason": "Người nộp không phải người yêu cầu nhưng chưa có văn bản ủy quyền"},
    {"name": "Tờ khai có chữ ký của người yêu cầu",
     "reason": "Tờ khai chưa ký, ghi rõ họ tên"},
)  # fmt: skip
REFUSALS = (
    "Thông tin trong tờ khai không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
    "Yêu cầu không thuộc thẩm quyền giải quyết của đơn vị.",
    "Người yêu cầu không thuộc đối tượng được đề nghị theo quy định.",
)


@dataclass
class Cast:
    """The demo's officers and the agencies whose desks receive for others."""

    officers: dict[str, User]
    rng: random.Random
    _desk_receivers: dict[int, list[User]] = field(default_factory=dict)
    _steps: dict[int, list[ProcedureStep]] = field(default_factory=dict)

    def receivers(self, agency: Agency) -> list[User]:
        """Who receives for ``agency``: its own receivers, or those of the desks serving it."""
        if agency.pk not in self._desk_receivers:
            # In two flat steps: as one query with a subquery, PostgreSQL without statistics
            # (tables filled in the same transaction, as in the tests) chose nested loops over
            # every agency and took minutes.
            links = OneStopDesk.agencies.through.objects
            desk_ids = list(links.filter(agency=agency).values_list("onestopdesk_id", flat=True))
            agency_ids = set(
                links.filter(onestopdesk_id__in=desk_ids).values_list("agency_id", flat=True)
            )
            served = Agency.objects.filter(pk__in=agency_ids - {agency.pk})
            found = {u.pk: u for a in [agency, *served] for u in officers_for(a, Role.RECEIVER)}
            self._desk_receivers[agency.pk] = [
                self.officers.get(u.username, u) for u in found.values()
            ]
        return self._desk_receivers[agency.pk]

    def holders(self, agency: Agency, role: str) -> list[User]:
        if role == Role.RECEIVER:
            return self.receivers(agency)
        return [self.officers.get(u.username, u) for u in officers_for(agency, role)]

    def one(self, agency: Agency, role: str) -> User:
        return self.rng.choice(self.holders(agency, role))

    def steps(self, version: ProcedureVersion) -> list[ProcedureStep]:
        if version.pk not in self._steps:
            self._steps[version.pk] = steps_of(version)
        return self._steps[version.pk]


@dataclass
class Story:
    clock: Clock
    cast: Cast
    version: ProcedureVersion
    variant: ProcedureVariant
    agency: Agency
    person: Person
    channel: int
    t: datetime
    account: User | None = None
    delivery: str = ResultDelivery.DESK
    business: bool = False
    with_file: bool = False
    dossier: Dossier = field(init=False)

    @property
    def rng(self) -> random.Random:
        return self.clock.rng

    @property
    def d(self) -> Dossier:
        return self.dossier

    def wait(self, hours: float) -> datetime:
        self.t = self.clock.after(self.t, hours)
        return self.t

    def step_wait(self, step: ProcedureStep | None, pace: tuple[float, float]) -> datetime:
        hours = float(step.working_hours) if step is not None else 0.0
        if hours > 0:
            return self.wait(hours * self.rng.uniform(*pace))
        # The applicant comes for the result, mostly by the appointment when it is on time.
        wait = self.rng.uniform(0.3, 6)
        due = self.d.due_at
        if pace == ON_TIME and due is not None and due > self.t:
            left = float(self.clock.calendar.working_hours_between(self.t, due))
            wait = min(wait, left * self.rng.uniform(0.3, 0.9))
        return self.wait(wait)

    def unit(self) -> Agency:
        """The unit accountable for the dossier now (an open dossier always has one)."""
        agency = self.d.handler_agency
        assert agency is not None, f"{self.d.code} has no handling unit"
        return agency

    def reload(self) -> None:
        self.dossier = Dossier.objects.get(pk=self.dossier.pk)

    def child(self, dossier: Dossier) -> Story:
        """The story of a linked child dossier, from the parent's moment on."""
        story = Story(
            clock=self.clock, cast=self.cast, version=dossier.version, variant=dossier.variant,
            agency=dossier.agency, person=self.person, channel=self.channel, t=self.t,
            account=self.account,
        )  # fmt: skip
        story.dossier = dossier
        return story

    # -- intake ------------------------------------------------------------------------------

    def applicant(self) -> services.Applicant:
        p, account = self.person, self.account
        business = account if self.business else None
        return services.Applicant(
            name=p.name, id_number=p.id_number, phone=p.phone, address=p.address,
            email=p.email if account or self.rng.random() < 0.7 else "",
            type=ApplicantType.BUSINESS if business else ApplicantType.CITIZEN,
            organisation_name=(business.organisation_name or p.name) if business else "",
            organisation_tax_code=business.tax_code if business else "",
        )  # fmt: skip

    def submit(self) -> Dossier:
        context = Context(self.rng, self.t.date(), self.person, self.agency.name, self.version.name)
        desk = self.channel != Channel.ONLINE
        by = self.cast.receivers(self.agency)[0] if desk else self.account
        uploads = [self.upload("to-khai.pdf", by)] if self.with_file else []
        submission = services.Submission(
            version=self.version, variant=self.variant, agency=self.agency,
            applicant=self.applicant(), data=build_answers(self.version.form_schema, context),
            result_delivery=self.delivery,
            delivery_address=self.person.address if self.delivery == ResultDelivery.POST else "",
            uploads=uploads,
        )  # fmt: skip
        self.dossier = services.submit_dossier(
            submission=submission, submitted_by=by, channel=self.channel, at=self.t
        ).dossier
        return self.dossier

    def upload(self, name: str, by: User | None) -> services.NewUpload:
        """A paper handed in with a move (stored with it, by the service)."""
        requirement = self.version.documents.order_by("pk").first()
        title = requirement.name if requirement else self.version.name
        content = one_page_pdf(title, self.person.name, f"Ban chup ngay {self.t:%d/%m/%Y}")
        # At the desk the receiver scans the papers brought in: they count as digitised.
        at_desk = by is not None and by.is_officer
        return services.NewUpload(
            io.BytesIO(content),
            name=name,
            requirement=requirement,
            origin=DossierFile.Origin.SCAN if at_desk else DossierFile.Origin.UPLOAD,
        )

    def accept(self) -> Dossier:
        quick = self.channel != Channel.ONLINE
        self.wait(self.rng.uniform(0.05, 0.3) if quick else self.rng.uniform(0.5, 6))
        receiver = self.d.handler or self.cast.one(self.unit(), Role.RECEIVER)
        self.dossier = services.accept_dossier(dossier=self.d, officer=receiver, at=self.t)
        return self.dossier

    def refuse(self) -> Dossier:
        self.wait(self.rng.uniform(0.3, 4))
        receiver = self.d.handler or self.cast.one(self.unit(), Role.RECEIVER)
        reasons = [self.rng.choice(REFUSALS)]
        self.dossier = services.refuse_dossier(
            dossier=self.d, officer=receiver, reasons=reasons, at=self.t
        )
        return self.dossier

    # -- processing --------------------------------------------------------------------------

    def take(self) -> User:
        """The officer holding the dossier, claiming it from the pool when nobody does."""
        d = self.d
        if d.handler is not None:
            return self.cast.officers.get(d.handler.username, d.handler)
        self.wait(self.rng.uniform(0.1, 1.2))
        officer = self.cast.one(self.unit(), d.handler_role)
        self.dossier = services.claim_dossier(dossier=d, officer=officer, at=self.t)
        return officer

    def step(self) -> ProcedureStep | None:
        position = self.d.step_position
        return next((s for s in self.cast.steps(self.version) if s.position == position), None)

    def at_decision(self) -> bool:
        """At the last approver step (earlier ones assign or review and hand on)."""
        step = self.step()
        if self.d.status != Status.PROCESSING or step is None or step.role != Role.APPROVER:
            return False
        return not any(
            s.role == Role.APPROVER and s.position > step.position
            for s in self.cast.steps(self.version)
        )

    def at_role(self, role: str) -> bool:
        step = self.step()
        return self.d.status == Status.PROCESSING and step is not None and step.role == role

    def hop(self, pace: tuple[float, float] = ON_TIME, *, approve: bool = True) -> None:
        """One move along the procedure by whoever holds the dossier now."""
        d = self.d
        if d.status == Status.PAYMENT_REQUESTED:
            # A step that collects fees asked for them: the applicant pays, then it goes on.
            self.pay()
            return
        officer = self.take()
        step = self.step()
        self.step_wait(step, pace)
        if d.status == Status.DECIDED and (step is None or step.role == Role.RECEIVER):
            self.give_result(officer)
        elif self.at_decision():
            note = "" if approve else "Hồ sơ không đủ điều kiện giải quyết theo quy định."
            self.dossier = services.decide_dossier(
                dossier=d, officer=officer, approve=approve, note=note, at=self.t
            )
        else:
            agency, handler = self.next_holder()
            self.dossier = services.forward_dossier(
                dossier=d, officer=officer, to_agency=agency, to_handler=handler, at=self.t
            )

    def next_holder(self) -> tuple[Agency, User | None]:
        d = self.d
        step = next_step(d)
        assert step is not None, f"{d.code} has no next step"
        candidates = agencies_for_step(d, step)
        current = d.handler_agency
        if current is not None and current in candidates:
            agency = current
        else:
            wanted = PREFERRED_AGENCY.get(self.version.code)
            preferred = [a for a in candidates if a.electronic_id == wanted]
            agency = (preferred or candidates)[0]
        if agency != current:
            return agency, None  # another unit's pool
        officers = [self.cast.officers.get(u.username, u) for u in officers_for(agency, step.role)]
        return agency, (self.rng.choice(officers) if len(officers) > 1 else None)

    def walk(self, hops: int, pace: tuple[float, float] = ON_TIME) -> None:
        for _ in range(hops):
            if self.d.status not in (
                Status.ACCEPTED,
                Status.PROCESSING,
                Status.PAYMENT_REQUESTED,
                Status.DECIDED,
            ):
                return
            self.hop(pace)

    def walk_until(self, done: Any, pace: tuple[float, float] = ON_TIME, limit: int = 12) -> None:
        for _ in range(limit):
            if done():
                return
            self.hop(pace)

    def to_decision(self, pace: tuple[float, float] = ON_TIME) -> None:
        self.walk_until(self.at_decision, pace)

    def finish(self, pace: tuple[float, float] = ON_TIME, *, approve: bool = True) -> None:
        """Decide, then hand the result over."""
        self.to_decision(pace)
        self.hop(pace, approve=approve)
        self.walk_until(lambda: self.d.status == Status.RETURNED, pace)

    def give_result(self, officer: User) -> None:
        method = self.delivery
        tracking = f"EB{self.rng.randrange(10**9):09d}VN" if method == ResultDelivery.POST else ""
        self.dossier = services.return_result(
            dossier=self.d, officer=officer, method=method, tracking_number=tracking, at=self.t
        )

    # -- everything else that happens to a dossier --------------------------------------------

    def ask_supplement(self) -> None:
        officer = self.take()
        self.wait(self.rng.uniform(0.3, 3))
        self.dossier = services.request_supplement(
            dossier=self.d, officer=officer, items=[dict(self.rng.choice(SUPPLEMENT_ITEMS))],
            at=self.t,
        )  # fmt: skip

    def supply(self) -> None:
        self.wait(self.rng.uniform(3, 24))
        # Online, the applicant supplies it; without an account, they bring it to the desk.
        own = self.account is not None and self.d.applicant_id == self.account.pk
        by = self.account if own else self.cast.receivers(self.d.agency)[0]
        upload = self.upload("bo-sung.pdf", by)
        self.dossier = services.provide_supplement(
            dossier=self.d, by=by, uploads=[upload], note="Đã bổ sung theo yêu cầu.", at=self.t
        )

    def expire_supplement(self) -> None:
        """The periodic job runs a little after the deadline and refuses the dossier."""
        deadline = self.d.supplement_deadline
        assert deadline is not None and deadline < self.clock.now
        later = deadline + timedelta(minutes=self.rng.randint(10, 600))
        self.t = min(later, self.clock.now)
        services.refuse_expired_supplements(now=self.t)
        self.dossier = Dossier.objects.get(pk=self.d.pk)

    def apologise(self) -> bool:
        officer = self.take()
        self.wait(self.rng.uniform(0.5, 4))
        due = self.d.due_at
        if due is None or self.t >= due:
            return False  # too late for the slip: the dossier is simply overdue
        new_due = self.clock.calendar.add_working_hours(due, 8 * self.rng.randint(2, 5))
        self.dossier = services.issue_apology(
            dossier=self.d, officer=officer, new_due_at=new_due, at=self.t,
            reason=self.rng.choice((
                "Cần xác minh thêm thông tin tại nơi đăng ký trước đây.",
                "Chờ ý kiến của cơ quan có liên quan.",
                "Hệ thống cơ sở dữ liệu chuyên ngành gián đoạn, chưa cập nhật được kết quả.",
            )),
        )  # fmt: skip
        return True

    def send_back(self) -> None:
        officer = self.take()
        self.wait(self.rng.uniform(0.5, 3))
        self.dossier = services.send_back_dossier(
            dossier=self.d, officer=officer, at=self.t,
            reason="Dự thảo kết quả còn sai thông tin; đề nghị kiểm tra lại.",
        )  # fmt: skip

    def consult(self, to_agency: Agency, *, answered: bool) -> None:
        officer = self.take()
        self.wait(self.rng.uniform(0.5, 4))
        consultation = services.consult_unit(
            dossier=self.d, officer=officer, to_agency=to_agency, at=self.t,
            question="Đề nghị cho ý kiến về nơi cư trú hiện tại của người yêu cầu.",
        )  # fmt: skip
        if answered:
            self.wait(self.rng.uniform(2, 14))
            services.answer_consultation(
                dossier=self.d, consultation_id=consultation.pk,
                officer=self.cast.one(to_agency, Role.SPECIALIST),
                answer="Người yêu cầu đang thường trú tại địa chỉ đã khai.", at=self.t,
            )  # fmt: skip
        self.dossier = Dossier.objects.get(pk=self.d.pk)

    def transfer(self, to_agency: Agency) -> None:
        officer = self.take()
        self.wait(self.rng.uniform(0.5, 4))
        self.dossier = services.transfer_dossier(
            dossier=self.d, officer=officer, to_agency=to_agency, at=self.t,
            reason=f"Người yêu cầu cư trú tại {to_agency.unit}; chuyển đơn vị có thẩm quyền.",
        )  # fmt: skip

    def ask_payment(self) -> None:
        officer = self.take()
        self.wait(self.rng.uniform(1, 8))
        amount = self.rng.randint(8, 120) * 50_000
        self.dossier = services.request_payment(
            dossier=self.d, officer=officer, amount=amount, at=self.t,
            note="Nộp lệ phí trước bạ và tiền sử dụng đất theo thông báo của cơ quan thuế.",
        )  # fmt: skip

    def pay(self) -> None:
        self.wait(self.rng.uniform(4, 30))
        # Paid online through VNPay (the callback as the IPN would bring it); a walk-in scans
        # the desk's VietQR and the bank's notification confirms it.
        provider = "vnpay" if self.account is not None else "vietqr"
        payment = payments.start_payment(
            dossier=self.d, provider=provider, by=self.account, at=self.t
        )
        payments.credit(
            provider=payment.provider,
            reference=payment.reference,
            amount=payment.amount,
            provider_transaction=f"{self.rng.randrange(10**8):08d}",
            kind="callback",
            payload={"demo": True},
            at=self.t,
        )
        self.dossier = Dossier.objects.get(pk=self.d.pk)

    def withdraw(self) -> None:
        self.wait(self.rng.uniform(1, 16))
        own = self.account is not None and self.d.applicant_id == self.account.pk
        by = self.account if own else self.cast.receivers(self.d.agency)[0]
        self.dossier = services.withdraw_dossier(
            dossier=self.d, by=by, at=self.t,  # type: ignore[arg-type]
            reason="Người nộp không còn nhu cầu giải quyết.",
        )  # fmt: skip

    def stop(self) -> None:
        self.wait(self.rng.uniform(1, 16))
        d = self.d
        leaders = self.cast.holders(self.unit(), Role.APPROVER) or self.cast.holders(
            d.agency, Role.APPROVER
        )
        self.dossier = services.stop_dossier(
            dossier=d, officer=self.rng.choice(leaders), at=self.t,
            reason="Người yêu cầu đề nghị dừng để bổ sung giấy tờ do tòa án cấp.",
        )  # fmt: skip
