"""Which daemon process created a container, and whether that process still lives.

Recovery must not undo a deploy that another live daemon process (a second instance
on the same engine, a CLI) is in the middle of; a crashed process's leftovers are
fair game. A process is named by host, boot and pid plus its start time, so a pid
reused after a restart (PID 1 in a container) is not mistaken for the old process.
"""

import os
import socket
from pathlib import Path

PROC = Path("/proc")
BOOT_ID = PROC / "sys" / "kernel" / "random" / "boot_id"
STARTTIME_FIELD = 19
"""Index of starttime among the /proc/<pid>/stat fields after the command name."""


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> str:
    stat = _read(PROC / str(pid) / "stat")
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[STARTTIME_FIELD] if len(fields) > STARTTIME_FIELD else ""


def _identity(pid: int) -> str:
    return f"{socket.gethostname()}/{_read(BOOT_ID)}/{pid}/{_start_time(pid)}"


def this_process() -> str:
    return _identity(os.getpid())


def is_other_live_process(owner: str | None) -> bool:
    """True only when `owner` is provably another process that is still running."""
    if not owner or owner == this_process():
        return False
    parts = owner.split("/")
    if len(parts) != 4:
        return False
    host, boot, pid, started = parts
    if host != socket.gethostname() or boot != _read(BOOT_ID) or not pid.isdigit():
        return False
    return bool(started) and _start_time(int(pid)) == started
