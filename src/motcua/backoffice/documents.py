"""An issued document by its code, for the officers who may read it: where the public
verification page sends the download of an internal document (forms 04 and 06)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from motcua.core.security import announce
from motcua.documents import services
from motcua.documents.access import may_open
from motcua.documents.responses import pdf_response

from .access import officer_required


@officer_required
@require_GET
def document_file(request: HttpRequest, code: str) -> HttpResponse:
    """The stored PDF, to an officer of the issuing agency or who may open its dossier; any
    other officer gets 404, as for a code that does not exist."""
    found = services.by_code(code)
    if found is None:
        raise Http404
    if not may_open(request.user, found):
        announce("access.denied", request=request, user=request.user,
                 target=f"document:{found.code}", detail={"kind": found.kind})  # fmt: skip
        raise Http404
    return pdf_response(found)
