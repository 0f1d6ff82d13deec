"""Receiving a dossier in person (or by post) at the one-stop desk: choose the procedure,
type the applicant's details and answers, scan the papers, then accept on the dossier page."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.selectors import CatalogueFilter, procedure_in_force, procedures_in_force
from motcua.dossiers.access import officer_scope
from motcua.dossiers.rules import receiving_agencies
from motcua.dossiers.services import UploadError, WorkflowError, submit_dossier
from motcua.identity.models import Agency, User

from . import desk
from .access import officer_required
from .answers import AnswerForms


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _not_a_receiver(request: HttpRequest) -> HttpResponse:
    message = _("Chỉ cán bộ tiếp nhận của bộ phận một cửa mới tiếp nhận hồ sơ trực tiếp.")
    return render(request, "backoffice/desk/not_receiver.html", {"message": message}, status=403)


@officer_required
@require_GET
def receive_start(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    agencies = receiving_agencies(user)
    is_admin = officer_scope(user).is_system_admin
    if not agencies and not is_admin:
        return _not_a_receiver(request)
    form = desk.ProcedureSearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    versions = procedures_in_force(CatalogueFilter(q=q))
    if not is_admin:
        levels = set(Agency.objects.filter(pk__in=agencies).values_list("unit__level", flat=True))
        at_my_levels = Q(pk__in=[])
        for level in levels:
            at_my_levels |= Q(levels__contains=f",{level},")
        versions = versions.filter(at_my_levels)
    page = Paginator(versions, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "q": q, "query": query.urlencode()}
    return render(request, "backoffice/desk/start.html", context)


@officer_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, code: str) -> HttpResponse:
    user = _officer(request)
    if not receiving_agencies(user) and not officer_scope(user).is_system_admin:
        return _not_a_receiver(request)
    version = procedure_in_force(code)
    if version is None:
        raise Http404
    posted = request.method == "POST"
    form = desk.WalkInForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        version=version,
        officer=user,
    )
    answers = AnswerForms(version.form_schema, post=request.POST if posted else None)
    context = {"version": version, "form": form, "answers": answers}
    if not form.fields["agency"].queryset.exists():  # type: ignore[attr-defined]
        context["unavailable"] = _(
            "Các đơn vị bạn tiếp nhận hồ sơ không giải quyết thủ tục này. Hãy hướng dẫn người "
            "nộp đến đơn vị có thẩm quyền."
        )
        return render(request, "backoffice/desk/receive.html", context, status=409)
    if not posted:
        return render(request, "backoffice/desk/receive.html", context)
    valid = [form.is_valid(), answers.is_valid()]  # both, so every error shows at once
    if all(valid):
        try:
            dossier = submit_dossier(
                submission=form.submission(answers.data()),
                submitted_by=user,
                channel=form.cleaned_data["channel"],
                idempotency_key=form.cleaned_data["key"],
            ).dossier
        except UploadError as error:
            form.add_error(error.key or None, error.message)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Đã nhận hồ sơ %(code)s. Kiểm tra rồi tiếp nhận, từ chối hoặc yêu cầu bổ sung.")
                % {"code": dossier.code},
            )
            return redirect("backoffice:dossier", code=dossier.code)
    context["forms"] = [form, *answers.forms]
    return render(request, "backoffice/desk/receive.html", context, status=400)
