"""The labels the daemon puts on its containers, and the only state it keeps about them.

Whether a container is the daemon's is decided by ownership.Ownership (instance id),
never by these labels alone: an image can preset any of them.

Docker labels cannot change after creation, so a replacement in progress is recognised
by its name: a candidate still carries the temporary name recorded in CANDIDATE_NAME;
once renamed to its inference id it is the service itself.
"""

from collections.abc import Mapping
from typing import Any

from clarus_daemon.digits import ascii_number

MANAGED = "clarus.managed"
INSTANCE = "clarus.instance"
"""The daemon's instance id (state directory): what no image can know in advance."""
INFERENCE_ID = "clarus.inference_id"
IMAGE = "clarus.image"
IMAGE_ID = "clarus.image_id"
IMAGE_DIGEST = "clarus.image_digest"
HOST_IP = "clarus.host_ip"
HOST_PORT = "clarus.host_port"
CONTAINER_PORT = "clarus.container_port"
SPEC_HASH = "clarus.spec_hash"
REQUEST = "clarus.request"
"""JSON of the request the container came from (environment values left out)."""
SOURCE = "clarus.source"
"""registry (the image named in the request) or data_space (the image the data space named)."""
EXP_ID = "clarus.exp_id"
PROVIDER = "clarus.data_space.provider"
DEPLOYED_AT = "clarus.deployed_at"
CANDIDATE_NAME = "clarus.candidate_name"
REPLACES = "clarus.replaces"
"""Id of the container a candidate is meant to replace."""
OWNER = "clarus.owner"
"""The daemon process that created a candidate: recovery leaves a live one's alone."""
REPLACES_RUNNING = "clarus.replaces_running"
"""Whether that container ran when the replacement began: only then is it started again."""


def managed_filters(inference_id: str | None = None) -> dict[str, Any]:
    wanted = [f"{MANAGED}=true"]
    if inference_id is not None:
        wanted.append(f"{INFERENCE_ID}={inference_id}")
    return {"label": wanted}


def blank_labels() -> dict[str, str]:
    """Every label the daemon reads, empty: set on each container so that none of them
    comes from the image."""
    return dict.fromkeys(
        (INFERENCE_ID, IMAGE, IMAGE_ID, IMAGE_DIGEST, HOST_IP, HOST_PORT, CONTAINER_PORT,
         SPEC_HASH, REQUEST, SOURCE, EXP_ID, PROVIDER, DEPLOYED_AT, CANDIDATE_NAME, REPLACES,
         OWNER, REPLACES_RUNNING),
        "",
    )  # fmt: skip


def int_label(labels: Mapping[str, str], key: str) -> int | None:
    return ascii_number(labels.get(key, ""))
