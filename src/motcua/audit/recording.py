"""What goes into the log: security events, sign-ins, and the changes officers, administrators
and management commands make to the platform's rows, with the values before and after.

Every receiver returns at once when nobody who is recorded is acting (a citizen submitting a
dossier, a periodic job), so the ordinary paths pay one context lookup per saved row.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest

from motcua.core.http import client_ip
from motcua.core.security import security_event

from . import chain
from .context import CommandRun, current_command, current_request

logger = logging.getLogger(__name__)

# Rows never recorded: the log itself; Django's sessions, content types, permissions and admin
# history; caches, counters and delivery queues (technical state, rewritten all day); tokens
# and second-factor devices, whose issue and use are announced as security events instead.
SKIPPED_MODELS = frozenset(
    {
        "audit.entry",
        "audit.chainhead",
        "audit.signedhead",
        "sessions.session",
        "contenttypes.contenttype",
        "auth.permission",
        "admin.logentry",
        "core.outboxmessage",
        "core.idempotentrequest",
        "dossiers.idempotencyrecord",
        "dossiers.dossiercodesequence",
        "dossiers.dailysummary",
        "dossiers.draft",
        "payments.receiptsequence",
        "documents.documentsequence",
        "feedback.feedbackcodesequence",
        "feedback.contactcode",
        "api.apitoken",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
        "otp_static.statictoken",
    }
)
# Security events that explain why their request is refused (401/403): the middleware does not
# add an access.denied entry of its own for such a request.
REFUSALS = frozenset({"access.denied", "otp.failed"})
# Security events that record a read (an export of figures or a list), with no change of the
# platform beside them: their entries wait to be chained instead of taking the chain's head,
# and commit without waiting for the disk (``chain.record_read``, issue 18). A crash of the
# database loses at most the last ``chain.ASYNC_COMMIT_BOUND_MS`` of them; every change is
# still durable at its commit.
READS = frozenset({"data.exported"})
# Field names whose values are never written down, only that they changed.
MASKED_WORDS = ("password", "secret", "digest", "token", "key", "passphrase", "pin")
MASK = "***"
# Columns Django rewrites by itself (each sign-in): a change to them alone is not recorded.
IGNORED_FIELDS = frozenset({"last_login"})


def session_hash(request: HttpRequest) -> str:
    """The session, recognisable across entries but not usable: SHA-256 of its key."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) if session is not None else None
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def request_actor(request: HttpRequest | None, user: Any = None) -> chain.Actor:
    """Who acts in ``request`` (``user`` when the request has no signed-in user yet)."""
    if request is None:
        command = current_command.get()
        return chain.Actor(name=command.actor) if command else chain.SYSTEM
    signed_in = getattr(request, "user", None)
    if signed_in is None or not signed_in.is_authenticated:
        signed_in = user if getattr(user, "is_authenticated", False) else None
    token = getattr(request, "api_token", None)
    return chain.Actor(
        user_id=signed_in.pk if signed_in is not None else None,
        name=signed_in.get_username() if signed_in is not None else "",
        address=client_ip(request),
        session=session_hash(request),
        token_id=token.pk if token is not None else None,
    )


def is_recorded_actor(user: Any) -> bool:
    """Officers and administrators: the people whose every change is kept."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "reaches_back_office", False))


# --- security events and sign-ins ---------------------------------------------------------


def on_security_event(
    sender: Any,
    *,
    event: str,
    request: HttpRequest | None = None,
    user: Any = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    if not target and user is not None and getattr(user, "pk", None):
        target = f"user:{user.pk}"
    if request is not None and event in REFUSALS:
        request._audit_refusal_recorded = True  # type: ignore[attr-defined]
    keep = chain.record_read if event in READS else chain.append
    keep(event, actor=request_actor(request, user), target=target, detail=detail)


def on_logged_in(sender: Any, *, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    backend = getattr(user, "backend", "") or ""
    chain.append(
        "signin.succeeded",
        actor=request_actor(request, user),
        target=f"user:{user.pk}",
        detail={"backend": backend.rsplit(".", 1)[-1]},
    )


def on_logged_out(sender: Any, *, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    chain.append("signout", actor=request_actor(request, user), target=f"user:{user.pk}")


def on_login_failed(
    sender: Any, *, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django already hides the password in ``credentials``; only the name tried is kept.
    tried = str(credentials.get("username") or credentials.get("email") or "")[:150]
    if request is not None:
        request._audit_refusal_recorded = True  # type: ignore[attr-defined]
    chain.append("signin.failed", actor=request_actor(request), detail={"username": tried})


# --- row changes --------------------------------------------------------------------------


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _recording_for(model: type[models.Model]) -> tuple[Any, CommandRun | None] | None:
    """(request, command) when a change to a row of ``model`` now is recorded; else None."""
    request = current_request.get()
    command = None if request is not None else current_command.get()
    if request is None and (command is None or not command.records_rows):
        return None
    if is_skipped(model):
        return None
    if request is not None and not is_recorded_actor(getattr(request, "user", None)):
        return None
    return request, command


def is_skipped(model: type[models.Model]) -> bool:
    return _label(model) in SKIPPED_MODELS or model._meta.app_label in ("audit", "sessions")


def _is_masked(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in MASKED_WORDS)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The row's column values as JSON, files by name (never their content). Secrets are
    still there: compare, then pass through :func:`masked` before writing anything down."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        elif isinstance(field, models.BinaryField) and value is not None:
            value = f"<{len(value)} bytes>"
        values[field.attname] = value
    plain: dict[str, Any] = chain.jsonable(values)
    return plain


def masked(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with every secret-looking column's value replaced by ``***``."""
    return {
        name: MASK if _is_masked(name) and value not in (None, "") else value
        for name, value in values.items()
    }


def _target(instance: models.Model) -> str:
    return f"{_label(type(instance))}:{instance.pk}"


def before_save(sender: type[models.Model], *, instance: models.Model, raw: bool = False,
                **kwargs: Any) -> None:  # fmt: skip
    recording = _recording_for(sender)
    if recording is None or raw or instance.pk is None:
        return
    _request, command = recording
    if command is not None and command.summarises:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None  # type: ignore[attr-defined]


def after_save(sender: type[models.Model], *, instance: models.Model, created: bool,
               raw: bool = False, **kwargs: Any) -> None:  # fmt: skip
    recording = _recording_for(sender)
    if recording is None or raw:
        return
    request, command = recording
    action = "created" if created else "changed"
    if command is not None and command.summarises:
        command.counts[(_label(sender), action)] += 1
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before is not None:
        changed = sorted(name for name in after if before.get(name) != after[name])
        if not set(changed) - IGNORED_FIELDS:
            return  # saved as it was: nothing to keep
        detail = {
            "before": masked({name: before.get(name) for name in changed}),
            "after": masked({name: after[name] for name in changed}),
        }
    else:
        action, detail = "created", {"after": masked(after)}
    chain.append(f"record.{action}", actor=request_actor(request), target=_target(instance),
                 detail=detail)  # fmt: skip


def after_delete(sender: type[models.Model], *, instance: models.Model, **kwargs: Any) -> None:
    recording = _recording_for(sender)
    if recording is None:
        return
    request, command = recording
    if command is not None and command.summarises:
        command.counts[(_label(sender), "deleted")] += 1
        return
    chain.append("record.deleted", actor=request_actor(request), target=_target(instance),
                 detail={"before": masked(snapshot(instance))})  # fmt: skip


def after_m2m_change(sender: Any, *, instance: models.Model, action: str, model: Any,
                     pk_set: set[Any] | None, reverse: bool, **kwargs: Any) -> None:  # fmt: skip
    """Links added or removed (an officer's groups, a desk's agencies)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    recording = _recording_for(type(instance))
    if recording is None or _recording_for(model) is None:
        return
    request, command = recording
    if command is not None and command.summarises:
        command.counts[(_label(sender), action.removeprefix("post_"))] += 1
        return
    chain.append("record.changed", actor=request_actor(request), target=_target(instance), detail={
        "relation": _label(sender), "action": action.removeprefix("post_"),
        "related": f"{_label(model)}", "ids": sorted(str(pk) for pk in pk_set or ()),
    })  # fmt: skip


# --- management commands ------------------------------------------------------------------


def command_started(command: CommandRun) -> None:
    chain.append(
        "command.run",
        actor=chain.Actor(name=command.actor),
        target=f"command:{command.name}",
        detail={"arguments": command.arguments},
    )


def command_finished(command: CommandRun, *, status: int) -> None:
    """The end of a command: its exit status and, for a bulk loader, its rows per model."""
    counts: dict[str, dict[str, int]] = {}
    for (model, action), number in sorted(command.counts.items()):
        counts.setdefault(model, {})[action] = number
    chain.append(
        "command.finished",
        actor=chain.Actor(name=command.actor),
        target=f"command:{command.name}",
        detail={"status": status, "rows": counts},
    )
    command.counts.clear()


def connect() -> None:
    uid = "motcua.audit"
    security_event.connect(on_security_event, dispatch_uid=f"{uid}.security")
    user_logged_in.connect(on_logged_in, dispatch_uid=f"{uid}.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid=f"{uid}.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid=f"{uid}.login_failed")
    # Per model, never for all: a delete receiver for every model would stop Django's fast
    # bulk deletes of sessions, outbox messages and tokens, which the log does not keep.
    for model in apps.get_models(include_auto_created=True):
        if is_skipped(model):
            continue
        label = _label(model)
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}.pre_save.{label}")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}.post_save.{label}")
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}.delete.{label}")
    m2m_changed.connect(after_m2m_change, dispatch_uid=f"{uid}.m2m_changed")


def record_denial(request: HttpRequest, status: int) -> None:
    """A refused request: who, from where, what they asked for. A refusal that already has
    its own entry (a failed sign-in or code, a CSRF refusal) is not recorded twice."""
    if getattr(request, "_audit_refusal_recorded", False):
        return
    chain.append(
        "access.denied",
        actor=request_actor(request),
        target=f"{request.method} {request.path}"[:255],
        detail={"status": status},
    )
