"""A real OpenID Connect provider for the tests, on 127.0.0.1 in a background thread.

It is oidc-provider-mock (a Flask app built on Authlib's authorization server): it signs ID
tokens with its own RSA key published at /jwks, checks client, redirect URI and code at the
token endpoint, and answers userinfo for a bearer token. Its login form takes the subject to
sign in as; the claims of a subject are set beforehand with PUT /users/<sub>.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
import werkzeug.serving

with warnings.catch_warnings():
    # Authlib warns about its older API, which the provider uses, through a filter of its own
    # that outranks pytest's; ours, set after it, outranks it while the provider is imported.
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def endpoints(self) -> dict[str, str]:
        return {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/oauth2/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/oauth2/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_OP_ISSUER": self.url,  # the provider names itself by the address it answers
        }

    def add_person(self, subject: str, claims: dict[str, Any]) -> None:
        response = requests.put(f"{self.url}/users/{quote(subject)}", json=claims, timeout=5)
        response.raise_for_status()

    def sign_in(self, authorize_url: str, subject: str) -> str:
        """Submit the provider's login form as ``subject``; the redirect back to us."""
        response = requests.post(
            authorize_url, data={"sub": subject}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])


@contextmanager
def running_provider() -> Iterator[Provider]:
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Provider(url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
