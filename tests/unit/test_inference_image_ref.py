"""Image references by Docker's grammar, and the allowlist rules that admit them."""

import pytest

from clarus_daemon.inference.image_ref import ImageRef, InvalidImageReference, normalize_registry
from clarus_daemon.inference.image_rule import ImageRule

A = "sha256:" + "a" * 64
B = "sha256:" + "b" * 64


@pytest.mark.parametrize(
    ("raw", "registry", "repository", "tag", "digest"),
    [
        ("nginx", "docker.io", "library/nginx", None, None),
        ("clarusproject/uc_energy:0.0.1", "docker.io", "clarusproject/uc_energy", "0.0.1", None),
        ("34.250.205.215:5001/uc/wine:2", "34.250.205.215:5001", "uc/wine", "2", None),
        ("localhost/model", "localhost", "model", None, None),
        (f"reg.plant/a/b@{A}", "reg.plant", "a/b", None, A),
        (f"127.0.0.1:5000/x:1@{B}", "127.0.0.1:5000", "x", "1", B),
        ("evilhost/img", "docker.io", "evilhost/img", None, None),
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


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("EVILHOST/img", "lowercase"),  # Docker Hub's path, not a registry called EVILHOST
        ("reg.plant/Uc/x", "lowercase"),
        ("reg.plant/x@sha256:abc", "64 hex"),
        ("reg.plant/x@md5:" + "a" * 32, "64 hex"),
        ("reg.plant/x:" + "t" * 129, "tag"),
        ("reg.plant/-x", "component"),
        ("reg..plant/x", "registry"),
        ("reg.plant/x:", "tag"),
        ("", "repository"),
    ],
)
def test_docker_rejects_these(raw: str, why: str) -> None:
    with pytest.raises(InvalidImageReference, match=why):
        ImageRef.parse(raw)


def test_canonical_form_has_registry_and_tag() -> None:
    assert ImageRef.parse("nginx").canonical == "docker.io/library/nginx:latest"
    assert ImageRef.parse(f"r:5/a@{A}").canonical == f"r:5/a@{A}"


@pytest.mark.parametrize(
    ("raw", "rule", "admitted"),
    [
        ("anything/at:all", "*", True),
        (f"anything/at@{A}", "*", True),
        ("registry.plant:5001/uc/wine:2", "registry.plant:5001/*", True),
        ("evil.example/uc/wine:2", "registry.plant:5001/*", False),
        ("clarusproject/uc:1", "clarusproject/*", True),
        ("clarusproject/uc:1", "docker.io/clarusproject/*", True),
        ("clarusproject/uc", "clarusproject/uc:latest", True),
        ("clarusproject/uc:2", "clarusproject/uc:1.*", False),
        ("redwine:1.4", "redwine:1.*", True),
        ("evilhost/img", "evilhost.example/*", False),
        # a tag glob never admits a digest reference
        (f"registry.plant:5001/uc@{A}", "registry.plant:5001/*", False),
        (f"registry.plant:5001/uc:1@{A}", "registry.plant:5001/*:1", False),
        (f"registry.plant:5001/uc@{A}", "registry.plant:5001/*@sha256:*", True),
        # a pinned digest admits that digest only, and no tag
        (f"registry.plant:5001/uc@{A}", f"registry.plant:5001/uc@{A}", True),
        (f"registry.plant:5001/uc@{B}", f"registry.plant:5001/uc@{A}", False),
        ("registry.plant:5001/uc:1", f"registry.plant:5001/uc@{A}", False),
    ],
)
def test_rules(raw: str, rule: str, admitted: bool) -> None:
    assert ImageRule.parse(rule).admits(ImageRef.parse(raw)) is admitted


@pytest.mark.parametrize("rule", ["registry.plant:5001", "reg.plant/x@sha256:abc"])
def test_bad_rules_are_refused(rule: str) -> None:
    with pytest.raises(ValueError, match=r"registry|digest"):
        ImageRule.parse(rule)


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
