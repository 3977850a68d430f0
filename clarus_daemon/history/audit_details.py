"""What an audit entry says about a state change, from the request and its answer,
the same whether it came through the API, the scheduler or a command."""

from collections.abc import Mapping
from typing import Any

from clarus_daemon.errors import DaemonError


def refined_action(action: str, answer: Mapping[str, Any]) -> str:
    """The answer may refine the action: a deploy that replaced is a replace."""
    if action == "deploy" and answer.get("outcome") == "replaced":
        return "replace"
    if action == "model_fetch" and answer.get("switched"):
        return "model_switch"
    return action


def audit_details(body: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """What was asked and what came of it; environment names only, never their values."""
    details: dict[str, Any] = {}
    if image := body.get("docker_img_uri") or body.get("docker_img") or answer.get("image"):
        details["image"] = image
    if digest := answer.get("image_digest"):
        details["image_digest"] = digest
    if isinstance(env := body.get("env"), dict):
        details["env_keys"] = sorted(str(name) for name in env)
    for key in (
        "replaced",
        "version",
        "drift",
        "archived_reference",
        "dag_run_id",
        "adopted",
        "error",
    ):
        if answer.get(key) is not None:
            details[key] = answer[key]
    return details


def status_outcome(status: int) -> str:
    return "ok" if status < 400 else "refused" if status < 500 else "failed"


def error_status(err: BaseException) -> int:
    """The status the API would have answered for this failure."""
    return err.status if isinstance(err, DaemonError) else 500


def error_answer(err: BaseException) -> dict[str, Any]:
    return {"error": err.code if isinstance(err, DaemonError) else "internal_error"}
