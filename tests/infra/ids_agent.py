"""Fixture: the IDS agent contract fake on a loopback port."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.fakes.ids_agent import IdsAgentState, build_app
from tests.infra.threaded_server import ThreadedServer, serve_in_thread


@dataclass
class IdsAgentFake:
    server: ThreadedServer
    state: IdsAgentState

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def ids_agent() -> Iterator[IdsAgentFake]:
    state = IdsAgentState()
    with serve_in_thread(build_app(state)) as server:
        yield IdsAgentFake(server, state)
