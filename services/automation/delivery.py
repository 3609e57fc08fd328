"""The delivery worker: POSTs queued deliveries with aiohttp, records every attempt, and
retries failures with exponential backoff and jitter until the attempts run out. Replicas
share the queue: a claimed delivery is leased, so a worker that dies mid-send leaves it
to another after the lease. Each delivery is its own task, and one webhook holds at most
`per_webhook` of the `concurrency` slots, so a slow or hanging receiver delays only itself.

Every connection passes the egress policy (egress.py): a literal address is checked before
the POST, a name is resolved once by `GuardedResolver` and refused if any of its addresses
is, and the connector connects only to the addresses checked there. A refused delivery
fails at once: trying again would be refused again.

An attempt records only a status class (`FailureClass`), never the receiver's reply or the
error's text: `ListDeliveries` shows them to the project's managers, and connection errors
and reply bodies from hosts on the deployment's network would make webhooks a port scanner
with a read channel. An IM kind (platforms.py) also records the platform's error code, and
its words only when the reply came from the platform's public host."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import functools
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from services.automation import egress, platforms, store, webhooks
from services.automation.egress import EgressPolicy, EgressRefused
from services.automation.store import ClaimedDelivery
from services.common import metrics
from services.common.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliverySettings:
    concurrency: int = 64
    per_webhook: int = 4
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    poll_seconds: float = 0.5
    max_attempts: int = 20
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 3600.0


class GuardedResolver(AbstractResolver):
    """Resolves with `inner` (getaddrinfo in a thread, as aiohttp does by default) and
    refuses the name if the policy refuses any of its addresses. The connector connects to
    the addresses returned here, so the name is not looked up a second time (no rebinding
    between the check and the connection)."""

    def __init__(self, policy: EgressPolicy, inner: AbstractResolver) -> None:
        self.policy = policy
        self.inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        reason = self.policy.first_refusal(ipaddress.ip_address(r["host"]) for r in found)
        if reason is not None:
            raise EgressRefused(egress.message(f"{reason} ({host} resolves to it)"))
        return found

    async def close(self) -> None:
        await self.inner.close()


class FailureClass(enum.StrEnum):
    """What an attempt records as its error: a fixed class, nothing the receiver chose."""

    HTTP_STATUS = "HTTP_STATUS"  # answered, not 2xx (the status is in `http_status`)
    PLATFORM_ERROR = "PLATFORM_ERROR"  # an IM platform's non-zero error code
    ADDRESS_DENIED = "ADDRESS_DENIED"
    DNS_ERROR = "DNS_ERROR"
    CONNECTION_REFUSED = "CONNECTION_REFUSED"
    TIMEOUT = "TIMEOUT"
    TLS_ERROR = "TLS_ERROR"
    CONNECTION_FAILED = "CONNECTION_FAILED"  # reset, unreachable, a broken answer, ...


def failure_class(error: BaseException) -> FailureClass:
    if refusal_of(error) is not None:
        return FailureClass.ADDRESS_DENIED
    if isinstance(error, TimeoutError | aiohttp.ServerTimeoutError):
        return FailureClass.TIMEOUT
    if isinstance(error, aiohttp.ClientSSLError | ssl.SSLError):
        return FailureClass.TLS_ERROR
    inner = error.os_error if isinstance(error, aiohttp.ClientConnectorError) else error
    if isinstance(inner, socket.gaierror):
        return FailureClass.DNS_ERROR
    if isinstance(inner, ConnectionRefusedError):
        return FailureClass.CONNECTION_REFUSED
    if isinstance(inner, TimeoutError):
        return FailureClass.TIMEOUT
    return FailureClass.CONNECTION_FAILED


def refusal_of(error: BaseException) -> EgressRefused | None:
    """The policy's refusal inside what a POST raised (aiohttp wraps the resolver's)."""
    if isinstance(error, EgressRefused):
        return error
    if isinstance(error, aiohttp.ClientConnectorError) and isinstance(
        error.os_error, EgressRefused
    ):
        return error.os_error
    return None


@dataclass
class DeliveryWorker:
    pool: store.Pool
    settings: DeliverySettings = field(default_factory=DeliverySettings)
    policy: EgressPolicy = field(default_factory=EgressPolicy.default)
    # What looks names up before the policy sees them; None: getaddrinfo in a thread.
    resolver: AbstractResolver | None = None
    attempts: int = 0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _per_webhook: dict[int, int] = field(default_factory=dict)
    # Set when a delivery is queued (see wakeup.py); the poll interval is the fallback.
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def stop(self) -> None:
        self._stopping.set()

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[aiohttp.ClientSession]:
        """The HTTP session deliveries go through, behind the egress policy."""
        resolver = GuardedResolver(self.policy, self.resolver or aiohttp.ThreadedResolver())
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
        try:
            async with aiohttp.ClientSession(
                timeout=timeout, connector=aiohttp.TCPConnector(resolver=resolver)
            ) as session:
                yield session
        finally:
            await resolver.close()

    async def run(self) -> None:
        inflight: set[asyncio.Task[None]] = set()
        async with self.session() as session:
            try:
                while not self._stopping.is_set():
                    started = 0
                    try:
                        started = await self._start_due(session, inflight)
                    except Exception:
                        log.exception("delivery worker failed; retrying")
                    if not started:
                        await self._wait(inflight)
            finally:
                if inflight:
                    await asyncio.wait(inflight, timeout=self.settings.timeout_seconds + 1)

    async def _start_due(
        self, session: aiohttp.ClientSession, inflight: set[asyncio.Task[None]]
    ) -> int:
        free = self.settings.concurrency - len(inflight)
        if free <= 0:
            return 0
        busy = [w for w, n in self._per_webhook.items() if n >= self.settings.per_webhook]
        async with transaction(self.pool) as conn:
            claimed = await store.claim_deliveries(
                conn,
                limit=free,
                lease_seconds=self.settings.lease_seconds,
                per_webhook=self.settings.per_webhook,
                busy=busy,
            )
        for row in claimed:
            webhook_id = row.webhook_id
            self._per_webhook[webhook_id] = self._per_webhook.get(webhook_id, 0) + 1
            task = asyncio.create_task(self._deliver(session, row))
            inflight.add(task)
            task.add_done_callback(inflight.discard)
            task.add_done_callback(functools.partial(self._release, webhook_id))
        return len(claimed)

    def _release(self, webhook_id: int, _: asyncio.Task[None]) -> None:
        left = self._per_webhook.get(webhook_id, 1) - 1
        if left > 0:
            self._per_webhook[webhook_id] = left
        else:
            self._per_webhook.pop(webhook_id, None)

    async def _wait(self, inflight: set[asyncio.Task[None]]) -> None:
        """Until a delivery ends, the poll interval passes, or we are stopped."""
        stopping = asyncio.create_task(self._stopping.wait())
        woken = asyncio.create_task(self.wake.wait())
        try:
            await asyncio.wait(
                {stopping, woken, *inflight},
                timeout=self.settings.poll_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            stopping.cancel()
            woken.cancel()
            self.wake.clear()

    async def deliver_due(self, session: aiohttp.ClientSession) -> int:
        """Send what is due now and wait for the answers (for tests and tools); `session`
        from `self.session()`."""
        inflight: set[asyncio.Task[None]] = set()
        started = await self._start_due(session, inflight)
        if inflight:
            await asyncio.wait(inflight)
        return started

    def _request(self, row: ClaimedDelivery, *, name: str) -> platforms.Request:
        """The POST for a claimed delivery, signed as its webhook's kind asks."""
        kind = platforms.kind_of(row.kind)
        body = row.body
        now = time.time()
        if kind != platforms.Kind.GENERIC:
            return platforms.request(kind, url=row.url, body=body, secret=row.secret, now=now)
        headers = webhooks.headers(
            secret=row.secret,
            timestamp=int(now),
            body=body,
            event_id=row.event_id,
            event_type=row.event_type,
            delivery=name,
        )
        return platforms.Request(url=row.url, body=body, headers=headers)

    async def _deliver(self, session: aiohttp.ClientSession, row: ClaimedDelivery) -> None:
        kind = platforms.kind_of(row.kind)
        number = row.attempt_count
        name = f"projects/{row.project}/webhooks/{row.webhook_id}/deliveries/{row.id}"
        sent = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        status, error, permanent, by_policy = 0, "", False, False
        said = platforms.Verdict(ok=True)
        try:
            post = self._request(row, name=name)
            # aiohttp connects to a literal address without asking the resolver.
            host = URL(post.url).raw_host or ""
            reason = egress.host_refusal(host, self.policy)
            if reason is not None:
                raise EgressRefused(egress.message(reason))
            async with session.post(
                post.url, data=post.body, headers=dict(post.headers), allow_redirects=False
            ) as response:
                status = response.status
                if kind == platforms.Kind.GENERIC:
                    if not 200 <= status < 300:
                        error = FailureClass.HTTP_STATUS
                else:
                    said = platforms.verdict(
                        kind,
                        status=status,
                        body=await response.content.read(platforms.MAX_REPLY_BYTES),
                        public=platforms.is_public(kind, host),
                    )
                    if not said.ok:
                        error = (
                            FailureClass.PLATFORM_ERROR if said.code else FailureClass.HTTP_STATUS
                        )
                        permanent = said.permanent
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as e:
            error = failure_class(e)
            permanent = by_policy = error is FailureClass.ADDRESS_DENIED
            # The detail stays in the operator's log, never in what the API returns.
            log.info("%s attempt %d: %s", name, number, f"{type(e).__name__}: {e}".strip())
        latency_ms = (time.perf_counter() - started) * 1000
        self.attempts += 1
        if not error:
            state, wait = "succeeded", 0.0
        elif permanent or number >= self.settings.max_attempts:
            state, wait = "failed", 0.0
        else:
            state = "pending"
            wait = webhooks.backoff_seconds(
                number,
                base=self.settings.backoff_base_seconds,
                cap=self.settings.backoff_cap_seconds,
            )
        async with transaction(self.pool) as conn:
            await store.record_attempt(
                conn,
                delivery_id=row.id,
                number=number,
                time=sent,
                http_status=status,
                latency_ms=latency_ms,
                error=error,
                state=state,
                retry_in_seconds=wait,
                platform_code=said.code,
                platform_message=said.message,
            )
        metrics.observe_delivery(
            http_status=status,
            seconds=latency_ms / 1000,
            failed=state == "failed",
            refused=by_policy,
            platform_error=error == FailureClass.PLATFORM_ERROR,
        )
        if error:
            log.info(
                "%s attempt %d failed (%s%s); %s",
                name,
                number,
                error,
                f" {said.code}: {said.message}" if said.code else "",
                state,
            )
