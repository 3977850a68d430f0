"""Recognising API tokens, public paths and trusted client networks.

Tokens are kept as SHA-256 digests and compared with hmac.compare_digest against
every configured digest, so neither the answer nor its timing tells how close a
guess was.
"""

import hashlib
import hmac
import ipaddress

from clarus_daemon.config.auth import ApiToken, AuthSettings, TrustedNetwork

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PATH_ONLY_METHODS = frozenset({"GET", "HEAD"})
"""What a public path without a method opens: reading it, never changing anything."""


def _public_entry(text: str) -> tuple[frozenset[str], str]:
    method, _, path = text.rpartition(" ")
    methods = frozenset({method.upper()}) if method else PATH_ONLY_METHODS
    # "/" stays exact: as a prefix it would make every path public
    return methods, path.rstrip("/") or "/"


class TokenVerifier:
    def __init__(self, auth: AuthSettings) -> None:
        self._tokens = [(token, token.digest()) for token in auth.tokens]
        self._public = [_public_entry(text) for text in auth.public_paths]
        self.trusted_networks = list(auth.trusted_networks)

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def is_public(self, method: str, path: str) -> bool:
        return any(
            method in methods and (path == p or (p != "/" and path.startswith(p + "/")))
            for methods, p in self._public
        )

    def trusted(self, remote: str | None) -> TrustedNetwork | None:
        """The configured network the client address is in (first match)."""
        try:
            address = ipaddress.ip_address((remote or "").split("%", 1)[0])
        except ValueError:
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return next((n for n in self.trusted_networks if address in n.cidr), None)

    def identify(self, presented: str) -> ApiToken | None:
        digest = hashlib.sha256(presented.encode()).hexdigest()
        found = None
        for token, expected in self._tokens:
            if hmac.compare_digest(digest, expected):
                found = token
        return found
