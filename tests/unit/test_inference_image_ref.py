"""Image references: registry, repository, tag, digest; the allowlist's view of them."""

import pytest

from clarus_daemon.inference.image_ref import ImageRef, normalize_registry


@pytest.mark.parametrize(
    ("raw", "registry", "repository", "tag", "digest"),
    [
        ("nginx", "docker.io", "library/nginx", None, None),
        ("clarusproject/uc_energy:0.0.1", "docker.io", "clarusproject/uc_energy", "0.0.1", None),
        ("34.250.205.215:5001/uc/wine:2", "34.250.205.215:5001", "uc/wine", "2", None),
        ("localhost/model", "localhost", "model", None, None),
        ("reg.plant/a/b@sha256:abc", "reg.plant", "a/b", None, "sha256:abc"),
        ("127.0.0.1:5000/x:1@sha256:def", "127.0.0.1:5000", "x", "1", "sha256:def"),
    ],
)
def test_parse(
    raw: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    ref = ImageRef.parse(raw)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


def test_canonical_form_has_registry_and_tag() -> None:
    assert ImageRef.parse("nginx").canonical == "docker.io/library/nginx:latest"
    assert ImageRef.parse("r:5/a@sha256:1").canonical == "r:5/a@sha256:1"


@pytest.mark.parametrize(
    ("raw", "patterns", "allowed"),
    [
        ("anything/at:all", ["*"], True),
        ("registry.plant:5001/uc/wine:2", ["registry.plant:5001/*"], True),
        ("evil.example/uc/wine:2", ["registry.plant:5001/*"], False),
        ("clarusproject/uc:1", ["clarusproject/*"], True),
        ("clarusproject/uc:1", ["docker.io/clarusproject/*"], True),
        ("clarusproject/uc", ["clarusproject/uc:latest"], True),
        ("clarusproject/uc:1", [], False),
    ],
)
def test_allowlist(raw: str, patterns: list[str], allowed: bool) -> None:
    assert ImageRef.parse(raw).allowed_by(patterns) is allowed


@pytest.mark.parametrize(
    ("address", "registry"),
    [
        ("https://index.docker.io/v1/", "docker.io"),
        ("registry-1.docker.io", "docker.io"),
        ("http://34.250.205.215:5001", "34.250.205.215:5001"),
        ("Registry.Plant:5001/v2/", "registry.plant:5001"),
    ],
)
def test_config_file_keys_normalize(address: str, registry: str) -> None:
    assert normalize_registry(address) == registry
