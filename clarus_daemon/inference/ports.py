"""Is a host port free for publishing, and if not, which process holds it?

Blocking (sockets and /proc); call through asyncio.to_thread. Without a userland
proxy the engine does not bind published ports itself, so a port a process listens
on would be silently shadowed: it is checked here, before the engine is asked.
"""

import errno
import os
import socket
from pathlib import Path

LISTEN_STATE = "0A"
PROC = Path("/proc")


def bind_error(host: str, port: int) -> OSError | None:
    """What binding host:port now fails with (None: it is free), as a listener would bind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            return err
    return None


def _bind_fails(host_ip: str, port: int) -> bool:
    error = bind_error(host_ip, port)
    # EADDRNOTAVAIL: the address is not ours (the daemon runs in a container)
    return error is not None and error.errno == errno.EADDRINUSE


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = fields[1].rsplit(":", 1)[-1]
            if fields[3] == LISTEN_STATE and int(local_port, 16) == port:
                inodes.add(fields[9])
    return inodes


def _socket_links(pid_dir: Path) -> set[str]:
    links = set()
    for fd in (pid_dir / "fd").iterdir():
        try:
            links.add(os.readlink(fd))
        except OSError:
            continue  # closed meanwhile (the directory listing's own fd, for one)
    return links


def _process_with_socket(inodes: set[str]) -> str | None:
    targets = {f"socket:[{inode}]" for inode in inodes}
    for pid_dir in PROC.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            if _socket_links(pid_dir) & targets:
                command = (pid_dir / "comm").read_text().strip()
                return f"process {pid_dir.name} ({command})"
        except OSError:
            continue
    return None


def port_holder(host_ip: str, port: int) -> str | None:
    """None when `port` can be bound on `host_ip`; else a description of its holder."""
    if not _bind_fails(host_ip, port):
        return None
    inodes = _listening_inodes(port)
    holder = _process_with_socket(inodes) if inodes else None
    return holder or "a process this daemon cannot identify"
