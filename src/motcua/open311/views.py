"""GeoReport v2 over HTTP: each resource in ``.json`` and ``.xml``; every refusal is the
specification's error list with its status, never a page (docs/open311.md)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua.core.throttle import Limit
from motcua.feedback.partners import partner_for_key

from . import answers, search
from .formats import errors, render
from .intake import Refused, parse_report, submit_report

View = Callable[..., HttpResponse]

# One app speaks for many people, but a loop in it must not fill the wards' inboxes: past this
# rate its reports get 429 with Retry-After (docs/open311.md).
REPORTS_PER_APP = Limit("open311-report", 120, 60)


def resource(*methods: str) -> Callable[[View], View]:
    """An Open311 resource answering ``methods``: the format from the path, the refusals as
    the error list. No CSRF: a machine API, authenticated by its api_key, not by a cookie."""
    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                answer = errors(fmt, 405, _("Tài nguyên này không nhận phương thức %(method)s.")
                                % {"method": request.method})  # fmt: skip
                answer["Allow"] = ", ".join(allowed)
                return answer
            try:
                return view(request, fmt, **kwargs)
            except Refused as refusal:
                return errors(fmt, refusal.status, *refusal.descriptions)

        return wrapped

    return decorate


@resource("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "discovery", answers.discovery())


@resource("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", [answers.service(t) for t in answers.services()])


@resource("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    topic = answers.services().filter(code=code).first()
    if topic is None:
        raise Refused(404, _("Không có dịch vụ (service_code) “%(code)s”.") % {"code": code})
    return render(fmt, "service_definition", answers.definition(topic))


@resource("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    items = search.requests_matching(request.GET)
    return render(fmt, "service_requests", [answers.request(item) for item in items])


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    partner = partner_for_key((request.POST.get("api_key") or "").strip())
    if partner is None:
        raise Refused(403, _("api_key không hợp lệ hoặc bị thiếu."))
    REPORTS_PER_APP.take(str(partner.pk))
    report = parse_report(request.POST)
    item = submit_report(report, partner=partner)
    created = {
        "service_request_id": item.code,
        "service_notice": answers.service_notice(item),
        "account_id": report.account_id or None,
    }
    return render(fmt, "service_requests", [created])


@resource("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    item = answers.public_requests().filter(code=request_id).first()
    if item is None:
        raise Refused(404, _("Không có phản ánh “%(id)s”.") % {"id": request_id})
    return render(fmt, "service_requests", [answers.request(item)])


@resource("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    try:
        key = uuid.UUID(token)
    except ValueError:
        key = None
    item = answers.public_requests().filter(token=key).first() if key else None
    if item is None:
        raise Refused(404, _("Không có token “%(token)s”.") % {"token": token})
    found = {"service_request_id": item.code, "token": str(item.token)}
    return render(fmt, "service_requests", [found])


@resource("GET")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    events = search.updates_between(request.GET)
    return render(fmt, "service_request_updates", [answers.update(e) for e in events])
