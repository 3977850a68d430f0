"""Hostile connection floods: idle sockets and slowloris clients, in a process of their own.

Each client reconnects as soon as the server closes it, so the pressure lasts as
long as the flood runs. The flood lives in a child process so that the measuring
side (pings, file-descriptor counts) competes with it only for CPU, not for a loop.
"""

import asyncio
import multiprocessing
import resource
from dataclasses import dataclass
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

SLOWLORIS_HEAD = b"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@dataclass(frozen=True)
class Flood:
    port: int
    idle: int
    slowloris: int
    trickle_every_s: float = 1.0


async def _client(flood: Flood, stop: EventType, trickle: bool) -> None:
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", flood.port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        try:
            if trickle:
                writer.write(SLOWLORIS_HEAD)
            while not stop.is_set() and not reader.at_eof():
                if trickle:
                    writer.write(b"X-Trickle: 1\r\n")
                    await writer.drain()
                try:
                    await asyncio.wait_for(reader.read(1024), flood.trickle_every_s)
                except TimeoutError:
                    continue
        except OSError:
            pass
        finally:
            writer.close()


async def _flood(flood: Flood, stop: EventType) -> None:
    clients = [_client(flood, stop, trickle=False) for _ in range(flood.idle)]
    clients += [_client(flood, stop, trickle=True) for _ in range(flood.slowloris)]
    await asyncio.gather(*clients)


def _run(flood: Flood, stop: EventType) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_flood(flood, stop))


class FloodProcess:
    def __init__(self, flood: Flood) -> None:
        self._stop = multiprocessing.Event()
        self._process = multiprocessing.Process(target=_run, args=(flood, self._stop))

    def __enter__(self) -> "FloodProcess":
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def open_fds(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))
