"""Fixture: the Airflow contract fake on a loopback port, serving API v2 unless told."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.fakes.airflow import AirflowState, build_app
from tests.infra.threaded_server import ThreadedServer, serve_in_thread


@dataclass
class AirflowFake:
    server: ThreadedServer
    state: AirflowState

    @property
    def url(self) -> str:
        return self.server.url

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """An [airflow] section that reaches this fake with the right credentials."""
        return {
            "url": self.url,
            "username": self.state.username,
            "password": self.state.password,
            **overrides,
        }


@pytest.fixture
def airflow() -> Iterator[AirflowFake]:
    state = AirflowState()
    with serve_in_thread(build_app(state)) as server:
        yield AirflowFake(server, state)
