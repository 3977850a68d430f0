"""A token of its own for a daemon started beyond loopback, or with trusted networks,
with none configured.

The first such start makes one write token, keeps only its SHA-256 in the state
directory and writes the token itself to a file there that only the daemon's user
can read, and says once where it is (as Jupyter and Portainer do on first run).
Later starts reuse the digest. Removing both files makes a new token on the next
start; configuring [auth] tokens or a token_file replaces it altogether.
"""

import logging
import os
import secrets
from pathlib import Path

from clarus_daemon.config import Settings
from clarus_daemon.config.auth import ApiToken, token_digest
from clarus_daemon.listeners import exposed_without_auth

log = logging.getLogger("clarus_daemon.auth")

TOKEN_FILE = "api-token"
DIGEST_FILE = "api-token.sha256"
TOKEN_NAME = "first-run"


class FirstRunTokenError(Exception):
    """The state directory cannot hold the generated token; the message says why."""


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.chmod(path, 0o600)  # a file left by someone else keeps its mode through O_CREAT


def _generate(state_dir: Path) -> str:
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    state_dir.mkdir(parents=True, exist_ok=True)
    _write_private(state_dir / TOKEN_FILE, f"{token}\n")
    # the digest last: a crash in between leaves no digest, so the next start makes anew
    _write_private(state_dir / DIGEST_FILE, f"{digest}\n")
    log.warning(
        "no API token was configured: generated one; it is in %s (readable by this user "
        "only). Clients send it as 'Authorization: Bearer <token>'.",
        state_dir / TOKEN_FILE,
    )
    return digest


def _stored_digest(state_dir: Path) -> str | None:
    try:
        text = (state_dir / DIGEST_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


def with_first_run_token(settings: Settings) -> Settings:
    """`settings` with the generated token, when they need one; otherwise unchanged."""
    auth = settings.auth
    # trusted_networks names who may call without a token, so everyone else needs one,
    # local processes too: a listener on loopback alone is no reason to stay open then
    trusting = bool(auth.trusted_networks) and not auth.tokens
    needs_token = trusting or bool(exposed_without_auth(settings))
    if auth.allow_insecure_no_auth or not needs_token:
        return settings
    state_dir = settings.state_dir
    try:
        digest = _stored_digest(state_dir)
        if digest is None:
            digest = _generate(state_dir)
        else:
            log.info("API token: the one generated on first start (%s)", state_dir / TOKEN_FILE)
        token = ApiToken(name=TOKEN_NAME, sha256=digest)
    except OSError as err:
        raise FirstRunTokenError(
            f"no API token is configured and none can be kept in {state_dir}: {err}"
        ) from err
    except ValueError as err:
        raise FirstRunTokenError(
            f"{state_dir / DIGEST_FILE} does not hold a SHA-256 digest: remove it and "
            f"{state_dir / TOKEN_FILE} to make a new token"
        ) from err
    return settings.model_copy(update={"auth": auth.model_copy(update={"tokens": [token]})})
