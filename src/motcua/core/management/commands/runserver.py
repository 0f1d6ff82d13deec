"""``motcua runserver``: Django's development server (with static files), which refuses to
listen beyond loopback with a development configuration (motcua.core.deployment)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.core.management.base import CommandError

from motcua.core.deployment import BIND_VARIABLE, start_refusal


class Command(StaticRunserver):
    def run(self, **options: Any) -> None:
        # handle() has parsed the address; "0" is Django's shorthand for 0.0.0.0.
        refusal = start_refusal(str(getattr(self, "addr", "")), settings)
        if refusal:
            raise CommandError(refusal)
        # The WSGI application (motcua.wsgi) serves a development configuration only when told
        # its server listens on loopback; the reloader's child process inherits this too.
        os.environ[BIND_VARIABLE] = str(getattr(self, "addr", ""))
        super().run(**options)
