"""Every state change of a dossier, by name. The doors take actions through
:func:`.rules.perform` (the action table chooses the service); the demo, jobs and other apps
call these."""

from .closing import return_result, stop_dossier, withdraw_dossier
from .files import NewUpload, StoredUploads, UploadError, store_upload
from .intake import (
    Applicant,
    Submission,
    SubmissionRejected,
    Submitted,
    accept_dossier,
    check_submission,
    earlier_submission,
    provide_supplement,
    refuse_dossier,
    request_supplement,
    submit_dossier,
)
from .late import issue_apology, mark_late_dossiers, refuse_expired_supplements
from .payment_requests import (
    confirm_payment,
    refuse_exemption_claims,
    request_payment,
    requested_amount,
)
from .processing import (
    answer_consultation,
    claim_dossier,
    consult_unit,
    decide_dossier,
    forward_dossier,
    send_back_dossier,
    transfer_dossier,
)
from .workflow import NotPermitted, WorkflowError

__all__ = [
    "Applicant",
    "NewUpload",
    "NotPermitted",
    "StoredUploads",
    "Submission",
    "SubmissionRejected",
    "Submitted",
    "UploadError",
    "WorkflowError",
    "accept_dossier",
    "answer_consultation",
    "check_submission",
    "claim_dossier",
    "confirm_payment",
    "consult_unit",
    "decide_dossier",
    "earlier_submission",
    "forward_dossier",
    "issue_apology",
    "mark_late_dossiers",
    "provide_supplement",
    "refuse_dossier",
    "refuse_exemption_claims",
    "refuse_expired_supplements",
    "request_payment",
    "request_supplement",
    "requested_amount",
    "return_result",
    "send_back_dossier",
    "stop_dossier",
    "store_upload",
    "submit_dossier",
    "transfer_dossier",
    "withdraw_dossier",
]
