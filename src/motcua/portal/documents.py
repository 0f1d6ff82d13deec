"""Public verification of the documents the system issues, and the citizen's data store.

Anyone may check a PDF (a bank, a school, another agency): upload it, or open the address in
its QR code. The document's code is 16 random characters, so its page is shown to whoever holds
the document, as the paper itself would be — except the agency's internal documents (forms 04
and 06), whose page shows only that they exist, their hash and their signature status, and
whose file only the back office serves (documents.access). Uploads are counted per client
address.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.admission import retry_after
from motcua.core.http import client_ip
from motcua.core.throttle import verifications
from motcua.documents import services
from motcua.documents.access import is_internal
from motcua.documents.models import IssuedDocument
from motcua.documents.responses import pdf_response
from motcua.documents.store import store_items
from motcua.payments.providers import slip_transfer

from .access import citizen, citizen_required
from .my_dossiers import SLIPS as APPLICANT_SLIPS
from .my_dossiers import own_dossier

logger = logging.getLogger(__name__)


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        required=False,
        help_text=_("Tệp kết quả, giấy tiếp nhận hoặc phiếu do hệ thống cấp, dạng PDF."),
    )
    code = forms.CharField(
        label=_("Hoặc nhập mã văn bản"),
        required=False,
        max_length=40,
        help_text=_("16 ký tự in cạnh mã QR ở cuối văn bản."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(accept="application/pdf")
        self.fields["code"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload: UploadedFile | None = data.get("file")
        if upload is None and not data.get("code", "").strip():
            raise forms.ValidationError(_("Chọn tệp PDF hoặc nhập mã văn bản."))
        if upload is not None and upload.size and upload.size > max_bytes():
            self.add_error(
                "file",
                _("Tệp lớn hơn %(mb)s MB cho phép.") % {"mb": settings.UPLOAD_MAX_MB},
            )
        return data


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB * 1024 * 1024)


def _private(response: HttpResponse) -> HttpResponse:
    # The document's address is its code: no other site is told it (lookup._private says why
    # "same-origin" rather than "no-referrer").
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    return response


def _throttled(request: HttpRequest, context: dict[str, Any]) -> HttpResponse | None:
    limit, who = verifications(), client_ip(request)
    if limit.hit(who) <= limit.limit:
        return None
    context.update(throttled=True, seconds=limit.wait(who))
    response = render(request, "portal/documents/verify.html", context, status=429)
    response["Retry-After"] = str(context["seconds"])
    return _private(response)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/documents/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "portal/documents/verify.html", context, status=400)
    refused = _throttled(request, context)
    if refused is not None:
        return refused
    upload: UploadedFile | None = form.cleaned_data.get("file")
    if upload is None:
        document = services.by_code(form.cleaned_data["code"])
        if document is None:
            context["unknown_code"] = True
            return _private(render(request, "portal/documents/verify.html", context, status=404))
        return redirect("portal:document", document.code)
    content = upload.read(max_bytes() + 1)
    try:
        check = services.check_file(content)
    except services.VerificationBusy as busy:
        context.update(busy=busy.message, seconds=retry_after())
        response = render(request, "portal/documents/verify.html", context, status=503)
        response["Retry-After"] = str(context["seconds"])
        return _private(response)
    context.update(check=check, name=upload.name)
    context["verdict_text"] = services.VERDICTS[context["check"].verdict]
    return _private(render(request, "portal/documents/verify.html", context))


def _document(code: str) -> IssuedDocument:
    document = services.by_code(code)
    if document is None:
        raise Http404
    return document


@require_GET
def document(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code opens: the document as the system issued it, verified now."""
    found = _document(code)
    context: dict[str, Any] = {
        "form": VerifyForm(),
        "document": found,
        "internal": is_internal(found),
    }
    refused = _throttled(request, context)
    if refused is not None:
        return refused
    try:
        check = services.check_stored(found)
    except FileNotFoundError as error:
        raise Http404 from error
    context.update(check=check, verdict_text=services.VERDICTS[check.verdict])
    return _private(render(request, "portal/documents/document.html", context))


@require_GET
def document_file(request: HttpRequest, code: str) -> HttpResponse:
    found = _document(code)
    if is_internal(found):
        # Forms 04 and 06 are the agency's: served only by the back office, to an officer who
        # may read them (signed in, second factor, documents.access.may_open).
        return redirect("backoffice:document-file", found.code)
    try:
        stream = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        stream, as_attachment=True, filename=f"{found.code}.pdf", content_type="application/pdf"
    )
    return _private(cast(HttpResponse, response))


@require_GET
def revocation_list(request: HttpRequest) -> HttpResponse:
    """The development CA's certificate revocation list (the address its certificates name)."""
    from motcua.documents.pki import crl_path

    path = crl_path()
    if not path.exists():
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@citizen_required
@require_GET
def data_store(request: HttpRequest) -> HttpResponse:
    """Kho dữ liệu: every result issued to the citizen and every paper they gave before, ready
    to be attached to a new dossier instead of uploading it again."""
    items = store_items(citizen(request))
    return render(request, "portal/documents/store.html", {"items": items})


@citizen_required
@require_GET
def slip_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The applicant's slip as a PDF signed with the agency's key."""
    dossier = own_dossier(request, code)
    if number not in APPLICANT_SLIPS:
        # Form 04 is the agency's internal control slip (officers, hand-over notes).
        raise Http404
    try:
        transfer = slip_transfer(dossier, by=citizen(request)) if number == "01" else None
        found = services.slip_document(dossier, number, transfer=transfer)
    except services.IssueError:
        # The reason (a key, a token, a timestamp server) is for the technical team, not here.
        logger.exception("Slip %s of dossier %s could not be signed", number, dossier.code)
        return render(
            request, "portal/documents/issue_error.html", {"dossier": dossier}, status=503
        )
    if found is None:
        raise Http404
    return pdf_response(found)
