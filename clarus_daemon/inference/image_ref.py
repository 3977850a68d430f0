"""Image references as Docker reads them: registry, repository, tag or digest.

The grammar is the one of Docker's reference package: the first component names a
registry only when it has a '.' or a ':' or is 'localhost'; otherwise the whole name
is a Docker Hub repository, which must be lowercase (so `EVILHOST/img` is refused,
never read as a registry called EVILHOST).
"""

import re
from dataclasses import dataclass

DOCKER_HUB = "docker.io"
HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
MAX_NAME_LENGTH = 255

_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
DOMAIN = re.compile(rf"^(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$")
PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
TAG = re.compile(r"^[\w][\w.-]{0,127}$")
DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")


class InvalidImageReference(ValueError):
    """The text is not an image reference Docker would accept; the message says why."""


def is_registry(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


def normalize_registry(address: str) -> str:
    """config.json keys come as host, host:port or a URL (https://index.docker.io/v1/)."""
    host = address.split("://", 1)[-1].split("/", 1)[0].lower()
    return DOCKER_HUB if host in HUB_ALIASES else host


def split_reference(text: str) -> tuple[str, str, str | None, str | None]:
    """(registry, repository, tag, digest) by Docker's rules, without validating the parts."""
    name, _, digest = text.partition("@")
    head, slash, last = name.rpartition("/")
    tag = None
    if ":" in last:
        last, tag = last.rsplit(":", 1)
    path = f"{head}{slash}{last}"
    first, sep, rest = path.partition("/")
    if sep and is_registry(first):
        return normalize_registry(first), rest, tag, digest or None
    repository = path if sep else f"library/{path}"
    return DOCKER_HUB, repository, tag, digest or None


def _check(raw: str, registry: str, repository: str, tag: str | None, digest: str | None) -> None:
    if not repository:
        raise InvalidImageReference(f"{raw!r}: no repository name")
    if registry != DOCKER_HUB and not DOMAIN.match(registry):
        raise InvalidImageReference(f"{raw!r}: {registry!r} is not a registry host[:port]")
    for component in repository.split("/"):
        if component.lower() != component:
            raise InvalidImageReference(f"{raw!r}: repository name must be lowercase")
        if not PATH_COMPONENT.match(component):
            raise InvalidImageReference(
                f"{raw!r}: {component!r} is not a repository name component "
                "(lowercase letters and digits, separated by '.', '_', '__' or '-')"
            )
    if len(f"{registry}/{repository}") > MAX_NAME_LENGTH:
        raise InvalidImageReference(f"{raw!r}: name longer than {MAX_NAME_LENGTH} characters")
    if tag is not None and not TAG.match(tag):
        raise InvalidImageReference(f"{raw!r}: {tag!r} is not a valid tag")
    if digest is not None and not DIGEST.match(digest):
        raise InvalidImageReference(f"{raw!r}: the digest must be sha256: and 64 hex digits")


@dataclass(frozen=True)
class ImageRef:
    raw: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, raw: str) -> "ImageRef":
        """Parse and validate; InvalidImageReference says what Docker would reject."""
        registry, repository, tag, digest = split_reference(raw)
        _check(raw, registry, repository, tag, digest)
        return cls(raw, registry, repository, tag, digest)

    @property
    def reference(self) -> str:
        """Tag or digest, as appended to the repository."""
        if self.digest:
            return f"@{self.digest}"
        return f":{self.tag or 'latest'}"

    @property
    def canonical(self) -> str:
        return f"{self.registry}/{self.repository}{self.reference}"
