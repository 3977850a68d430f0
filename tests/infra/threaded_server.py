"""Serving an aiohttp app from a background thread, for contract fakes.

A thread with its own event loop keeps a fake independent of the loop (and
fixture scope) of the test that uses it.
"""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from tests.infra.ports import free_port


class ThreadedServer:
    def __init__(self, app: web.Application, port: int | None = None) -> None:
        self.app = app
        self.port = port or free_port()
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app, access_log=None)
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _call(self, coro: "asyncio.Future[None] | object") -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def start(self) -> None:
        self._thread.start()
        self._call(self._start())

    def stop(self) -> None:
        self._call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


@contextmanager
def serve_in_thread(app: web.Application, port: int | None = None) -> Iterator[ThreadedServer]:
    server = ThreadedServer(app, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
