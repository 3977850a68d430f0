"""Whether a host port is free, and naming the process that holds it."""

import os
import socket

from clarus_daemon.inference.ports import port_holder
from tests.infra.ports import free_port


def test_free_port_has_no_holder() -> None:
    assert port_holder("127.0.0.1", free_port()) is None


def test_listening_socket_names_this_process() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        holder = port_holder("127.0.0.1", port)
        wildcard = port_holder("0.0.0.0", port)

    assert holder is not None and holder.startswith(f"process {os.getpid()} ")
    assert wildcard == holder


def test_address_not_on_this_host_is_not_judged() -> None:
    assert port_holder("203.0.113.77", free_port()) is None
