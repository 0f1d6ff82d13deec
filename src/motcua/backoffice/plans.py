"""Plans with targets and tasks: the list, one plan's progress, the leaders' forms, the task
owners' update form, the evidence files and the export.

A plan the person may not read answers 404 on every URL; what they may change is the domain's
rule table (motcua.plans.rules), asked before a form is shown and again by the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.http import stored_file_response
from motcua.core.security import announce
from motcua.dossiers.files import NewUpload
from motcua.identity.models import Agency, User
from motcua.plans import rules, selectors, services
from motcua.plans.models import Plan, Target, Task, TaskStatus
from motcua.plans.services import PlanError, PlanFields, TargetFields, TaskFields

from . import plans_export
from .access import officer_required
from .plans_forms import PlanForm, TargetForm, TaskForm, TaskUpdateForm, ValueForm


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _plan_or_404(user: User, pk: int) -> Plan:
    plan = selectors.plan_for(user, pk)
    if plan is None:
        raise Http404
    return plan


def _owners(user: User) -> Any:
    led = rules.led_agencies(user)
    return Agency.objects.order_by("name") if led is None else Agency.objects.filter(
        pk__in=[a.pk for a in led]).order_by("name")  # fmt: skip


@officer_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    plans = selectors.plans_listed(user, timezone.localdate())
    led = rules.led_agencies(user)
    return render(request, "backoffice/plans/list.html", {
        "plans": plans, "may_create": led is None or bool(led),
    })  # fmt: skip


@officer_required
@require_GET
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    progress = selectors.plan_progress(plan, timezone.localdate())
    return render(request, "backoffice/plans/detail.html", {
        "plan": plan, "progress": progress,
        "may_edit": rules.may(user, "edit_plan", plan),
        "may_enter": {t.pk for t in plan.targets.all() if rules.may(user, "enter_value", t)},
        "may_update": {t.pk for t in plan.tasks.all() if rules.may(user, "update_task", t)},
    })  # fmt: skip


# The forms ------------------------------------------------------------------------------------

Perform = Callable[[dict[str, Any]], object]


def _form_page(
    request: HttpRequest,
    *,
    plan: Plan | None,
    form: forms.Form,
    title: str | Promise,
    perform: Perform,
    refusal: str | None = None,
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST validates it and calls the service, whose refusal is shown
    beside its field. A person the rules refuse gets the reason and 403; a bad form 400."""
    context: dict[str, Any] = {"plan": plan, "form": form, "title": title, "multipart": multipart}
    context.update(extra or {})
    if refusal is not None:
        context["unavailable"] = refusal
        return render(request, "backoffice/plans/form.html", context, status=403)
    if request.method == "POST" and form.is_valid():
        try:
            done = perform(form.cleaned_data)
        except PlanError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã lưu."))
            target = done if isinstance(done, Plan) else plan
            return redirect("backoffice:plan", pk=cast(Plan, target).pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/plans/form.html", context, status=status)


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _plan_fields(data: dict[str, Any]) -> PlanFields:
    return PlanFields(name=data["name"], reference=data["reference"],
                      starts_on=data["starts_on"], ends_on=data["ends_on"],
                      owner=data["owner"], description=data["description"])  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    owners = _owners(user)
    form = PlanForm(_posted(request)[0], owners=owners)
    refusal = None if owners.exists() else _("Chỉ lãnh đạo cơ quan được lập kế hoạch.")
    return _form_page(request, plan=None, form=form, title=gettext_lazy("Lập kế hoạch"),
                      refusal=refusal,
                      perform=lambda d: services.create_plan(
                          fields=_plan_fields(d), by=user))  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    owners = _owners(user) | Agency.objects.filter(pk=plan.owner_id)
    initial = {f: getattr(plan, f) for f in ("name", "reference", "starts_on", "ends_on",
                                             "owner", "description")}  # fmt: skip
    form = PlanForm(_posted(request)[0], owners=owners.distinct(), initial=initial)
    return _form_page(request, plan=plan, form=form, title=gettext_lazy("Sửa kế hoạch"),
                      refusal=rules.why_not(user, "edit_plan", plan),
                      perform=lambda d: services.update_plan(
                          plan=plan, fields=_plan_fields(d), by=user))  # fmt: skip


def _target_fields(data: dict[str, Any]) -> TargetFields:
    return TargetFields(name=data["name"], indicator=data["indicator"], value=data["value"],
                        deadline=data["deadline"], agencies=list(data["agencies"]),
                        comparison=data["comparison"],
                        unit_of_measure=data["unit_of_measure"])  # fmt: skip


def _target_of(plan: Plan, target_id: int) -> Target:
    target = next((t for t in plan.targets.all() if t.pk == target_id), None)
    if target is None:
        raise Http404
    return target


@officer_required
@require_http_methods(["GET", "POST"])
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    form = TargetForm(_posted(request)[0], initial={"deadline": plan.ends_on})
    return _form_page(request, plan=plan, form=form, title=gettext_lazy("Thêm chỉ tiêu"),
                      refusal=rules.why_not(user, "add_target", plan),
                      perform=lambda d: services.add_target(
                          plan=plan, fields=_target_fields(d), by=user))  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int, target_id: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    target = _target_of(plan, target_id)
    initial = {f: getattr(target, f) for f in ("name", "indicator", "unit_of_measure",
                                               "comparison", "value", "deadline")}  # fmt: skip
    initial["agencies"] = list(target.agencies.all())
    form = TargetForm(_posted(request)[0], initial=initial)
    return _form_page(request, plan=plan, form=form, title=gettext_lazy("Sửa chỉ tiêu"),
                      refusal=rules.why_not(user, "edit_target", target),
                      perform=lambda d: services.update_target(
                          target=target, fields=_target_fields(d), by=user))  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def target_value(request: HttpRequest, pk: int, target_id: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    target = _target_of(plan, target_id)
    form = ValueForm(_posted(request)[0], initial={"value": target.current_value})
    return _form_page(request, plan=plan, form=form,
                      title=_("Nhập giá trị: %(name)s") % {"name": target.name},
                      refusal=rules.why_not(user, "enter_value", target),
                      perform=lambda d: services.enter_value(
                          target=target, value=d["value"], by=user))  # fmt: skip


def _task_of(plan: Plan, task_id: int) -> Task:
    task = next((t for t in plan.tasks.all() if t.pk == task_id), None)
    if task is None:
        raise Http404
    return task


def _task_fields(data: dict[str, Any]) -> TaskFields:
    return TaskFields(name=data["name"], owner=data["owner"], due_on=data["due_on"])


@officer_required
@require_http_methods(["GET", "POST"])
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    form = TaskForm(_posted(request)[0], initial={"owner": plan.owner_id, "due_on": plan.ends_on})
    return _form_page(request, plan=plan, form=form, title=gettext_lazy("Thêm nhiệm vụ"),
                      refusal=rules.why_not(user, "add_task", plan),
                      perform=lambda d: services.add_task(
                          plan=plan, fields=_task_fields(d), by=user))  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    task = _task_of(plan, task_id)
    initial = {"name": task.name, "owner": task.owner_id, "due_on": task.due_on}
    form = TaskForm(_posted(request)[0], initial=initial)
    return _form_page(request, plan=plan, form=form, title=gettext_lazy("Sửa nhiệm vụ"),
                      refusal=rules.why_not(user, "edit_task", task),
                      perform=lambda d: services.edit_task(
                          task=task, fields=_task_fields(d), by=user))  # fmt: skip


@officer_required
@require_http_methods(["GET", "POST"])
def task_update(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    user = _officer(request)
    plan = _plan_or_404(user, pk)
    task = _task_of(plan, task_id)
    data, files = _posted(request)
    form = TaskUpdateForm(data, files, initial={"status": task.status})

    def perform(d: dict[str, Any]) -> Task:
        uploads = [NewUpload(f, name=f.name or "", key="evidence") for f in d["evidence"]]
        return services.update_task(task=task, status=d["status"], note=d["note"],
                                    uploads=uploads, by=user)  # fmt: skip

    history = [(u, TaskStatus(u.to_status).label, u.from_status != u.to_status)
               for u in task.updates.select_related("actor")]  # fmt: skip
    return _form_page(request, plan=plan, form=form, multipart=True,
                      title=_("Cập nhật nhiệm vụ: %(name)s") % {"name": task.name},
                      refusal=rules.why_not(user, "update_task", task),
                      perform=perform, extra={"task": task, "history": history})  # fmt: skip


# Files and export -----------------------------------------------------------------------------


@officer_required
@require_GET
def evidence_file(request: HttpRequest, pk: int, task_id: int, file_id: int) -> HttpResponseBase:
    plan = _plan_or_404(_officer(request), pk)
    record = next((e for e in _task_of(plan, task_id).evidence.all() if e.pk == file_id), None)
    if record is None:
        raise Http404
    return stored_file_response(record.file, name=record.original_name,
                                content_type=record.content_type,
                                attachment=record.content_type == "application/pdf")  # fmt: skip


@officer_required
@require_GET
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = _plan_or_404(_officer(request), pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    progress = selectors.plan_progress(plan, timezone.localdate())
    announce("data.exported", request=request, target=f"plan:{plan.pk}", detail={"format": fmt})
    if fmt == "csv":
        response = HttpResponse(plans_export.as_csv(progress), content_type="text/csv")
    else:
        response = HttpResponse(plans_export.as_xlsx(progress), content_type=plans_export.XLSX)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-{plan.pk}.{fmt}"'
    return response
