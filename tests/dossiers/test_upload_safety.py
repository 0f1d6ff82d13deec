"""Uploads are judged by content: a PDF must parse without repair, carries no active content
and is not encrypted; an image must decode within a pixel limit; names are never trusted."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.files import MAX_IMAGE_PIXELS, UploadError, store_upload
from motcua.dossiers.models import DossierFile

from .world import local

PDF = one_page_pdf("Giay to")


def _store(world, content: bytes, name: str = "a.pdf") -> DossierFile:
    dossier = world.submit(at=local(2026, 11, 23, 9, 0))
    return store_upload(
        io.BytesIO(content), name=name, uploaded_by=world["citizen"], dossier=dossier
    )


def _read(record: DossierFile) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


def test_a_clean_pdf_is_stored_byte_for_byte_under_a_random_name(world):
    record = _store(world, PDF, name="../../etc/passwd.pdf")
    assert _read(record) == PDF
    assert record.original_name == "passwd.pdf" and "passwd" not in record.file.name


def _with_javascript() -> bytes:
    pdf = pikepdf.open(io.BytesIO(PDF))
    action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = pdf.make_indirect(action)
    pdf.pages[0].AA = pikepdf.Dictionary(O=action)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_active_content_is_removed_and_the_pages_kept(world):
    content = _with_javascript()
    assert b"app.alert" in content
    stored = _read(_store(world, content))
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.pages[0]
        assert len(pdf.pages) == 1


@pytest.mark.parametrize(
    "content",
    [PDF[: len(PDF) // 2], b"%PDF-1.4\nnothing here", PDF[:60] + b"x" * 50 + PDF[110:]],
    ids=["truncated", "no-structure", "garbled"],
)
def test_a_damaged_pdf_is_refused_and_nothing_is_kept(world, content):
    before = DossierFile.objects.count()
    with pytest.raises(UploadError, match="không phải PDF hợp lệ"):
        _store(world, content)
    assert DossierFile.objects.count() == before


def test_an_encrypted_pdf_is_refused(world):
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(UploadError, match="mật khẩu"):
        _store(world, out.getvalue())


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("L", size).save(out, format="PNG")
    return out.getvalue()


def test_a_real_image_is_accepted_and_a_broken_or_huge_one_refused(world):
    assert _store(world, _png((40, 30)), name="anh.png").content_type == "image/png"
    broken = _png((40, 30))[:40]
    with pytest.raises(UploadError, match="bị hỏng"):
        _store(world, broken, name="anh.png")
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    with pytest.raises(UploadError, match="quá lớn"):
        _store(world, _png((side, side)), name="lon.png")


def test_a_file_named_pdf_that_is_not_one_is_refused(world):
    with pytest.raises(UploadError, match="không phải PDF, JPEG hoặc PNG"):
        _store(world, b"MZ\x90\x00 an executable", name="giay-to.pdf")
