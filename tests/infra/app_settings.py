"""Settings for an in-process app under test, built the way the daemon builds them."""

from typing import Any

from clarus_daemon.config import Settings


def make_settings(**sections: dict[str, Any]) -> Settings:
    """Embedded defaults with the given sections merged in (e.g. docker={"url": ...})."""
    return Settings.model_validate(sections)
