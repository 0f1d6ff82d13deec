"""Run by test_crash.py in a separate process that the test kills (SIGKILL) at chosen moments.

Usage: python -m tests.dossiers.crash_worker prepare|hang|die_after_commit|check
with MOTCUA_DATA_DIR and DATABASE_URL pointing at a throwaway SQLite file.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django


def main(mode: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    from django.core.management import call_command

    from motcua.core.models import OutboxMessage
    from motcua.core.outbox import deliver_due
    from motcua.dossiers.models import Dossier, DossierCodeSequence
    from tests.dossiers.world import World, build_world

    if mode == "prepare":
        call_command("migrate", verbosity=0)
        build_world()
        return
    if mode == "check":
        dossiers = Dossier.objects.count()
        pending = OutboxMessage.objects.filter(status="pending").count()
        report = deliver_due(limit=1000)
        print(json.dumps({
            "dossiers": dossiers, "events": Dossier.objects.filter(events__isnull=False).count(),
            "sequence": list(DossierCodeSequence.objects.values_list("last", flat=True)),
            "pending_before": pending, "sent_now": report.sent,
            "pending_after": OutboxMessage.objects.filter(status="pending").count(),
        }))  # fmt: skip
        return
    from django.contrib.auth import get_user_model

    from motcua.identity.models import Agency

    User = get_user_model()
    world = World(
        ward=None, ward2=None, committee=Agency.objects.get(electronic_id="000.01.99.H26"),
        committee2=None, police=None, land_dept=None, health_insurance=None,  # type: ignore[arg-type]
        people={"citizen": User.objects.get(username="congdan")},
    )  # fmt: skip
    if mode == "hang":
        import motcua.dossiers.followups as followups

        def stall(*args: object, **kwargs: object) -> None:
            print("INSIDE-TRANSACTION", flush=True)
            time.sleep(120)

        # A follow-up of the submission's move: the dossier row is written, not committed.
        followups.notify_applicant = stall  # type: ignore[assignment]
    elif mode == "die_after_commit":
        import motcua.core.outbox as outbox

        def die(message_ids: list[int]) -> None:
            print("COMMITTED", flush=True)
            os._exit(9)  # the process dies between the commit and the first delivery

        outbox._deliver_after_commit = die  # type: ignore[assignment]
    world.submit()


if __name__ == "__main__":
    main(sys.argv[1])
