"""A one-page PDF written by hand, to attach to demo dossiers as a scanned document."""

from __future__ import annotations

import unicodedata


def _ascii(text: str) -> str:
    # The standard Helvetica font has no Vietnamese letters: write them without diacritics.
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if c.isascii() and c.isprintable())
    return kept.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def one_page_pdf(*lines: str, size: int = 0) -> bytes:
    """A valid PDF 1.4 file with ``lines`` of text on one A4 page; padded with comment lines
    to about ``size`` bytes when given (the benchmark's 200 KB attachment)."""
    text = b"".join(
        b"BT /F1 12 Tf 72 %d Td (%s) Tj ET\n" % (770 - 20 * i, _ascii(line).encode("ascii"))
        for i, line in enumerate(lines)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%sendstream" % (len(text), text),
    ]
    out = b"%PDF-1.4\n"
    if size:
        bare = len(one_page_pdf(*lines))
        out += b"".join(b"%" + b"x" * 78 + b"\n" for _ in range(max(size - bare, 0) // 80))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out
