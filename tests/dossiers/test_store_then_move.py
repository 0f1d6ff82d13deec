"""Store the uploads, then move the dossier: one mechanism (dossiers.files.StoredUploads) for
every door. When the move is refused after the files were stored — the dossier changed by
someone else meanwhile, a second file refused — no row and no stored file is left behind:
the citizen's supplement on the portal, the papers the desk scans in for a supplement, and a
walk-in dossier received at the desk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, DossierFile
from motcua.dossiers.workflow import Status, WorkflowError

from .world import World, build_world, local

PDF = one_page_pdf("Giay to")
STALE = "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại trang."


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.OFFICER_2FA_REQUIRED = False
    with time_machine.travel(local(2026, 11, 23, 8, 0), tick=False):
        yield build_world()


def stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def broken(name: str = "hong.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7 broken", "application/pdf")


@pytest.fixture
def stale_move(monkeypatch):
    """The supplement's move refused as if someone else had changed the dossier meanwhile,
    after the files were stored."""
    real = services.provide_supplement.__globals__["transition"]

    def refuse(dossier, action, **kwargs):
        if action == "supplement":
            raise WorkflowError(STALE)
        return real(dossier, action, **kwargs)

    monkeypatch.setattr("motcua.dossiers.intake.transition", refuse)


def asked(world: World) -> Dossier:
    dossier = world.submit()
    return services.request_supplement(
        dossier=dossier, officer=world["receiver"], items=[{"name": "Giấy chứng sinh"}]
    )


def left_as_it_was(dossier: Dossier) -> None:
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert not dossier.files.exists()


def test_the_portal_leaves_nothing_when_the_supplement_is_refused(world, tmp_path, stale_move):
    dossier = asked(world)
    client = Client()
    client.force_login(world["citizen"])
    url = reverse("portal:dossier-supplement", args=[dossier.code])
    response = client.post(url, {"file_0": pdf(), "other": pdf("khac.pdf"), "note": "x"})
    assert response.status_code == 409 and STALE in response.content.decode()
    left_as_it_was(dossier)
    assert stored(tmp_path) == []


def test_the_portal_leaves_nothing_when_a_later_file_is_refused(world, tmp_path):
    dossier = asked(world)
    client = Client()
    client.force_login(world["citizen"])
    url = reverse("portal:dossier-supplement", args=[dossier.code])
    response = client.post(url, {"file_0": pdf(), "other": broken(), "note": "x"})
    assert response.status_code == 400
    left_as_it_was(dossier)
    assert stored(tmp_path) == []


def test_the_desk_leaves_nothing_when_the_supplement_it_scans_is_refused(
    world, tmp_path, stale_move
):
    dossier = asked(world)
    client = Client()
    client.force_login(world["receiver"])
    url = reverse("backoffice:dossier-action", args=[dossier.code, "bo-sung"])
    response = client.post(url, {"scans": [pdf(), pdf("hai.pdf")], "note": "x"})
    assert response.status_code == 409 and STALE in response.content.decode()
    left_as_it_was(dossier)
    assert stored(tmp_path) == []
    response = client.post(url, {"scans": [pdf(), broken()], "note": "x"})
    assert response.status_code == 400
    left_as_it_was(dossier)
    assert stored(tmp_path) == []


def _walk_in(client: Client, world: World, **files: object) -> object:
    url = reverse("backoffice:receive", args=["1.000001"])
    form = client.get(url).content.decode()
    answer = re.search(r'name="([^"]*ho_ten_tre)"', form).group(1)  # type: ignore[union-attr]
    version = world.version("1.000001")
    return client.post(url, {
        "variant": version.variants.get().pk, "agency": world.committee.pk,
        "channel": Channel.IN_PERSON, "applicant_type": 1, "name": "Lê Thị Cúc",
        "phone": "0901234567", "result_delivery": "desk", answer: "Lê Minh Khang", **files,
    })  # fmt: skip


def test_the_desk_leaves_nothing_when_a_walk_in_is_refused(world, tmp_path, monkeypatch):
    client = Client()
    client.force_login(world["receiver"])
    requirement = world.version("1.000001").documents.order_by("position").first()
    response = _walk_in(client, world, **{f"doc_{requirement.pk}": pdf(), "other_files": broken()})
    assert response.status_code == 400
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert stored(tmp_path) == []

    def refuse(*args: object) -> None:  # a follow-up of the move fails after the files
        raise WorkflowError(STALE)

    monkeypatch.setattr("motcua.dossiers.followups.notify_applicant", refuse)
    response = _walk_in(client, world, **{f"doc_{requirement.pk}": pdf(), "other_files": pdf()})
    assert response.status_code == 400 and STALE in response.content.decode()
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert stored(tmp_path) == []
    monkeypatch.undo()
    response = _walk_in(client, world, **{f"doc_{requirement.pk}": pdf(), "other_files": pdf()})
    assert response.status_code == 302
    assert len(stored(tmp_path)) == 2 and DossierFile.objects.count() == 2
