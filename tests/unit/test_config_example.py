"""config/clarus-daemon.toml documents every key the daemon reads."""

import re
from pathlib import Path

from pydantic import BaseModel

from clarus_daemon.config import Settings
from clarus_daemon.config.drift import MonitorSettings

EXAMPLE = Path(__file__).parents[2] / "config/clarus-daemon.toml"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _keys(annotation, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def _documented(text: str) -> set[str]:
    """Keys written as `key =` in a [section], commented out or not."""
    found, section = set(), ""
    for raw_line in text.splitlines():
        line = raw_line.lstrip("# ").strip()
        if header := re.match(r"^\[([a-z_.]+)", line):
            section = header.group(1).rstrip(".")
            found.add(".".join(section.split(".")[:2]))
            section = "drift.monitors" if section.startswith("drift.monitors.") else section
        elif key := re.match(r"^([a-z_0-9]+)\s*=", line):
            found.add(f"{section}.{key.group(1)}")
    return found


def test_every_setting_is_in_the_example() -> None:
    documented = _documented(EXAMPLE.read_text())
    expected = [k for k in _keys(Settings) if not k.startswith("drift.monitors")]
    expected += [f"drift.monitors.{k}" for k in _keys(MonitorSettings)]
    missing = sorted(k for k in expected if k not in documented)
    assert missing == [], f"undocumented in {EXAMPLE.name}: {missing}"
