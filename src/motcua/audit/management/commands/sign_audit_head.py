"""`motcua sign_audit_head`: sign the audit chain's head now (the daily job does it anyway)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.audit.heads import NoKey, sign_head
from motcua.documents.signing import SigningError


class Command(BaseCommand):
    help = "Sign the audit log's current head with the system's key."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            signed = sign_head()
        except (NoKey, SigningError) as error:
            raise CommandError(f"Cannot sign the audit head: {error}") from error
        self.stdout.write(
            f"Signed head #{signed.sequence} {signed.hash} with the key of {signed.key_name}."
        )
