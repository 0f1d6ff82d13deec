"""One view for every action, as CKAN's ``/api/3/action/<name>``: GET with query parameters or
POST with a JSON body; the answer is CKAN's envelope ``{"help", "success", "result"}`` or
``{"help", "success": false, "error": {"__type", "message", …}}`` with CKAN's status.

Anonymous and read-only: no session, no cookie, no CSRF token (a POST here reads, like a GET);
any write action (package_create…) is refused 403 as CKAN refuses it to a visitor. GET answers
are kept in the public pages' cache (core.page_cache)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import quote

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua.core.page_cache import cached_for_visitors
from motcua.core.replicas import replica_reads
from motcua.opendata import entries

from . import params
from .actions import ACTIONS
from .errors import ActionError, NotAuthorized

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json;charset=utf-8"
# CKAN's actions that change something: refused to anyone here (no account can write).
_WRITES = re.compile(
    r"(_create|_update|_patch|_delete|_purge|_revise|_upsert|_revoke|_invite|_clear|_cancel"
    r"|_reorder|_create_default_resource_views)$|^(bulk_|follow_|unfollow_|send_)"
)


def help_url(name: str) -> str:
    return f"{entries.base()}/api/3/action/help_show?name={quote(name, safe='')}"


def answer(status: int, body: Any) -> HttpResponse:
    content = json.dumps(body, ensure_ascii=False, default=str)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPE)


def bad_request(message: str) -> HttpResponse:
    # CKAN's 400 is a bare JSON string, not the envelope.
    return answer(400, f"Bad request - {message}")


@csrf_exempt
@replica_reads
@cached_for_visitors
def action(request: HttpRequest, name: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        refused = bad_request(_("Chỉ nhận GET hoặc POST."))
        refused.status_code = 405
        refused["Allow"] = "GET, HEAD, POST"
        return refused
    envelope: dict[str, Any] = {"help": help_url(name)}
    if _WRITES.search(name):
        refusal = NotAuthorized(_("Không có quyền: API này chỉ cho đọc dữ liệu mở."))
        return answer(refusal.status, {**envelope, "success": False, "error": refusal.body()})
    if name not in ACTIONS:
        return bad_request(f"Action name not known: {name}")
    try:
        data = params.from_request(request)
    except (params.Unreadable, RequestDataTooBig) as error:
        return bad_request(f"JSON Error: {error}")
    try:
        result = ACTIONS[name].run(data)
    except ActionError as error:
        logger.info("CKAN %s refused (%s): %s", name, error.kind, error.message)
        return answer(error.status, {**envelope, "success": False, "error": error.body()})
    return answer(200, {**envelope, "success": True, "result": result})


@replica_reads
@cached_for_visitors
def version(request: HttpRequest) -> HttpResponse:
    return answer(200, {"version": 3})
