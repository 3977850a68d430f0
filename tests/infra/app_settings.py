"""Settings for an in-process app under test, built the way the daemon builds them."""

import tempfile
from pathlib import Path
from typing import Any

from clarus_daemon.config import Settings

# Tests never write the daemon's real state directory.
_STATE_DIR = Path(tempfile.mkdtemp(prefix="clarus-test-state-"))


def make_settings(**sections: dict[str, Any]) -> Settings:
    """Embedded defaults with the given sections merged in (e.g. docker={"url": ...})."""
    history = {"path": str(_STATE_DIR / "history.sqlite3"), **sections.pop("history", {})}
    return Settings.model_validate({"history": history, **sections})
