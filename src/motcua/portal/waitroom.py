"""The waiting room's pages (docs/overload.md, "The waiting room"): take a ticket or resume one,
see one's position, check again, go in. Plain HTML forms and links: no JavaScript, and no
page refreshes by itself unless the person asks for it (``?lam-moi=30``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.models import Procedure
from motcua.core.http import client_ip
from motcua.core.throttle import Limit
from motcua.identity.models import User
from motcua.waitroom import arrivals, passes, selectors, services
from motcua.waitroom.models import GENERAL_SLUG, Queue, Ticket, TicketState

from .access import uses_portal

REFRESH_SECONDS = 30
# Resuming by code: a code is 8 characters out of 32; guessing is slowed per address.
resume_attempts = Limit(
    "waitroom-resume", 20, 300, gettext_lazy("Bạn đã thử quá nhiều mã. Vui lòng thử lại sau.")
)


class TakeTicketForm(forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("Số điện thoại hoặc thư điện tử để liên hệ"),
        help_text=gettext_lazy("Để cơ quan liên hệ với bạn nếu cần; có thể để trống."),
        max_length=200,
        required=False,
    )


class ResumeForm(forms.Form):
    ma = forms.CharField(
        label=gettext_lazy("Mã lượt của bạn"),
        help_text=gettext_lazy("8 ký tự, ví dụ: K7M2QX9A"),
        max_length=16,
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("tiep") or request.GET.get("tiep") or ""
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    )
    return target if safe and not target.startswith("/hang-cho/") else "/"


def _queue(request: HttpRequest) -> Queue:
    slug = request.POST.get("hang") or request.GET.get("hang") or GENERAL_SLUG
    if slug == GENERAL_SLUG:
        return services.general_queue()
    queue = Queue.objects.filter(slug=slug).first()
    if queue is None:
        raise Http404
    return queue


def _procedure(request: HttpRequest) -> Procedure | None:
    code = request.POST.get("thu-tuc") or request.GET.get("thu-tuc") or ""
    return Procedure.objects.filter(code=code[:20]).first() if code else None


def _holder(request: HttpRequest) -> User | None:
    return request.user if uses_portal(request.user) else None  # type: ignore[return-value]


def room_url(queue: Queue, procedure_code: str, next_path: str) -> str:
    query = {"hang": queue.slug, "thu-tuc": procedure_code, "tiep": next_path}
    return f"{reverse('portal:waitroom')}?{urlencode(query)}"


def ticket_url(ticket: Ticket) -> str:
    return reverse("portal:waitroom-ticket", args=[ticket.secret])


@require_http_methods(["GET", "POST"])
def room(request: HttpRequest) -> HttpResponse:
    queue, procedure, holder = _queue(request), _procedure(request), _holder(request)
    problem = services.eligibility_problem(
        queue, holder=holder, procedure=procedure, at=timezone.now()
    )
    initial = {"contact": (holder.email or holder.phone) if holder else ""}
    form = TakeTicketForm(request.POST or None, initial=initial)
    held = arrivals.held_by_browser(request.COOKIES) if queue.is_general else None
    if held is not None and request.method == "POST":
        response = redirect(ticket_url(held))  # this browser's place: one each
        passes.keep_ticket(response, held)
        return response
    if request.method == "POST" and not problem and form.is_valid():
        if holder is None:
            services.count_anonymous_ticket(client_ip(request))
        try:
            ticket = services.take_ticket(
                queue=queue, holder=holder, contact=form.cleaned_data["contact"],
                procedure=procedure, next_path=_next(request),
                secret=arrivals.stamped_secret(request.COOKIES) if queue.is_general else None,
            )  # fmt: skip
        except services.TicketRefused as refused:
            problem = refused.message
        else:
            response = redirect(ticket_url(ticket), permanent=False)
            if queue.is_general:
                passes.keep_ticket(response, ticket)
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/waitroom/room.html", {
        "queue": queue, "procedure": procedure, "problem": problem, "form": form,
        "resume_form": ResumeForm(), "next": _next(request),
        "mine": [held] if held else list(selectors.live_tickets_of(holder)) if holder else [],
        "minutes": services.expiry().seconds // 60,
    }, status=status)  # fmt: skip


@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """Resume a ticket by its code, from any device."""
    form = ResumeForm(request.GET)
    who = client_ip(request)
    if form.is_valid() and resume_attempts.wait(who) == 0:
        resume_attempts.hit(who)
        ticket = selectors.ticket_by_code(form.cleaned_data["ma"])
        if ticket is not None:
            return redirect(ticket_url(ticket))
        form.add_error("ma", _("Không tìm thấy lượt còn hiệu lực với mã này."))
    elif form.is_valid():
        form.add_error("ma", str(resume_attempts.message))
    queue = services.general_queue()
    return render(request, "portal/waitroom/room.html", {
        "queue": queue, "problem": "", "form": TakeTicketForm(), "resume_form": form,
        "next": "/", "mine": [], "minutes": services.expiry().seconds // 60,
    }, status=400)  # fmt: skip


@require_GET
def ticket(request: HttpRequest, secret: str) -> HttpResponse:
    """What thousands ask at once: one ticket read, a keep-alive write at most every 15 s, the
    admission at most once a second, one count. Neither the session nor the user is loaded."""
    found = selectors.ticket_by_secret(secret)
    if found is None:
        raise Http404
    place = services.check_ticket(found)
    refresh = request.GET.get("lam-moi") == str(REFRESH_SECONDS)
    waiting = place.ticket.state == TicketState.WAITING
    response = render(request, "portal/waitroom/ticket.html", {
        "user": AnonymousUser(), "messages": [], "place": place, "ticket": place.ticket,
        "queue": place.ticket.queue, "refresh": REFRESH_SECONDS if refresh and waiting else 0,
        "minutes": services.expiry().seconds // 60,
        "pass_minutes": services.pass_validity().seconds // 60,
    })  # fmt: skip
    if refresh and waiting:
        response["Refresh"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def enter(request: HttpRequest, secret: str) -> HttpResponse:
    """The admitted holder goes in: the pass (a signed cookie), then where they were going."""
    found = selectors.ticket_by_secret(secret)
    if found is None:
        raise Http404
    if not services.enter(found):
        return redirect(ticket_url(found))
    response = redirect(found.next_path or "/")
    passes.give_pass(response, found)
    return response
