"""Image references as Docker reads them: registry, repository, tag or digest."""

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass

DOCKER_HUB = "docker.io"
HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def _is_registry(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


def normalize_registry(address: str) -> str:
    """config.json keys come as host, host:port or a URL (https://index.docker.io/v1/)."""
    host = address.split("://", 1)[-1].split("/", 1)[0].lower()
    return DOCKER_HUB if host in HUB_ALIASES else host


@dataclass(frozen=True)
class ImageRef:
    raw: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, raw: str) -> "ImageRef":
        name, _, digest = raw.partition("@")
        head, slash, last = name.rpartition("/")
        tag = None
        if ":" in last:
            last, tag = last.rsplit(":", 1)
        path = f"{head}{slash}{last}"
        first, sep, rest = path.partition("/")
        if sep and _is_registry(first):
            registry, repository = normalize_registry(first), rest
        else:
            registry = DOCKER_HUB
            repository = path if sep else f"library/{path}"
        return cls(raw, registry, repository, tag, digest or None)

    @property
    def reference(self) -> str:
        """Tag or digest, as appended to the repository."""
        if self.digest:
            return f"@{self.digest}"
        return f":{self.tag or 'latest'}"

    @property
    def canonical(self) -> str:
        return f"{self.registry}/{self.repository}{self.reference}"

    def allowed_by(self, patterns: Iterable[str]) -> bool:
        """A glob matches the reference as written, with its default tag, or fully qualified."""
        forms = {self.raw, self.canonical}
        if not self.tag and not self.digest:
            forms.add(f"{self.raw}:latest")
        return any(fnmatch.fnmatchcase(form, p) for p in patterns for form in forms)
