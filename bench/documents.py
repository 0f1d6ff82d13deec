"""What a signed document costs (issue 5): render, sign, verify, each next to a baseline
measured in the same run on the same machine.

    make bench-documents            # or: python -m bench.documents [--rounds N]

D1 render a result (WeasyPrint, our template)     vs  WeasyPrint rendering a one-line page
D2 sign it (pyHanko PAdES, visible stamp, CRL,     vs  a bare RSA-2048 PKCS#1 signature of the
   local RFC 3161 timestamp)                           same bytes (cryptography)
D3 verify it (pyHanko validation: chain, CRL,      vs  SHA-256 of the same bytes (what the
   timestamp, coverage)                                "issued by us" check alone costs)

It runs on a throw-away SQLite database and signing directory; no server, no network. CPU
time per operation, median and p95 over the rounds, after one warm-up (font loading, imports).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _measure(action: Callable[[], object], rounds: int) -> dict[str, float]:
    action()  # warm-up: fonts, imports, caches
    times = []
    for _ in range(rounds):
        started = time.process_time()
        action()
        times.append((time.process_time() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-documents-"))
    os.environ.update(MOTCUA_DATA_DIR=str(workdir), MOTCUA_TSA_URL="local")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from weasyprint import HTML

    from motcua.documents import pki
    from motcua.documents.render import render_result
    from motcua.documents.signing import sign_pdf
    from motcua.documents.verification import verify_pdf
    from tests.dossiers.world import build_world

    world = build_world()
    pki.init_signing(workdir / "signing", [(world.committee.electronic_id, world.committee.name)])
    dossier = world.submit(data={"ho_ten_tre": "Nguyễn Văn Bé"})

    def render() -> bytes:
        return render_result(
            dossier,
            document_code="ABCDEFGHJKMNPQRS",
            verify_url="http://127.0.0.1:8000/xac-thuc/ABCDEFGHJKMNPQRS/",
            signer_title="TM. ỦY BAN NHÂN DÂN",
            signer_name="Trần Văn Bình",
            number="1/KQ",
        ).content

    rendered = render_result(
        dossier,
        document_code="ABCDEFGHJKMNPQRS",
        verify_url="http://127.0.0.1:8000/xac-thuc/ABCDEFGHJKMNPQRS/",
        signer_title="TM. ỦY BAN NHÂN DÂN",
        signer_name="Trần Văn Bình",
        number="1/KQ",
    )

    def sign() -> bytes:
        return sign_pdf(
            rendered.content,
            agency_id=world.committee.electronic_id,
            signer_label="Trần Văn Bình",
            agency_name=world.committee.name,
            box=rendered.signature_box,
            reason="Kết quả",
            location="Hà Nội",
        ).content

    signed = sign()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rows = [
        ("D1", "render a result (WeasyPrint, Decree 30 template)", _measure(render, rounds),
         "B1", "WeasyPrint, a one-line page",
         _measure(lambda: HTML(string="<p>Giấy khai sinh</p>").write_pdf(), rounds)),
        ("D2", "sign it: PAdES, stamp, CRL, local RFC 3161 timestamp", _measure(sign, rounds),
         "B2", "bare RSA-2048 signature of the same bytes",
         _measure(lambda: key.sign(rendered.content, padding.PKCS1v15(), hashes.SHA256()),
                  rounds)),
        ("D3", "verify it: chain, CRL, timestamp, coverage",
         _measure(lambda: verify_pdf(signed), rounds),
         "B3", "SHA-256 of the same bytes",
         _measure(lambda: hashlib.sha256(signed).hexdigest(), rounds)),
    ]  # fmt: skip
    print(f"Signed documents — CPU ms per operation, {rounds} rounds after a warm-up")
    head = f"{'':4}{'scenario':54}{'median':>9}{'p95':>9}   "
    print(head + f"{'baseline':42}{'median':>9}{'ratio':>9}")
    for name, label, figures, bname, blabel, base in rows:
        ratio = figures["median_ms"] / base["median_ms"] if base["median_ms"] else float("inf")
        print(
            f"{name:4}{label:54}{figures['median_ms']:>9}{figures['p95_ms']:>9}   "
            f"{bname + ' ' + blabel:42}{base['median_ms']:>9}{ratio:>8.1f}×"
        )
    print(f"Document: {rendered.pages} page(s), {len(rendered.content):,} bytes rendered, "
          f"{len(signed):,} bytes signed.")  # fmt: skip


if __name__ == "__main__":
    main()
