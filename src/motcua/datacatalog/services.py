"""Every change of the data catalogue is one of these services: each asks the rule table
(rules.py), locks the rows it moves, changes them in one transaction and records who and when
(a ProposalEvent; the version's approver and time). A refused change raises CatalogueError with
a message for the person and, when it comes from one field, that field's name.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.page_cache import bump
from motcua.identity.models import Agency, User

from . import rules, selectors
from .models import (
    PENDING_STATUSES,
    CatalogueVersion,
    Database,
    DatabaseField,
    Proposal,
    ProposalEvent,
    ProposalKind,
    ProposalStatus,
)
from .specs import CatalogueConflict, CatalogueError, DatabaseSpec, check_code, check_spec


def _guard(user: User, action: str, proposal: Proposal) -> None:
    reason = rules.why_not(user, action, proposal)
    if reason is not None:
        raise CatalogueError(reason)


def _checked(kind: str, code: str, agency: Agency, spec: DatabaseSpec | None,
             current: dict[str, DatabaseSpec]) -> dict[str, object]:  # fmt: skip
    """The proposal's content once it fits the catalogue ``current`` (code → spec)."""
    if kind not in ProposalKind.values:
        raise CatalogueError(_("Loại đề xuất không hợp lệ."), "kind")
    check_code(code)
    existing = current.get(code)
    if kind == ProposalKind.ADD and existing is not None:
        raise CatalogueError(_("Mã %(code)s đã có trong danh mục.") % {"code": code}, "code")
    if kind != ProposalKind.ADD:
        if existing is None:
            raise CatalogueError(_("Mã %(code)s không có trong danh mục.") % {"code": code}, "code")
        if existing.owner_id != agency.pk:
            raise CatalogueError(
                _("Chỉ cơ quan chủ quản của cơ sở dữ liệu được đề xuất thay đổi nó."), "code"
            )
    if kind == ProposalKind.RETIRE:
        return {}
    if spec is None:
        raise CatalogueError(_("Đề xuất cần nội dung của cơ sở dữ liệu."))
    spec = replace(spec, code=code, owner_id=agency.pk)
    check_spec(spec)
    if kind == ProposalKind.CHANGE and spec == existing:
        raise CatalogueError(_("Nội dung đề xuất chưa khác gì so với danh mục hiện hành."))
    return spec.as_json()


def _event(proposal: Proposal, by: User, before: str, note: str, at: datetime) -> None:
    ProposalEvent.objects.create(proposal=proposal, at=at, actor=by, from_status=before,
                                 to_status=proposal.status, note=note)  # fmt: skip


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CatalogueError(_("Hãy nêu lý do đề xuất."), "reason")
    return reason


def create_proposal(
    *,
    kind: str,
    agency: Agency,
    code: str,
    spec: DatabaseSpec | None,
    reason: str,
    by: User,
    at: datetime | None = None,
) -> Proposal:
    refusal = rules.may_propose_for(by, agency)
    if refusal is not None:
        raise CatalogueError(refusal, "agency")
    now = at or timezone.now()
    current = selectors.specs_of(selectors.current_version())
    content = _checked(kind, code, agency, spec, current)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            kind=kind, agency=agency, code=code, content=content, reason=_reason(reason),
            created_by=by, created_at=now, updated_at=now,
        )  # fmt: skip
        _event(proposal, by, "", "", now)
    return proposal


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("agency").get(pk=proposal.pk)


def update_proposal(
    *, proposal: Proposal, spec: DatabaseSpec | None, reason: str, by: User,
    at: datetime | None = None,
) -> Proposal:  # fmt: skip
    now = at or timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal)
        _guard(by, "edit", proposal)
        current = selectors.specs_of(selectors.current_version())
        proposal.content = _checked(proposal.kind, proposal.code, proposal.agency, spec, current)
        proposal.reason, proposal.updated_at = _reason(reason), now
        proposal.save(update_fields=["content", "reason", "updated_at"])
    return proposal


def submit_proposal(*, proposal: Proposal, by: User, at: datetime | None = None) -> Proposal:
    """Send the proposal to the coordinator; one pending proposal per database at a time."""
    now = at or timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal)
        _guard(by, "submit", proposal)
        current = selectors.specs_of(selectors.current_version())
        spec = DatabaseSpec.from_json(proposal.content) if proposal.content else None
        _checked(proposal.kind, proposal.code, proposal.agency, spec, current)
        rival = Proposal.objects.filter(
            code=proposal.code, status__in=PENDING_STATUSES).exclude(pk=proposal.pk)  # fmt: skip
        if rival.exists():
            raise CatalogueError(
                _("Cơ sở dữ liệu %(code)s đang có một đề xuất khác chờ thẩm định hoặc phê duyệt.")
                % {"code": proposal.code}
            )
        before, proposal.status, proposal.updated_at = (
            proposal.status,
            ProposalStatus.SUBMITTED,
            now,
        )
        proposal.save(update_fields=["status", "updated_at"])
        _event(proposal, by, before, "", now)
    return proposal


def withdraw_proposal(*, proposal: Proposal, by: User, at: datetime | None = None) -> Proposal:
    """The proposing agency takes back a proposal not yet reviewed; it is kept, with its
    history, and no longer holds its database code."""
    now = at or timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal)
        _guard(by, "withdraw", proposal)
        before, proposal.status, proposal.updated_at = (
            proposal.status, rules.MOVES["withdraw"], now)  # fmt: skip
        proposal.save(update_fields=["status", "updated_at"])
        _event(proposal, by, before, "", now)
    return proposal


def review_proposal(
    *, proposal: Proposal, decision: str, note: str, by: User, at: datetime | None = None
) -> Proposal:
    """The coordinator accepts, returns for changes or rejects, always with a note."""
    if decision not in rules.DECISIONS:
        raise CatalogueError(_("Chọn một kết quả thẩm định."), "decision")
    note = note.strip()
    if not note:
        raise CatalogueError(_("Hãy ghi ý kiến thẩm định."), "note")
    now = at or timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal)
        _guard(by, decision, proposal)
        before = proposal.status
        proposal.status, proposal.review_note, proposal.updated_at = (
            rules.MOVES[decision], note, now)  # fmt: skip
        proposal.save(update_fields=["status", "review_note", "updated_at"])
        _event(proposal, by, before, note, now)
    return proposal


def approve_version(
    *,
    by: User,
    effective_from: date,
    decision: str = "",
    note: str = "",
    at: datetime | None = None,
) -> CatalogueVersion:
    """The city approves a new version: the current one with every accepted proposal applied,
    in the order they were accepted. Nothing is written unless every proposal still applies."""
    refusal = rules.why_not_approve(by)
    if refusal is not None:
        raise CatalogueError(refusal)
    now = at or timezone.now()
    with transaction.atomic():
        # The versions' table is the lock: two approvals at once would make the same number.
        latest = CatalogueVersion.objects.select_for_update().order_by("-number").first()
        accepted = list(
            Proposal.objects.select_for_update().select_related("agency")
            .filter(status=ProposalStatus.ACCEPTED).order_by("updated_at", "id")
        )  # fmt: skip
        if not accepted:
            raise CatalogueError(_("Chưa có đề xuất nào đã thẩm định để đưa vào phiên bản mới."))
        if latest is not None and effective_from < timezone.localdate(latest.approved_at):
            raise CatalogueError(
                _("Ngày hiệu lực không thể trước ngày phê duyệt phiên bản trước."), "effective_from"
            )
        catalogue = selectors.specs_of(latest)
        for proposal in accepted:
            _apply(proposal, catalogue)
        try:
            # The lock above holds nothing when no version exists yet (and on PostgreSQL the
            # second approval reads the number it waited on, not the one committed meanwhile):
            # the unique number is what finally refuses the second approval, with a reason.
            with transaction.atomic():
                version = CatalogueVersion.objects.create(
                    number=(latest.number if latest else 0) + 1, approved_at=now,
                    approved_by=by, effective_from=effective_from, decision=decision.strip(),
                    note=note.strip(),
                )  # fmt: skip
        except IntegrityError as error:
            raise CatalogueConflict(
                _("Một phiên bản khác vừa được phê duyệt cùng lúc. Hãy tải lại trang, kiểm tra "
                  "các đề xuất còn chờ rồi phê duyệt lại.")
            ) from error  # fmt: skip
        _write(version, catalogue)
        for proposal in accepted:
            proposal.status, proposal.version, proposal.updated_at = (
                ProposalStatus.APPROVED, version, now)  # fmt: skip
            proposal.save(update_fields=["status", "version", "updated_at"])
            _event(proposal, by, ProposalStatus.ACCEPTED, "", now)
        transaction.on_commit(bump)  # the public pages show the new version at once
    return version


def _apply(proposal: Proposal, catalogue: dict[str, DatabaseSpec]) -> None:
    spec = DatabaseSpec.from_json(proposal.content) if proposal.content else None
    try:
        _checked(proposal.kind, proposal.code, proposal.agency, spec, catalogue)
    except CatalogueError as error:
        raise CatalogueError(
            _("Đề xuất %(what)s không còn áp dụng được: %(why)s")
            % {"what": str(proposal), "why": error.message}
        ) from error
    if proposal.kind == ProposalKind.RETIRE:
        del catalogue[proposal.code]
    else:
        assert spec is not None
        catalogue[proposal.code] = replace(spec, code=proposal.code, owner_id=proposal.agency_id)


def _write(version: CatalogueVersion, catalogue: dict[str, DatabaseSpec]) -> None:
    owners = Agency.objects.in_bulk({s.owner_id for s in catalogue.values()})
    for position, code in enumerate(sorted(catalogue), start=1):
        spec = catalogue[code]
        database = Database.objects.create(
            version=version, position=position, code=code, name=spec.name, name_en=spec.name_en,
            owner_id=spec.owner_id, owner_name=owners[spec.owner_id].name, purpose=spec.purpose,
            legal_basis=spec.legal_basis, system=spec.system, frequency=spec.frequency,
            sharing=spec.sharing,
        )  # fmt: skip
        DatabaseField.objects.bulk_create(
            DatabaseField(database=database, position=n, name=f.name, type=f.type,
                          description=f.description, personal=f.personal, sharing=f.sharing)
            for n, f in enumerate(spec.fields, start=1)
        )  # fmt: skip
