"""How people prove who they are: a password with a phone, an email or a username, or the
national identity provider (VNeID through the national public-service portal) over OpenID
Connect, through mozilla-django-oidc."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from datetime import date
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .accounts import AccountError, IdentityClaims, sign_in_with_identity
from .models import User
from .selectors import account_by_identifier
from .validators import normalise_phone, validate_national_id

logger = logging.getLogger(__name__)


class PhoneOrEmailBackend(ModelBackend):
    """A password with a phone ("0…" or "+84…"), an email address, or the username."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = account_by_identifier(username)
        if user is None:
            User().set_password(password)  # as slow as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def national_identity_enabled() -> bool:
    """Sign-in through the identity provider is offered only once a client id is set."""
    return bool(settings.OIDC_RP_CLIENT_ID)


class IdentityProviderError(AccountError):
    """The identity provider could not be reached or answered something we cannot trust."""


_PROVIDER_FAILED = _(
    "Không hoàn tất được đăng nhập qua tài khoản định danh điện tử. Vui lòng thử lại."
)


def _first(userinfo: Mapping[str, Any], names: list[str]) -> str:
    for name in names:
        value = userinfo.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _birthdate(value: str) -> date | None:
    """OpenID's "YYYY-MM-DD"; also "dd/mm/yyyy" and "yyyyMMdd…" as Vietnamese systems send."""
    value = value.strip()
    for pattern, order in ((r"(\d{4})-(\d{2})-(\d{2})", "ymd"), (r"(\d{2})/(\d{2})/(\d{4})", "dmy"),
                           (r"(\d{4})(\d{2})(\d{2})", "ymd")):  # fmt: skip
        match = re.match(pattern, value)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def _valid_or_empty(value: str, validator: Any) -> str:
    try:
        validator(value)
    except ValidationError:
        logger.warning("identity provider sent an invalid value; ignored")
        return ""
    return value


def claims_from_userinfo(userinfo: Mapping[str, Any]) -> IdentityClaims:
    """Map the provider's claims (names configurable) to what an account keeps.

    A value that fails our own validation is dropped rather than stored.
    """
    national_id = _first(userinfo, settings.OIDC_CLAIM_NATIONAL_ID)
    email = _first(userinfo, settings.OIDC_CLAIM_EMAIL).lower()
    return IdentityClaims(
        subject=str(userinfo.get("sub") or ""),
        full_name=_first(userinfo, settings.OIDC_CLAIM_NAME)[:150],
        national_id=_valid_or_empty(national_id, validate_national_id) if national_id else "",
        date_of_birth=_birthdate(_first(userinfo, settings.OIDC_CLAIM_BIRTHDATE)),
        phone=normalise_phone(_first(userinfo, settings.OIDC_CLAIM_PHONE)),
        email=_valid_or_empty(email, validate_email) if email else "",
    )


def check_id_token_claims(payload: Mapping[str, Any], *, issuer: str, client_id: str) -> None:
    """The ID token's claims that OpenID Connect Core (3.1.3.7) requires us to check, beyond
    its signature and nonce (which the library checks): it comes from our provider, is
    meant for us, and has not expired. mozilla-django-oidc checks none of the three (PyJWT
    checks ``exp`` only when present)."""
    if not issuer or payload.get("iss") != issuer:
        raise SuspiciousOperation("ID token from another issuer")
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise SuspiciousOperation("ID token issued to another client")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token for several clients, authorised for another")
    expires = payload.get("exp")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise SuspiciousOperation("ID token without an expiry")
    if expires <= time.time():
        raise SuspiciousOperation("ID token expired")


class NationalIdentityBackend(OIDCAuthenticationBackend):
    """The authorization-code flow with the national identity provider.

    The library exchanges the code, checks the ID token's signature against the provider's
    JWKS and its nonce; this class also checks its issuer, audience and expiry
    (:func:`check_id_token_claims`), that userinfo speaks of the same subject, and maps the
    claims to an account through ``sign_in_with_identity``.
    """

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback passes a nonce; a password sign-in must never reach the provider.
        if request is None or "nonce" not in kwargs or not national_identity_enabled():
            return None
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except (
            requests.RequestException, jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError,
        ) as e:  # fmt: skip
            logger.warning("sign-in through the identity provider failed: %s", e)
            raise IdentityProviderError(_PROVIDER_FAILED) from e
        return user

    def verify_claims(self, claims: Mapping[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        check_id_token_claims(
            payload, issuer=settings.OIDC_OP_ISSUER, client_id=self.OIDC_RP_CLIENT_ID
        )
        return payload

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's signing key. A token may name it (``kid``); one that does not is
        accepted only when the provider publishes a single key for its algorithm."""
        header = jwt.get_unverified_header(token)
        if "kid" in header:
            key: jwt.PyJWK = super().retrieve_matching_jwk(token)
            return key
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        algorithm = header.get("alg")
        keys = [
            key for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", algorithm) == algorithm
        ]  # fmt: skip
        if len(keys) != 1:
            raise SuspiciousOperation("the ID token names no key and the provider has several")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: Mapping[str, Any]
    ) -> User:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        current = getattr(self.request, "user", None)
        signed_in = current if current is not None and current.is_authenticated else None
        return sign_in_with_identity(claims=claims_from_userinfo(userinfo), current_user=signed_in)
