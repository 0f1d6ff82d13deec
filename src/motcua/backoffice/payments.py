"""The daily payment reconciliation of the officer's units, per provider: a page, CSV and XLSX."""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.core.security import announce
from motcua.identity.models import User
from motcua.payments.reconciliation import as_csv, as_xlsx, reconcile

from .access import officer_required
from .form_fields import VietnameseDateField
from .reports import _own_agencies

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DayForm(forms.Form):
    ngay = VietnameseDateField(label=_("Ngày"), required=False)


@officer_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = DayForm({"ngay": request.GET.get("ngay", "")}, label_suffix="")
    if not form.is_valid():
        return render(request, "backoffice/reconciliation.html", {"form": form}, status=400)
    day: date = form.cleaned_data["ngay"] or timezone.localdate()
    rows = reconcile(_own_agencies(user), day)
    wanted = request.GET.get("dinh-dang")
    if wanted in ("csv", "xlsx"):
        announce("data.exported", request=request, target="reconciliation",
                 detail={"format": wanted, "day": day.isoformat()})  # fmt: skip
        content: str | bytes = as_csv(rows) if wanted == "csv" else as_xlsx(rows, day)
        response = HttpResponse(content, content_type="text/csv" if wanted == "csv" else XLSX)
        name = f"doi-soat-thanh-toan-{day:%Y-%m-%d}.{wanted}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "backoffice/reconciliation.html",
        {"form": form, "rows": rows, "day": day, "day_text": f"{day:%d/%m/%Y}"},
    )
