"""Recognising API tokens.

Tokens are kept as SHA-256 digests and compared with hmac.compare_digest against
every configured digest, so neither the answer nor its timing tells how close a
guess was.
"""

import hashlib
import hmac

from clarus_daemon.config.auth import ApiToken, AuthSettings


class TokenVerifier:
    def __init__(self, auth: AuthSettings) -> None:
        self._tokens = [(token, token.digest()) for token in auth.tokens]
        # "/" stays exact: as a prefix it would make every path public
        self._public = tuple(path.rstrip("/") or "/" for path in auth.public_paths)

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def is_public(self, path: str) -> bool:
        return any(path == p or (p != "/" and path.startswith(p + "/")) for p in self._public)

    def identify(self, presented: str) -> ApiToken | None:
        digest = hashlib.sha256(presented.encode()).hexdigest()
        found = None
        for token, expected in self._tokens:
            if hmac.compare_digest(digest, expected):
                found = token
        return found
