"""A citizen's draft of an online dossier: the choices, the answers page by page, the files,
and the one step that turns it into a dossier.

A draft is not a dossier: it has no status and no code, only its owner sees it, and it
disappears when submitted. Every change goes through a function here (views never save); the
portal's pages and any other door use the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.catalog import schema_forms
from motcua.catalog.models import (
    DocumentRequirement,
    OnlineLevel,
    ProcedureVariant,
    ProcedureVersion,
)
from motcua.identity.models import Agency, User

from .applicants import applicant_for
from .files import NewUpload, StoredUploads
from .intake import Submission, earlier_submission, submit_dossier
from .models import Channel, Dossier, DossierFile, Draft, ResultDelivery
from .workflow import WorkflowError

PREVIOUS_DOSSIERS_FOR_PREFILL = 20
SUBMIT = DocumentRequirement.Submission.SUBMIT
# The part of the draft a problem is fixed in (the door turns it into its own page).
Where = Literal["choices", "page", "attachments", "check", "account"]

# Reads ----------------------------------------------------------------------------------


def owned_draft(user: Any, draft_id: int) -> Draft | None:
    """The draft if ``user`` owns it, else None (someone else's draft answers 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Draft.objects.select_related("version__procedure", "variant", "agency__unit")
        .filter(pk=draft_id, owner=user)
        .first()
    )


def user_drafts(user: Any) -> QuerySet[Draft]:
    return (
        Draft.objects.filter(owner=user)
        .select_related("version__procedure", "variant", "agency")
        .order_by("-updated_at")
    )


def delivery_choices(version: ProcedureVersion) -> list[tuple[str, str]]:
    """At the desk or by post always; the electronic result only for a full online service,
    where the result itself can be issued online."""
    choices = [ResultDelivery.DESK, ResultDelivery.POST]
    if version.online_level == OnlineLevel.FULL:
        choices.append(ResultDelivery.ONLINE)
    return [(c.value, str(c.label)) for c in choices]


def ward_agency(user: Any, agencies: QuerySet[Agency]) -> Agency | None:
    """The agency of the citizen's own ward among ``agencies``, when there is one."""
    unit_id = getattr(user, "address_unit_id", None)
    if unit_id is None:
        return None
    return agencies.filter(unit_id=unit_id).order_by("electronic_id").first()


def requirements_for(draft: Draft) -> list[DocumentRequirement]:
    """The documents of the draft's case: those of every case, and those of this one."""
    queryset = draft.version.documents.all()
    if draft.variant_id is not None:
        queryset = queryset.filter(Q(variants__isnull=True) | Q(variants=draft.variant_id))
    return list(queryset.distinct().order_by("position", "id"))


def files_by_requirement(draft: Draft) -> dict[int | None, list[DossierFile]]:
    grouped: dict[int | None, list[DossierFile]] = {}
    for upload in draft.files.all():
        grouped.setdefault(upload.requirement_id, []).append(upload)
    return grouped


def missing_uploads(draft: Draft) -> list[DocumentRequirement]:
    """Mandatory documents to be submitted (not only shown at the desk) with no file yet."""
    have = set(draft.files.values_list("requirement_id", flat=True))
    return [
        r
        for r in requirements_for(draft)
        if r.mandatory and r.submission == SUBMIT and r.pk not in have
    ]


def first_step(draft: Draft) -> tuple[Where, str]:
    """Where filling in starts: the first form page, else the files, else the check page."""
    all_pages = schema_forms.pages(draft.version.form_schema)
    if all_pages:
        return "page", all_pages[0].key
    if requirements_for(draft):
        return "attachments", ""
    return "check", ""


def submission_token(draft: Draft) -> str:
    """One key per draft: a second click or a refresh of "submit" finds the same dossier."""
    digest = salted_hmac("motcua.portal.drafts", f"{draft.pk}:{draft.created_at.isoformat()}")
    return f"draft-{draft.pk}-{digest.hexdigest()[:24]}"


@dataclass(frozen=True)
class Problem:
    """Something to fix before submitting, with where it is fixed (a form page by its key)
    and the field to point at."""

    message: str
    where: Where
    page_key: str = ""
    anchor: str = ""


def problems(draft: Draft, user: User) -> list[Problem]:
    """Everything that stops the draft being submitted, in the order the citizen meets it."""
    found: list[Problem] = []
    if draft.variant_id is None or draft.agency_id is None or not draft.result_delivery:
        found.append(
            Problem(
                _("Chưa chọn trường hợp, nơi giải quyết hoặc cách nhận kết quả."),
                "choices",
            )
        )
    for problem in schema_forms.validate(draft.version.form_schema, draft.data):
        path = tuple(problem.path.split(".")) if problem.path else ()
        anchor = "id_" + schema_forms.field_name(path) if path else ""
        found.append(Problem(problem.message, "page", problem.page_key, anchor))
    for requirement in missing_uploads(draft):
        found.append(
            Problem(
                _("Chưa tải lên “%(name)s”.") % {"name": requirement.name},
                "attachments",
                anchor=f"file-{requirement.pk}",
            )
        )
    applicant = applicant_for(user, data=draft.data)
    if not applicant.name:
        found.append(Problem(_("Tài khoản của bạn chưa có họ tên."), "account"))
    if not (applicant.phone or applicant.email or applicant.id_number):
        found.append(
            Problem(
                _("Tài khoản của bạn chưa có số điện thoại, thư điện tử hoặc số định danh."),
                "account",
            )
        )
    return found


# Changes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    variant: ProcedureVariant
    agency: Agency
    result_delivery: str
    delivery_address: str = ""
    exemption_claims: list[str] = field(default_factory=list)


def _previous_answers(user: User) -> list[Mapping[str, Any]]:
    rows = (
        Dossier.objects.filter(applicant=user)
        .order_by("-submitted_at")
        .values_list("data", flat=True)[:PREVIOUS_DOSSIERS_FOR_PREFILL]
    )
    return [data for data in rows if isinstance(data, dict)]


@transaction.atomic
def start_draft(*, user: User, version: ProcedureVersion, choices: Choices) -> Draft:
    """A new draft, its answers pre-filled from the profile and the citizen's earlier
    dossiers."""
    data = schema_forms.prefill(
        version.form_schema, profile=user.profile_prefill(), previous=_previous_answers(user)
    )
    return Draft.objects.create(
        owner=user,
        version=version,
        variant=choices.variant,
        agency=choices.agency,
        result_delivery=choices.result_delivery,
        delivery_address=_address(choices),
        exemption_claims=choices.exemption_claims,
        data=data,
    )


def _address(choices: Choices) -> str:
    if choices.result_delivery != ResultDelivery.POST:
        return ""
    return choices.delivery_address.strip()[:300]


@transaction.atomic
def change_choices(*, draft: Draft, choices: Choices) -> Draft:
    draft.variant = choices.variant
    draft.agency = choices.agency
    draft.result_delivery = choices.result_delivery
    draft.delivery_address = _address(choices)
    draft.exemption_claims = choices.exemption_claims
    draft.save(
        update_fields=[
            "variant",
            "agency",
            "result_delivery",
            "delivery_address",
            "exemption_claims",
            "updated_at",
        ]
    )
    return draft


@transaction.atomic
def save_answers(*, draft: Draft, data: dict[str, Any]) -> Draft:
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])
    return draft


def attach_file(
    *,
    draft: Draft,
    requirement: DocumentRequirement,
    stream: IO[bytes],
    name: str,
    user: User,
) -> DossierFile:
    """Store one file for one document of the draft; raises UploadError with the reason."""
    if requirement.version_id != draft.version_id:
        raise WorkflowError(_("Giấy tờ này không thuộc thủ tục của hồ sơ."))
    upload = NewUpload(stream, name=name, requirement=requirement)
    with StoredUploads() as stored, transaction.atomic():
        record = stored.store(upload, uploaded_by=user, draft=draft)
        _touch(draft)
    return record


def _touch(draft: Draft) -> None:
    draft.save(update_fields=["updated_at"])


def _forget_files(files: list[DossierFile]) -> None:
    # A reused file shares its stored object with the record it came from: keep the object.
    names = [
        (f.file.storage, f.file.name)
        for f in files
        if f.file.name and f.origin != DossierFile.Origin.REUSED
    ]

    def delete() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def remove_file(*, draft: Draft, file_id: int) -> bool:
    """Remove one file of the draft; False when the draft has no such file."""
    upload = draft.files.filter(pk=file_id).first()
    if upload is None:
        return False
    _forget_files([upload])
    upload.delete()
    _touch(draft)
    return True


@transaction.atomic
def delete_draft(*, draft: Draft) -> None:
    _forget_files(list(draft.files.all()))
    draft.delete()


def submit_draft(*, user: User, draft_id: int, token: str = "") -> Dossier | None:
    """Submit the draft as an online dossier, once: a repeated request (a double click, a
    refresh, two tabs) returns the dossier the first one created. None when the user has no
    such draft and never submitted it.

    No transaction is open around submit_dossier, so that it takes the dossier's code before
    its own (ADR 0010). Two requests for one draft at once both get that far; the draft's
    submission token lets only one make a dossier, the other answers with it."""
    earlier = earlier_submission(user, token)
    if earlier is not None:
        return earlier
    draft = Draft.objects.filter(pk=draft_id, owner=user).first()
    if draft is None:
        return earlier_submission(user, token)
    if not ProcedureVersion.objects.in_force().filter(pk=draft.version_id).exists():
        raise WorkflowError(
            _(
                "Thủ tục này đã thay đổi hoặc hết hiệu lực; vui lòng tạo hồ sơ mới theo thủ tục "
                "hiện hành."
            )
        )
    found = problems(draft, user)
    if found:
        raise WorkflowError(" ".join(p.message for p in found))
    assert draft.variant is not None and draft.agency is not None  # problems() checked
    submission = Submission(
        version=draft.version,
        variant=draft.variant,
        agency=draft.agency,
        applicant=applicant_for(user, data=draft.data),
        data=draft.data,
        result_delivery=draft.result_delivery,
        delivery_address=draft.delivery_address,
        exemption_claims=list(draft.exemption_claims or []),
    )
    key = submission_token(draft)
    try:
        return submit_dossier(
            submission=submission,
            submitted_by=user,
            channel=Channel.ONLINE,
            idempotency_key=key,
            key_checked=key == token,  # looked up first thing, and found no dossier
            draft=draft,
        ).dossier
    except IntegrityError:
        # The same draft submitted by another request at the same moment: it made the dossier.
        if (earlier := earlier_submission(user, key)) is not None:
            return earlier
        raise
