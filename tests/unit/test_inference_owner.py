"""Telling a live daemon process from a dead one (or a reused pid)."""

import os
import subprocess

from clarus_daemon.inference.owner import _identity, is_other_live_process, this_process


def test_own_process_and_garbage_are_not_other_live_processes() -> None:
    assert not is_other_live_process(this_process())
    assert not is_other_live_process(None)
    assert not is_other_live_process("some-label-value")
    assert not is_other_live_process("elsewhere/boot/1/1")


def test_live_then_dead_process() -> None:
    child = subprocess.Popen(["sleep", "30"])
    owner = _identity(child.pid)
    try:
        assert is_other_live_process(owner)
        assert not is_other_live_process(owner.rsplit("/", 1)[0] + "/1")  # pid reused later
    finally:
        child.kill()
        child.wait()
    assert not is_other_live_process(owner)
    assert str(os.getpid()) in this_process()
