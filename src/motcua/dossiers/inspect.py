"""Uploaded PDFs and images are opened in a separate process with bounded memory and time.

A few hundred kilobytes of PDF can expand to gigabytes when qpdf decodes its streams (a
"decompression bomb"), and an image header can promise billions of pixels. Opening them in the
web process would let one upload take the server down; here a worker process with an address-
space limit does it, and a file that exhausts the limit, crashes the worker or runs past the
time limit is refused. The worker's functions import no Django: they return plain verdicts
that ``files.py`` turns into messages.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of a worker: Python, qpdf, one file's decoding
SECONDS = 20  # wall time for one file; then the worker is killed and the file refused
CPU_SECONDS = 600  # a last resort per worker process, which is replaced every TASKS files
TASKS = 100
WORKERS = 2

# What a PDF may carry that runs or launches something in the reader: removed on upload.
ACTIVE_KEYS = ("/OpenAction", "/AA", "/JavaScript", "/JS", "/Launch", "/EmbeddedFiles",
               "/RichMedia", "/XFA")  # fmt: skip
# Action types that run code, open other files or send data: a link keeps its place, loses them.
ACTIVE_ACTIONS = ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToR", "/GoToE",
                  "/RichMediaExecute", "/Rendition", "/Sound", "/Movie")  # fmt: skip

Verdict = tuple[str, Any]


def _limits(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))


# --- in the worker ----------------------------------------------------------------------------


def inspect_pdf(content: bytes) -> Verdict:
    """("ok", None) when the file may be stored as it is; ("ok", bytes) when it was rewritten
    without active content; ("encrypted" | "no_pages" | "damaged", None) otherwise."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                return "encrypted", None
            if len(pdf.pages) == 0:
                return "no_pages", None
            # qpdf repairs a damaged file silently while opening it; we refuse it instead,
            # since what it lost (a truncated upload) would be lost unnoticed.
            if pdf.check_pdf_syntax():
                return "damaged", None
            if not _strip_active(pdf):
                return "ok", None
            out = io.BytesIO()
            pdf.save(out)
            return "ok", out.getvalue()
    except pikepdf.PasswordError:
        return "encrypted", None
    except (pikepdf.PdfError, ValueError, RecursionError, MemoryError):
        return "damaged", None


def _strip_active(pdf: Any) -> bool:
    """Remove active content wherever it hangs: every dictionary of the file (catalogue, name
    trees, pages, annotations, outline items, form fields) loses the keys that run something,
    and an action of a type that runs something; True when anything was removed."""
    import pikepdf

    removed = False
    holders = [pdf.Root, *(o for o in pdf.objects if isinstance(o, pikepdf.Dictionary))]
    for holder in holders:
        for key in ACTIVE_KEYS:
            if key in holder:
                del holder[key]
                removed = True
        action = holder.get("/A")
        if isinstance(action, pikepdf.Dictionary) and action.get("/S") in ACTIVE_ACTIONS:
            del holder["/A"]
            removed = True
    return removed


def inspect_image(content: bytes, max_pixels: int) -> Verdict:
    """("ok", None), ("too_large", (width, height)) or ("broken", None): the image is decoded
    entirely, so a truncated or corrupt one is caught, not only a bad header."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # the size is checked below, before any decoding
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > max_pixels:
                return "too_large", (width, height)
            image.load()
    except Exception:  # Pillow raises many kinds for a broken file
        return "broken", None
    return "ok", None


def clean_photo(content: bytes, max_pixels: int) -> Verdict:
    """("ok", bytes) with the photo turned upright by its EXIF orientation and re-encoded with
    no metadata at all (no location, no device, no EXIF/XMP/ICC comments), or the verdict of
    :func:`inspect_image` when it cannot be decoded. A photo sent as feedback may be published:
    what the sender's phone wrote into it must not be."""
    from PIL import Image, ImageOps

    verdict = inspect_image(content, max_pixels)
    if verdict[0] != "ok":
        return verdict
    with Image.open(io.BytesIO(content)) as image:
        kind = image.format
        upright = ImageOps.exif_transpose(image)
        pixels = upright.convert("RGB") if kind == "JPEG" else upright
        # A fresh image holds only the pixels: nothing of the original's info is carried over.
        bare = Image.new(pixels.mode, pixels.size)
        bare.paste(pixels)
        palette = pixels.getpalette() if pixels.mode == "P" else None
        if palette:
            bare.putpalette(palette)
        out = io.BytesIO()
        if kind == "JPEG":
            bare.save(out, format="JPEG", quality=88, optimize=True)
        else:
            bare.save(out, format="PNG", optimize=True)
    return "ok", out.getvalue()


# --- in the web process -----------------------------------------------------------------------


class Inspector:
    """A small pool of worker processes, replaced when one dies or hangs."""

    def __init__(self, *, memory: int = MEMORY_LIMIT, seconds: float = SECONDS) -> None:
        self.memory, self.seconds = memory, seconds
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._counting = threading.Lock()
        self.in_flight = 0  # files being opened or waiting for a worker, in this process

    def _get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=WORKERS,
                    # "spawn": a fresh interpreter, not a fork of a web process with its
                    # threads, locks and database connections.
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_limits,
                    initargs=(self.memory,),
                    max_tasks_per_child=TASKS,
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def run(self, function: Callable[..., Verdict], *args: Any, busy_at: int = 0) -> Verdict:
        """The worker's verdict, or ("refused", None) when the file took the worker down
        (memory), ran out of time, or the pool could not run it. With ``busy_at``, ("busy",
        None) at once when that many files are already in flight in this process: an
        anonymous caller never queues behind the others (the caller answers 503)."""
        with self._counting:
            if busy_at and self.in_flight >= busy_at:
                return "busy", None
            self.in_flight += 1
        try:
            return self._run(function, *args)
        finally:
            with self._counting:
                self.in_flight -= 1

    def _run(self, function: Callable[..., Verdict], *args: Any) -> Verdict:
        pool = self._get()
        try:
            return pool.submit(function, *args).result(timeout=self.seconds)
        except (FutureTimeout, BrokenProcessPool):
            self._discard(pool)
            return "refused", None
        except MemoryError:
            return "refused", None


inspector = Inspector()
