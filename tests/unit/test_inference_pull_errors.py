"""How failed pulls are told apart, from the engine's status and words; progress accounting."""

import aiodocker
import pytest

from clarus_daemon.errors import InvalidRequest, UpstreamError, UpstreamUnavailable
from clarus_daemon.inference.errors import ImageNotFound, RegistryUnauthorized, RegistryUnreachable
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.pull_errors import pull_error
from clarus_daemon.inference.pull_progress import PullProgress
from clarus_daemon.inference.registry_auth import RegistryAuth

REF = ImageRef.parse("127.0.0.1:5000/uc/wine:1")


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (404, "manifest for 127.0.0.1:5000/uc/wine:1 not found: manifest unknown", ImageNotFound),
        (
            500,
            'Head "http://127.0.0.1:5000/v2/uc/wine/manifests/1": no basic auth credentials',
            RegistryUnauthorized,
        ),
        (500, "unauthorized: authentication required", RegistryUnauthorized),
        (500, "pull access denied for uc/wine", RegistryUnauthorized),
        (
            500,
            'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
            RegistryUnreachable,
        ),
        (500, "lookup reg.invalid: no such host", RegistryUnreachable),
        (500, "http: server gave HTTP response to HTTPS client", RegistryUnreachable),
        (400, "invalid reference format", InvalidRequest),
        (900, "Cannot connect to Docker Engine via unix:///x.sock", UpstreamUnavailable),
        (500, "something new", UpstreamError),
    ],
)
def test_classification(status: int, message: str, kind: type[Exception]) -> None:
    error = pull_error(aiodocker.DockerError(status, message), REF, None)

    assert type(error) is kind


def test_unauthorized_says_which_credentials_without_the_secret() -> None:
    auth = RegistryAuth(
        "127.0.0.1:5000", "docker config file /c.json", {"username": "kit", "password": "s3"}
    )

    error = pull_error(
        aiodocker.DockerError(500, "unauthorized: authentication required"), REF, auth
    )
    anonymous = pull_error(aiodocker.DockerError(500, "no basic auth credentials"), REF, None)

    assert "kit from docker config file /c.json" in error.message and "s3" not in error.message
    assert "no credentials are configured for 127.0.0.1:5000" in anonymous.message


def test_progress_counts_layers_and_bytes() -> None:
    progress = PullProgress("img")
    for event in [
        {"status": "Pulling from uc/wine", "id": "1"},
        {"status": "Pulling fs layer", "id": "a"},
        {"status": "Pulling fs layer", "id": "b"},
        {"status": "Downloading", "id": "a", "progressDetail": {"current": 500, "total": 1000}},
        {"status": "Download complete", "id": "a"},
        {"status": "Pull complete", "id": "a"},
        {"status": "Already exists", "id": "b"},
        {"status": "Digest: sha256:feed"},
    ]:
        progress.update(event)

    assert (progress.downloaded, progress.total) == (1000, 1000)
    assert progress.summary().startswith("2/2 layers, 0.0/0.0 MB")
    assert progress.digest == "sha256:feed"
