"""The audit log in the back office (docs/audit.md): filters, pages, and a CSV export that is
itself recorded. System administrators read all of it, unit administrators their officers'."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.audit.chain import link_waiting
from motcua.audit.models import Entry
from motcua.audit.selectors import entries_for, filtered, may_read_log
from motcua.core.security import announce

from .access import officer_required
from .form_fields import VietnameseDateField
from .ledger import _cell, _Echo

PAGE_SIZE = 50


class AuditFilter(forms.Form):
    su_kien = forms.CharField(
        label=_("Sự kiện"),
        required=False,
        max_length=64,
        help_text=_("Ví dụ: signin, access.denied, record.changed."),
    )
    nguoi = forms.CharField(
        label=_("Người thực hiện (tên đăng nhập)"), required=False, max_length=200
    )
    tu = VietnameseDateField(label=_("Từ ngày"), required=False)
    den = VietnameseDateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("tu"), cleaned.get("den")
        if start and end and end < start:
            raise ValidationError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return cleaned


def _when(entry: Entry) -> str:
    return timezone.localtime(entry.recorded_at).strftime("%H:%M:%S %d/%m/%Y")


def _csv_lines(entries: QuerySet[Entry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow([
        gettext("Số thứ tự"), gettext("Thời điểm"), gettext("Sự kiện"), gettext("Người thực hiện"),
        gettext("Mã người dùng"), gettext("Địa chỉ IP"), gettext("Phiên (mã băm)"),
        gettext("Mã truy cập API"), gettext("Đối tượng"), gettext("Chi tiết"), gettext("Mã băm"),
    ])  # fmt: skip
    for e in entries.iterator(chunk_size=1000):
        yield writer.writerow([
            e.sequence, _when(e), e.event, _cell(e.actor), e.actor_id or "", e.address,
            e.session, e.token_id or "", _cell(e.target), _cell(str(e.detail)), e.hash,
        ])  # fmt: skip


@officer_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponseBase:
    if not may_read_log(request.user):
        raise PermissionDenied
    params = {k: v for k, v in request.GET.items() if k in AuditFilter.base_fields}
    form = AuditFilter(params)
    if not form.is_valid():
        return render(request, "backoffice/audit_log.html", {"form": form}, status=400)
    choice = {
        "event": form.cleaned_data["su_kien"], "person": form.cleaned_data["nguoi"],
        "start": form.cleaned_data["tu"], "end": form.cleaned_data["den"],
    }  # fmt: skip
    link_waiting()  # the reports read until now are in the log shown
    entries = filtered(entries_for(request.user), **choice)
    if request.GET.get("dinh-dang") == "csv":
        filters = {name: str(value or "") for name, value in choice.items()}
        announce(
            "data.exported",
            request=request,
            target="audit:log",
            detail={"format": "csv", "filters": filters},
        )
        response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv")
        name = f"nhat-ky-kiem-toan-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query["dinh-dang"] = "csv"
    return render(request, "backoffice/audit_log.html", {
        "form": form, "page": page, "query": query.urlencode(), "csv_query": csv_query.urlencode(),
    })  # fmt: skip
