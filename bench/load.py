"""HTTP load for the submissions (S1, S6, S8): an asyncio client on aiohttp.

A submission is two requests, as a real client makes them: ``POST /api/v1/dossiers`` with an
``Idempotency-Key``, then ``POST /api/v1/dossiers/{code}/files`` with the 200 KB PDF. Its
latency is the two together. A 429 or 503 is retried after ``Retry-After`` with the same key,
a timeout or a dropped connection likewise; every attempt is recorded.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

RETRY_STATUSES = (429, 503)
MAX_ATTEMPTS = 8
TIMEOUT_S = 30.0


def pdf_bytes(size: int = 200 * 1024) -> bytes:
    """A real one-page PDF, with its cross-reference table, padded to about ``size`` bytes
    (uploads must parse without repair)."""
    from motcua.demo.pdf import one_page_pdf

    return one_page_pdf("Giay to kem theo", size=size)


@dataclass
class Attempt:
    at: float  # monotonic start time
    ms: float
    status: int  # 0 for a timeout or a dropped connection
    step: str  # "submit" or "file"
    body: str = ""


@dataclass
class Submission:
    key: str
    started: float
    attempts: list[Attempt] = field(default_factory=list)
    code: str = ""  # the dossier code a 2xx named
    done_ms: float | None = None  # both steps succeeded, total time

    @property
    def ok(self) -> bool:
        return self.done_ms is not None


class Client:
    def __init__(self, base: str, payload: dict[str, Any], pdf: bytes) -> None:
        self.base = base
        self.payload = payload
        self.pdf = pdf

    async def _post(
        self, session: aiohttp.ClientSession, sub: Submission, step: str, url: str, **kwargs: Any
    ) -> tuple[int, Any]:
        """POST until it answers other than 429/503/timeout (or attempts run out)."""
        for _ in range(MAX_ATTEMPTS):
            started = time.monotonic()
            body: Any = None
            text = ""
            try:
                data = kwargs.get("data_factory")
                extra = {k: v for k, v in kwargs.items() if k != "data_factory"}
                if data is not None:
                    extra["data"] = data()
                async with session.post(url, **extra) as response:
                    status = response.status
                    text = await response.text()
                    retry_after = response.headers.get("Retry-After", "1")
            except (TimeoutError, aiohttp.ClientError):
                status, retry_after = 0, "1"
            ms = (time.monotonic() - started) * 1000
            sub.attempts.append(
                Attempt(started, ms, status, step, text[:300] if status >= 500 else "")
            )
            if 200 <= status < 300:
                try:
                    body = json.loads(text)
                except ValueError:
                    body = None
                return status, body
            if status not in (*RETRY_STATUSES, 0):
                return status, None
            try:
                wait = float(retry_after)
            except ValueError:
                wait = 1.0
            await asyncio.sleep(min(max(wait, 0.2), 30.0))
        return status, None

    async def submit(
        self, session: aiohttp.ClientSession, token: str, sub: Submission | None = None
    ) -> Submission:
        """One intended submission; ``sub`` (made by the caller) records it even if cancelled."""
        sub = sub or Submission(key=str(uuid.uuid4()), started=time.monotonic())
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": sub.key}
        status, body = await self._post(
            session,
            sub,
            "submit",
            f"{self.base}/api/v1/dossiers",
            json=self.payload,
            headers=headers,
        )
        if not (200 <= status < 300) or not body:
            return sub
        sub.code = body["code"]

        def form() -> aiohttp.FormData:
            data = aiohttp.FormData()
            data.add_field("file", self.pdf, filename="to-khai.pdf", content_type="application/pdf")
            return data

        status, _ = await self._post(
            session,
            sub,
            "file",
            f"{self.base}/api/v1/dossiers/{sub.code}/files",
            data_factory=form,
            headers={"Authorization": f"Bearer {token}"},
        )
        if 200 <= status < 300:
            sub.done_ms = (time.monotonic() - sub.started) * 1000
        return sub

    async def baseline_upload(self, session: aiohttp.ClientSession, like_id: int) -> Submission:
        sub = Submission(key="", started=time.monotonic())

        def form() -> aiohttp.FormData:
            data = aiohttp.FormData()
            data.add_field("like", str(like_id))
            data.add_field("file", self.pdf, filename="to-khai.pdf", content_type="application/pdf")
            return data

        status, _ = await self._post(
            session, sub, "file", f"{self.base}/bench/upload", data_factory=form
        )
        if 200 <= status < 300:
            sub.done_ms = (time.monotonic() - sub.started) * 1000
        return sub


def _session(limit: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit),
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
    )


async def closed_loop(
    client: Client, tokens: list[str], seconds: float, concurrency: int, like_id: int | None = None
) -> tuple[list[Submission], float]:
    """``concurrency`` users submitting back to back for ``seconds`` (the baseline upload when
    ``like_id`` is given). Returns the submissions and the measured duration."""
    results: list[Submission] = []
    deadline = time.monotonic() + seconds

    accounts = itertools.cycle(tokens)  # one account after another, like many citizens

    async def user(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < deadline:
            if like_id is None:
                results.append(await client.submit(session, next(accounts)))
            else:
                results.append(await client.baseline_upload(session, like_id))

    started = time.monotonic()
    async with _session(concurrency) as session:
        await asyncio.gather(*(user(session) for _ in range(concurrency)))
    return results, time.monotonic() - started


@dataclass
class Phase:
    name: str
    seconds: float
    start_rate: float
    end_rate: float  # requests per second, linear in between


async def open_loop(
    client: Client, tokens: list[str], phases: list[Phase], drain_s: float = 60.0
) -> tuple[list[Submission], dict[str, float]]:
    """Start submissions on a schedule whatever the answers (an open loop); each phase ramps
    its rate linearly. Returns every submission and each phase's start time."""
    tasks: list[asyncio.Task[Submission]] = []
    subs: list[Submission] = []
    marks: dict[str, float] = {}
    async with _session(4000) as session:
        t0 = time.monotonic()
        offset = 0.0
        n = 0
        for phase in phases:
            marks[phase.name] = t0 + offset
            elapsed = 0.0
            while elapsed < phase.seconds:
                rate = (
                    phase.start_rate + (phase.end_rate - phase.start_rate) * elapsed / phase.seconds
                )
                rate = max(rate, 0.5)
                at = t0 + offset + elapsed
                delay = at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                sub = Submission(key=str(uuid.uuid4()), started=time.monotonic())
                subs.append(sub)
                tasks.append(
                    asyncio.create_task(client.submit(session, tokens[n % len(tokens)], sub))
                )
                n += 1
                elapsed += 1.0 / rate
            offset += phase.seconds
        marks["end"] = t0 + offset
        done, pending = await asyncio.wait(tasks, timeout=drain_s)
        for task in pending:
            task.cancel()
        # Cancelled ones stay in ``subs``: unfinished, counted as such by the caller.
        del done
        await asyncio.gather(*pending, return_exceptions=True)
    return subs, marks
