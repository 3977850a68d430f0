"""Who may call the API: bearer tokens, stored hashed, and optional TLS."""

import hashlib
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, IPvAnyNetwork, SecretStr

from clarus_daemon.config.base import Section

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def token_digest(token: str) -> str:
    """How tokens are stored: hex SHA-256 (`clarus-daemon hash-token` prints it)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_digest(value: str) -> str:
    value = value.lower()
    if not _SHA256_HEX.match(value):
        raise ValueError("must be 64 hex digits (SHA-256 of the token)")
    return value


Sha256Hex = Annotated[str, AfterValidator(_check_digest)]
Scope = Literal["read", "write"]
PUBLIC_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


def _check_public_path(value: str) -> str:
    method, _, path = value.rpartition(" ")
    if not path.startswith("/"):
        raise ValueError(f"{value!r}: a path starting with '/', optionally after a method")
    if method and method.upper() not in PUBLIC_METHODS:
        raise ValueError(f"{value!r}: {method!r} is not an HTTP method")
    return value


PublicPath = Annotated[str, AfterValidator(_check_public_path)]


class TrustedNetwork(Section):
    cidr: IPvAnyNetwork = Field(description="Addresses, e.g. 10.0.0.0/8 or 192.168.1.20/32.")
    scope: Scope = Field("write", description="What a request from there may do without a token.")


def _cidr_text_is_write(value: object) -> object:
    return {"cidr": value} if isinstance(value, str) else value


TrustedNetworkEntry = Annotated[TrustedNetwork, BeforeValidator(_cidr_text_is_write)]


class ApiToken(Section):
    name: str = Field(description="Who holds it; shown in logs, never the token itself.")
    sha256: Sha256Hex | None = Field(None, description="SHA-256 hex of the token (preferred).")
    token: SecretStr | None = Field(None, description="The token in clear (discouraged).")
    scope: Scope = Field("write", description="read: GET only; write: every call.")

    def digest(self) -> str:
        if self.sha256 is not None:
            return self.sha256
        if self.token is None:
            raise ValueError(f"token {self.name!r} has neither sha256 nor token")
        return token_digest(self.token.get_secret_value())


class AuthSettings(Section):
    tokens: list[ApiToken] = Field(default_factory=list, description="Accepted bearer tokens.")
    token_file: Path | None = Field(
        None,
        description="File (mode 600 or 640) with one token per line, or name:sha256 lines, "
        "name:sha256:read for a read-only token.",
    )
    public_paths: list[PublicPath] = Field(
        default_factory=lambda: [
            "/api/ping",
            "/api/health/live",
            "/api/health/ready",
            "/swagger",
            "/api/docs/openapi.json",
            "/metrics",
        ],
        description="Paths (and their sub-paths) answered without a token: '/path' for GET "
        "and HEAD only, 'POST /path' for that method.",
    )
    trusted_networks: list[TrustedNetworkEntry] = Field(
        default_factory=list,
        description="Client networks answered without a token, for old clients that cannot "
        "send one: '10.0.0.0/8' (scope write) or {cidr = '...', scope = 'read'}.",
    )
    allow_insecure_no_auth: bool = Field(
        False,
        description="Start without tokens on a non-loopback address (--insecure-no-auth).",
    )
    tls_cert: Path | None = Field(None, description="PEM certificate; HTTPS when set with tls_key.")
    tls_key: Path | None = Field(None, description="PEM private key of tls_cert.")
