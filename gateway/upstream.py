"""How the gateway reaches the services: aiohttp's pooled client in production; an httpx transport in the tests.

aiohttp because the client was most of the gateway's CPU per forwarded request: the same GET through httpx
(and through httpcore directly) cost ~10× what it costs through aiohttp (measured side by side, bench/README.md
"The gateway's hop"). The tests that run the services in-process hand their apps over as an httpx transport
(`create_app(upstream=...)`): `HttpxUpstream` keeps that path, with the same four failures.

A failure is one of four, because what the client may do next differs: `Refused` (nothing was sent: the
connection was refused or not opened in time), `Lost` (the connection broke after the request went out: it may
have been applied), `TimedOut` (no answer in time), `Busy` (no free connection within the pool wait).
"""
from __future__ import annotations

import asyncio
from typing import AsyncIterator, Protocol

import aiohttp
import httpx
import yarl

POOL_WAIT_SECONDS = 2.0


class UpstreamError(Exception):
    pass


class Refused(UpstreamError):
    pass


class Lost(UpstreamError):
    pass


class TimedOut(UpstreamError):
    pass


class Busy(UpstreamError):
    pass


class Answer(Protocol):
    status: int
    headers: list[tuple[str, str]]  # as received, a name that occurs twice joined with ", "

    async def read(self) -> bytes: ...
    def chunks(self) -> AsyncIterator[bytes]: ...
    async def close(self) -> None: ...


class Upstream(Protocol):
    async def send(self, method: str, url: str, headers: list[tuple[str, str]],
                   body: AsyncIterator[bytes] | None) -> Answer: ...
    async def get(self, url: str, timeout: float) -> tuple[int, bytes]: ...
    async def aclose(self) -> None: ...


def _joined(pairs) -> list[tuple[str, str]]:  # noqa: ANN001
    out: dict[str, tuple[str, str]] = {}
    for name, value in pairs:
        key = name.lower()
        out[key] = (out[key][0], f"{out[key][1]}, {value}") if key in out else (name, value)
    return list(out.values())


class _AiohttpAnswer:
    def __init__(self, response: aiohttp.ClientResponse, slot: asyncio.Semaphore) -> None:
        self._response = response
        self._slot: asyncio.Semaphore | None = slot
        self.status = response.status
        self.headers = _joined((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers)

    async def read(self) -> bytes:
        try:
            return await self._response.read()
        except asyncio.TimeoutError as e:
            raise TimedOut() from e
        except aiohttp.ClientError as e:
            raise Lost() from e

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(65536):
                yield chunk
        finally:  # also when the client went away mid-stream (the stream is cancelled): the pool slot comes back
            self._release()

    async def close(self) -> None:
        self._release()

    def _release(self) -> None:
        self._response.release()
        if self._slot is not None:
            self._slot.release()
            self._slot = None


class AiohttpUpstream:
    def __init__(self, connect_timeout: float, read_timeout: float, max_connections: int) -> None:
        self.connect_timeout, self.read_timeout, self.max_connections = connect_timeout, read_timeout, max_connections
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Opened on the event loop, at the first request. The pool's bound is the semaphore (so that a full pool
        # is told apart from a replica that does not answer); idle connections close before uvicorn's own 5 s.
        self._slots = asyncio.Semaphore(self.max_connections)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=4.0),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout, sock_read=self.read_timeout),
            auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar(), skip_auto_headers=("Content-Type",))
        # aiohttp sends a PUT or DELETE again on its own when a kept-alive connection broke before the answer;
        # no PUT or DELETE here is documented idempotent, so the gateway decides (gateway/replicas.py).
        self._session._retry_connection = False
        return self._session

    async def send(self, method: str, url: str, headers: list[tuple[str, str]],
                   body: AsyncIterator[bytes] | None) -> Answer:
        session = self._session or self._open()
        assert self._slots is not None
        if self._slots.locked():  # a free slot is taken at once; only a full pool sets a timer
            try:
                await asyncio.wait_for(self._slots.acquire(), POOL_WAIT_SECONDS)
            except asyncio.TimeoutError as e:
                raise Busy() from e
        else:
            await self._slots.acquire()
        try:
            response = await session.request(method, yarl.URL(url, encoded=True), headers=headers, data=body,
                                             allow_redirects=False)
        except BaseException as e:
            self._slots.release()
            if isinstance(e, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
                raise Refused() from e
            if isinstance(e, asyncio.TimeoutError):
                raise TimedOut() from e
            if isinstance(e, aiohttp.ClientError):
                raise Lost() from e
            raise
        return _AiohttpAnswer(response, self._slots)

    async def get(self, url: str, timeout: float) -> tuple[int, bytes]:
        session = self._session or self._open()
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as r:
                return r.status, await r.read()
        except asyncio.TimeoutError as e:
            raise TimedOut() from e
        except aiohttp.ClientError as e:
            raise Refused() from e

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class _HttpxAnswer:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.headers = list(response.headers.items())

    async def read(self) -> bytes:
        try:
            return await self._response.aread()
        except httpx.TimeoutException as e:
            raise TimedOut() from e
        except httpx.TransportError as e:
            raise Lost() from e

    def chunks(self) -> AsyncIterator[bytes]:
        return self._response.aiter_raw()

    async def close(self) -> None:
        await self._response.aclose()


class HttpxUpstream:
    """The in-process tests' path: their apps as an httpx transport."""

    def __init__(self, transport: httpx.AsyncBaseTransport, connect_timeout: float, read_timeout: float) -> None:
        self.client = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=POOL_WAIT_SECONDS))

    async def send(self, method: str, url: str, headers: list[tuple[str, str]],
                   body: AsyncIterator[bytes] | None) -> Answer:
        try:
            request = self.client.build_request(method, httpx.URL(url), headers=headers, content=body)
        except httpx.InvalidURL as e:
            raise ValueError(str(e)) from e
        try:
            return _HttpxAnswer(await self.client.send(request, stream=True))
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            raise Refused() from e
        except httpx.PoolTimeout as e:
            raise Busy() from e
        except httpx.TimeoutException as e:
            raise TimedOut() from e
        except httpx.TransportError as e:
            raise Lost() from e

    async def get(self, url: str, timeout: float) -> tuple[int, bytes]:
        try:
            r = await self.client.get(url, timeout=timeout)
        except httpx.HTTPError as e:
            raise Refused() from e
        return r.status_code, r.content

    async def aclose(self) -> None:
        await self.client.aclose()
