"""The ID token's claims checked beyond its signature and nonce (OpenID Connect Core 3.1.3.7):
issuer, audience and expiry, each required. Tokens signed here with a key of our own, given
to the backend as the provider's key."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from motcua.identity.backends import NationalIdentityBackend

ISSUER = "https://sso.dichvucong.gov.vn"
CLIENT = "motcua-portal"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


@pytest.fixture
def backend(settings) -> NationalIdentityBackend:
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_IDP_SIGN_KEY = PUBLIC_PEM
    return NationalIdentityBackend()


def _token(**changes: object) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "cong-dan-1", "nonce": "n",
              "iat": now, "exp": now + 300}  # fmt: skip
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, KEY, algorithm="RS256")


def test_a_token_from_our_issuer_for_us_and_unexpired_is_accepted(backend):
    assert backend.verify_token(_token(), nonce="n")["sub"] == "cong-dan-1"


def test_a_token_for_us_among_others_is_accepted_when_we_are_its_authorised_party(backend):
    token = _token(aud=["other-client", CLIENT], azp=CLIENT)
    assert backend.verify_token(token, nonce="n")["sub"] == "cong-dan-1"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": None},
        {"iss": "https://evil.example"},
        {"iss": ISSUER + "/"},
        {"aud": None},
        {"aud": "other-client"},
        {"aud": ["other-client"]},
        {"aud": ["other-client", CLIENT], "azp": "other-client"},
        {"exp": None},
        {"exp": "9999999999"},
    ],
    ids=["no-iss", "wrong-iss", "iss-with-slash", "no-aud", "wrong-aud", "wrong-aud-list",
         "azp-other", "no-exp", "exp-as-text"],
)  # fmt: skip
def test_a_token_missing_or_with_a_wrong_claim_is_refused(backend, changes):
    with pytest.raises((SuspiciousOperation, jwt.PyJWTError)):
        backend.verify_token(_token(**changes), nonce="n")


def test_an_expired_token_is_refused(backend):
    with pytest.raises((SuspiciousOperation, jwt.PyJWTError)):
        backend.verify_token(_token(exp=int(time.time()) - 1), nonce="n")


def test_without_a_configured_issuer_every_token_is_refused(backend, settings):
    settings.OIDC_OP_ISSUER = ""
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(_token(iss=""), nonce="n")
