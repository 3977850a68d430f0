"""The models volume: <root>/<exp_id>/<version>/... and a `current` symlink per experiment.

Inference containers only ever follow `current`. A version is downloaded into a
staging directory inside the experiment's directory (same filesystem, so the final
rename is atomic) and `current` is replaced by rename, never rewritten in place:
a reader sees the old version or the new one, nothing in between. The symlink is
relative, so it resolves wherever a container mounts the volume.

Blocking filesystem calls: the service runs these methods in a worker thread.
"""

import ctypes
import errno
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from clarus_daemon.errors import InvalidRequest
from clarus_daemon.models.metadata import ModelMetadata, read_metadata

CURRENT = "current"
STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".trash-"
LINK_PREFIX = f".{CURRENT}-"
# renameat2(2): swap two paths in one step (Linux 3.15+, glibc 2.28+)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = ctypes.CDLL(None, use_errno=True)
SAFE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_SAFE_NAME = re.compile(SAFE_NAME_PATTERN)


def check_exp_id(exp_id: str) -> str:
    """exp_id names a directory: refuse anything that could leave the models root."""
    if not _SAFE_NAME.match(exp_id):
        raise InvalidRequest(
            f"exp_id {exp_id!r} cannot name a directory: use letters, digits, '.', '_' "
            "and '-', starting with a letter or digit, at most 128 characters",
            details={"fields": {"exp_id": ["not a safe directory name"]}},
        )
    return exp_id


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Every directory entry under `root` on disk: files are fsynced as they are written."""
    for directory, _, _ in os.walk(root, topdown=False):
        _fsync_dir(Path(directory))


def _exchange(a: Path, b: Path) -> bool:
    """Swap `a` and `b` atomically; False where the filesystem cannot."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_tree(path: Path) -> None:
    """Rename first, then delete: a half-deleted tree never looks like a version."""
    trash = path.with_name(f"{TRASH_PREFIX}{uuid.uuid4().hex}")
    path.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


class ModelStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def exp_dir(self, exp_id: str) -> Path:
        return self.root / check_exp_id(exp_id)

    def version_dir(self, exp_id: str, version: str) -> Path:
        return self.exp_dir(exp_id) / version

    def current_version(self, exp_id: str) -> str | None:
        try:
            return os.readlink(self.exp_dir(exp_id) / CURRENT)
        except OSError:
            return None

    def intact(self, exp_id: str, model: str, version: str) -> ModelMetadata | None:
        """The version's metadata when it is `model`'s and every file is there with its size."""
        directory = self.version_dir(exp_id, version)
        metadata = read_metadata(directory)
        # an exp_id mapped to another registered model has other files under the same number
        if metadata is None or (metadata.model, metadata.version) != (model, version):
            return None
        for record in metadata.files:
            path = directory / record.path
            if path.is_symlink() or not path.is_file() or path.stat().st_size != record.size:
                return None
        return metadata

    def new_staging(self, exp_id: str) -> Path:
        exp_dir = self.exp_dir(exp_id)
        exp_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=exp_dir))
        staging.chmod(0o755)  # inference containers may read as another user
        return staging

    def clear_leftovers(self, exp_id: str) -> None:
        """Staging and trash directories and `current` links a killed process left behind."""
        exp_dir = self.exp_dir(exp_id)
        if exp_dir.is_dir():
            for child in exp_dir.iterdir():
                if child.name.startswith(LINK_PREFIX) and child.is_symlink():
                    child.unlink(missing_ok=True)
                elif child.name.startswith((STAGING_PREFIX, TRASH_PREFIX)):
                    shutil.rmtree(child, ignore_errors=True)

    def experiments(self) -> list[str]:
        """The experiments on the volume (directories with a safe name)."""
        if not self.root.is_dir():
            return []
        return sorted(
            child.name
            for child in self.root.iterdir()
            if child.is_dir() and not child.is_symlink() and _SAFE_NAME.match(child.name)
        )

    def free_bytes(self, exp_id: str) -> int:
        exp_dir = self.exp_dir(exp_id)
        exp_dir.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(exp_dir).free

    def install(self, staging: Path, exp_id: str, version: str) -> Path:
        """Move a complete staging directory into place as `version`.

        A damaged copy of the same version (perhaps the one `current` points at) is
        swapped out in one step, so `current` never points at nothing; only where the
        filesystem cannot swap is it removed first.
        """
        _fsync_tree(staging)
        target = self.version_dir(exp_id, version)
        if target.exists():
            if _exchange(staging, target):
                _fsync_dir(target.parent)
                _remove_tree(staging)  # now the damaged copy
                return target
            _remove_tree(target)
        staging.rename(target)
        _fsync_dir(target.parent)
        return target

    def switch_current(self, exp_id: str, version: str) -> bool:
        """Point `current` at `version`; False when it already did."""
        exp_dir = self.exp_dir(exp_id)
        if self.current_version(exp_id) == version:
            return False
        link = exp_dir / f"{LINK_PREFIX}{uuid.uuid4().hex}"
        link.symlink_to(version)
        link.replace(exp_dir / CURRENT)
        _fsync_dir(exp_dir)
        return True

    def versions(self, exp_id: str) -> list[ModelMetadata]:
        """Installed versions, oldest fetch first."""
        exp_dir = self.exp_dir(exp_id)
        found = [
            metadata
            for child in (exp_dir.iterdir() if exp_dir.is_dir() else ())
            if child.name.isdigit() and (metadata := read_metadata(child)) is not None
        ]
        return sorted(found, key=lambda m: m.fetched_at)

    def prune(self, exp_id: str, keep: int) -> list[str]:
        """Delete all but the `keep` most recently fetched versions, never the current one."""
        current = self.current_version(exp_id)
        older = [m.version for m in self.versions(exp_id) if m.version != current]
        doomed = older[: max(0, len(older) - (keep - 1 if current else keep))]
        for version in doomed:
            _remove_tree(self.version_dir(exp_id, version))
        return doomed
