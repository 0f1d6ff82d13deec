"""Sổ theo dõi hồ sơ (form 06): the dossiers received by the officer's units in a period,
as a table and as a CSV file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core.security import announce
from motcua.documents.responses import pdf_response
from motcua.documents.services import IssueError, issue_ledger
from motcua.dossiers.access import officer_scope
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.identity.models import Agency, User

from .access import officer_required
from .form_fields import VietnameseDateField

MAX_DAYS = 366
PAGE_SIZE = 50


class LedgerForm(forms.Form):
    tu = VietnameseDateField(label=_("Từ ngày"), required=False)
    den = VietnameseDateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("tu") or self.today.replace(day=1)
        end = cleaned.get("den") or self.today
        if "tu" in self.errors or "den" in self.errors:
            return cleaned
        if end < start:
            raise ValidationError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(_("Mỗi lần xem tối đa 366 ngày."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def ledger_dossiers(user: User, start: date, end: date) -> DossierQuerySet:
    """Dossiers submitted to the officer's units from ``start`` to ``end`` (local days)."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    queryset = Dossier.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
    scope = officer_scope(user)
    if not scope.is_system_admin:
        queryset = queryset.filter(agency__in=scope.agency_ids)
    return queryset.select_related("version", "agency").order_by("submitted_at", "code")


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _cell(text: str) -> str:
    # A name typed by an applicant must not run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(dossiers: DossierQuerySet) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow([
        gettext("STT"), gettext("Mã hồ sơ"), gettext("Người nộp"),
        gettext("Thủ tục"), gettext("Cơ quan"), gettext("Kênh"),
        gettext("Nộp lúc"), gettext("Tiếp nhận lúc"), gettext("Hẹn trả"),
        gettext("Trả kết quả lúc"), gettext("Trạng thái"),
    ])  # fmt: skip
    for number, d in enumerate(dossiers.iterator(chunk_size=500), start=1):
        yield writer.writerow([
            number, d.code, _cell(d.organisation_name or d.applicant_name), _cell(d.version.name),
            d.agency.name, d.get_channel_display(), _when(d.submitted_at), _when(d.accepted_at),
            _when(d.due_at), _when(d.returned_at), d.status_label,
        ])  # fmt: skip


@officer_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponseBase:
    user = cast(User, request.user)
    today = timezone.localdate()
    params = {k: v for k, v in request.GET.items() if k in ("tu", "den")}
    form = LedgerForm(params, today=today)
    if not form.is_valid():
        return render(request, "backoffice/ledger.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    dossiers = ledger_dossiers(user, start, end)
    if request.GET.get("dinh-dang") == "csv":
        announce("data.exported", request=request, target="ledger", detail={
            "format": "csv", "from": start.isoformat(), "to": end.isoformat(),
        })  # fmt: skip
        response = StreamingHttpResponse(_csv_lines(dossiers), content_type="text/csv")
        name = f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query["tu"], csv_query["den"] = f"{start:%d/%m/%Y}", f"{end:%d/%m/%Y}"
    csv_query["dinh-dang"] = "csv"
    return render(request, "backoffice/ledger.html", {
        "form": form, "page": page, "start": start, "end": end,
        "query": query.urlencode(), "csv_query": csv_query.urlencode(),
        "pdf_rows_max": PDF_ROWS_MAX, "pdf_units": signing_units(user),
    })  # fmt: skip


PDF_ROWS_MAX = 2000  # about 200 landscape pages: past that, a shorter period


def signing_units(user: User) -> list[Agency]:
    """The units whose ledger this officer may sign (their own, not a system admin's all)."""
    return list(Agency.objects.filter(pk__in=officer_scope(user).agency_ids).order_by("name"))


@officer_required
@require_POST
def ledger_pdf(request: HttpRequest) -> HttpResponseBase:
    """The ledger of one of the officer's units for the period, as a PDF signed with that
    unit's key (form 06); a POST, since it issues a document."""
    user = cast(User, request.user)
    form = LedgerForm(
        {k: v for k, v in request.POST.items() if k in ("tu", "den")}, today=timezone.localdate()
    )
    units = signing_units(user)
    wanted = request.POST.get("don-vi", "")
    agency = next((a for a in units if a.electronic_id == wanted), units[0] if units else None)
    if agency is None:
        form.add_error(None, _("Chỉ cán bộ của một đơn vị mới tải được sổ có chữ ký số."))
    if not form.is_valid():
        return render(request, "backoffice/ledger.html", {"form": form}, status=400)
    assert agency is not None
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = list(ledger_dossiers(user, start, end).filter(agency=agency)[: PDF_ROWS_MAX + 1])
    if len(rows) > PDF_ROWS_MAX:
        form.add_error(
            None,
            _("Sổ có hơn %(n)s hồ sơ; hãy chọn khoảng thời gian ngắn hơn để tải PDF.")
            % {"n": PDF_ROWS_MAX},
        )
        return render(request, "backoffice/ledger.html", {"form": form}, status=400)
    try:
        document = issue_ledger(agency=agency, officer=user, rows=rows, start=start, end=end)
    except IssueError as error:
        form.add_error(None, error.message)
        return render(request, "backoffice/ledger.html", {"form": form}, status=503)
    announce("data.exported", request=request, target=f"ledger:{agency.electronic_id}", detail={
        "format": "pdf", "from": start.isoformat(), "to": end.isoformat(), "rows": len(rows),
    })  # fmt: skip
    return pdf_response(document)
