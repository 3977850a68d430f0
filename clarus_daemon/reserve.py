"""Reserving disk space for a file before writing it, so a full disk fails at once.

A free-space check followed by the writes races with every other writer on the disk;
allocating the file's final size first either claims the space or fails with ENOSPC
before a byte is downloaded.
"""

import errno
import os


def reserve(fd: int, size: int | None) -> None:
    """Allocate `size` bytes for the open file `fd`; nothing when the size is unknown."""
    if not size:
        return
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as err:
        if err.errno in (errno.EOPNOTSUPP, errno.EINVAL):
            return  # a filesystem without allocation: the writes will tell
        raise
