"""Uploads are judged by content: a PDF must parse without repair, carries no active content
and is not encrypted; an image must decode within a pixel limit; names are never trusted."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest
from PIL import Image

from motcua.demo.pdf import one_page_pdf
from motcua.dossiers.files import MAX_IMAGE_PIXELS, UploadError, store_upload
from motcua.dossiers.inspect import Inspector, inspect_pdf
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


def test_actions_hidden_in_links_and_bookmarks_are_removed(world):
    pdf = pikepdf.open(io.BytesIO(PDF))
    run = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 9, 9])
    link.A = launch
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("x"), Parent=outlines, A=run))
    outlines.First = outlines.Last = item
    pdf.Root.Outlines = outlines
    out = io.BytesIO()
    pdf.save(out)
    stored = _read(_store(world, out.getvalue()))
    assert b"JavaScript" not in stored and b"calc.exe" not in stored
    with pikepdf.open(io.BytesIO(stored)) as cleaned:
        assert len(cleaned.pages[0].Annots) == 1  # the link stays, without its action


def _bomb(megabytes: int) -> bytes:
    # A page whose content stream inflates from about a megabyte to ``megabytes`` MB.
    pdf = pikepdf.new()
    pdf.add_blank_page()
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(b" " * (1 << 20)) for _ in range(megabytes))
    stream = pikepdf.Stream(pdf, data + squeeze.flush())
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].Contents = stream
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_in_a_worker_and_the_web_process_is_unharmed():
    small = Inspector(memory=700 * 1024 * 1024)
    content = _bomb(1200)
    assert len(content) < 3 * 1024 * 1024
    verdict, _ = small.run(inspect_pdf, content)
    assert verdict in ("damaged", "refused")
    # The pool still serves the next file.
    assert small.run(inspect_pdf, PDF) == ("ok", None)


def test_a_file_that_takes_too_long_is_refused_and_its_worker_replaced():
    hasty = Inspector(seconds=0.001)
    assert hasty.run(inspect_pdf, PDF)[0] == "refused"
    hasty.seconds = 20
    assert hasty.run(inspect_pdf, PDF) == ("ok", None)
