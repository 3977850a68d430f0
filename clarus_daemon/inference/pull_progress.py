"""Following a pull's progress stream: layers and bytes, logged at a steady pace."""

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("clarus_daemon.inference")

LOG_EVERY_S = 2.0
DONE_STATES = frozenset({"Pull complete", "Already exists"})


@dataclass
class PullProgress:
    image: str
    started: float = field(default_factory=time.monotonic)
    layer_bytes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """layer id -> (bytes downloaded, layer size) as the engine last reported."""
    done_layers: set[str] = field(default_factory=set)
    layers: set[str] = field(default_factory=set)
    digest: str | None = None
    _logged_at: float = 0.0

    def update(self, event: Mapping[str, Any]) -> None:
        status, layer = str(event.get("status", "")), event.get("id")
        if status.startswith("Digest: "):
            self.digest = status.removeprefix("Digest: ").strip()
        if not layer or status.startswith("Pulling from"):
            return
        self.layers.add(layer)
        detail = event.get("progressDetail") or {}
        if status == "Downloading" and detail.get("total"):
            self.layer_bytes[layer] = (int(detail.get("current", 0)), int(detail["total"]))
        elif status == "Download complete" and layer in self.layer_bytes:
            total = self.layer_bytes[layer][1]
            self.layer_bytes[layer] = (total, total)
        if status in DONE_STATES:
            self.done_layers.add(layer)
            log.debug("pull %s: layer %s %s", self.image, layer, status.lower())
        self._log_now_and_then()

    @property
    def downloaded(self) -> int:
        return sum(current for current, _total in self.layer_bytes.values())

    @property
    def total(self) -> int:
        return sum(total for _current, total in self.layer_bytes.values())

    def _log_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_S:
            self._logged_at = now
            log.info("pull %s: %s", self.image, self.summary())

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        return (
            f"{len(self.done_layers)}/{len(self.layers)} layers, "
            f"{self.downloaded / 1e6:.1f}/{self.total / 1e6:.1f} MB downloaded, {elapsed:.1f} s"
        )
