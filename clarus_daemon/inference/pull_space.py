"""Room for an image before it is pulled: the engine's data root keeps a margin free.

Layer sizes are not known before a pull, so the check is a floor, not a reservation;
it stops a pull that would fill the disk the engine, and every container, runs from.
Only for a local engine: a remote one's data root is not on this machine's disks.
"""

import asyncio
import shutil

import aiodocker

from clarus_daemon.errors import DaemonError

MIB = 1 << 20


class NoRoomToPull(DaemonError):
    status = 507
    code = "insufficient_storage"


async def check_pull_space(docker: aiodocker.Docker, engine_url: str, min_free_mb: int) -> None:
    if not engine_url.startswith("unix://"):
        return
    info = await docker.system.info()
    root = info.get("DockerRootDir")
    if not root:
        return
    try:
        free = (await asyncio.to_thread(shutil.disk_usage, root)).free
    except OSError:  # the daemon runs in a container that does not see the engine's disk
        return
    if free < min_free_mb * MIB:
        raise NoRoomToPull(
            f"Only {free // MIB} MiB are free in the Docker data root {root}; pulls need "
            f"{min_free_mb} MiB (limits.min_free_pull_mb): free space first",
            details={"free_mb": free // MIB, "setting": "limits.min_free_pull_mb"},
        )
