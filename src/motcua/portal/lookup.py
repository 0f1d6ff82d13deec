"""Public lookup of a dossier's progress by its code and the phone or ID number given in it.

Shows where the dossier is and its dates, never who submitted it or what it says. An unknown
code and a wrong contact get the same answer, and lookups are counted per client address
(``MOTCUA_LOOKUP_PER_MINUTE``) so that codes cannot be guessed in bulk.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from motcua.core.http import client_ip
from motcua.core.replicas import replica_reads
from motcua.core.throttle import Limit
from motcua.dossiers.selectors import public_lookup


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        help_text=_("In trên giấy tiếp nhận và trong tin nhắn, ví dụ 000.01.99.H26-261123-0001."),
        error_messages={
            "required": _("Nhập mã hồ sơ."),
            "max_length": _("Mã hồ sơ dài tối đa %(limit_value)d ký tự."),
        },
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc số giấy tờ tùy thân"),
        max_length=30,
        help_text=_("Số đã ghi khi nộp hồ sơ: điện thoại, số định danh cá nhân hoặc mã số thuế."),
        error_messages={
            "required": _("Nhập số điện thoại hoặc số giấy tờ đã ghi khi nộp hồ sơ."),
            "max_length": _("Số này dài tối đa %(limit_value)d ký tự."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["contact"].widget.attrs.update(autocomplete="tel", inputmode="text")


def lookups() -> Limit:
    return Limit("lookup", settings.LOOKUP_PER_MINUTE, 60)


def _private(response: HttpResponse) -> HttpResponse:
    # The answer is about one person's dossier: keep it out of caches, and its address (the
    # dossier code) out of what other sites are told. "same-origin", not "no-referrer": with
    # no-referrer a browser posts this page's own form with "Origin: null", which the CSRF
    # check refuses; same-origin still sends nothing at all to any other site.
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
@replica_reads
def lookup(request: HttpRequest) -> HttpResponse:
    # The page's form posts, so the phone or ID number stays out of URLs, server logs and
    # browser history; a GET with both fields (an old bookmark) still answers.
    data = request.POST if request.method == "POST" else request.GET
    asked = "contact" in data
    form = LookupForm(data if asked else None, initial={"code": request.GET.get("code", "")})
    context: dict[str, object] = {"form": form, "asked": asked}
    if asked and form.is_valid():
        limit, who = lookups(), client_ip(request)
        if limit.hit(who) > limit.limit:
            context.update(throttled=True, seconds=limit.wait(who))
            response = render(request, "portal/dossiers/lookup.html", context, status=429)
            response["Retry-After"] = str(context["seconds"])
            return _private(response)
        context["dossier"] = public_lookup(form.cleaned_data["code"], form.cleaned_data["contact"])
        context["not_found"] = context["dossier"] is None
    return _private(render(request, "portal/dossiers/lookup.html", context))
