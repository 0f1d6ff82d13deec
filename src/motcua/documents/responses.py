"""Serving a stored signed PDF."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpResponse

from .models import IssuedDocument


def pdf_response(document: IssuedDocument, *, attachment: bool = True) -> HttpResponse:
    """The stored bytes, unchanged (any rewrite would break the signature)."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=attachment,
        filename=f"{document.code}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox"
    return cast(HttpResponse, response)
