"""Allowlist rules: image references whose registry, repository, tag and digest may be globs.

`registry.plant:5001/*` admits any repository and tag there, `redwine:1.*` Docker Hub's
library/redwine with tags 1.*, `reg.plant/uc/wine@sha256:<hex>` exactly that image,
`reg.plant/uc/*@sha256:*` any digest there. A digest reference is admitted only by a
rule that names a digest: `reg/*` admits `reg/x:2`, never `reg/x@sha256:...`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from clarus_daemon.inference.image_ref import DIGEST, ImageRef, is_registry, split_reference

EVERYTHING = "*"
ANY_DIGEST = "sha256:*"


@dataclass(frozen=True)
class ImageRule:
    text: str
    registry: str
    repository: str
    tag: str | None
    """None: any tag."""
    digest: str | None
    """None: no digest reference; sha256:* any; else exactly that one."""

    @classmethod
    def parse(cls, text: str) -> "ImageRule":
        """ValueError says what is wrong with the rule."""
        if text == EVERYTHING:
            return cls(text, "*", "*", None, ANY_DIGEST)
        name = text.partition("@")[0]
        if "/" not in name and is_registry(name.partition(":")[0]):
            raise ValueError(f"{text!r}: write {name}/* to admit a whole registry")
        registry, repository, tag, digest = split_reference(text)
        if digest is not None and digest != ANY_DIGEST and not DIGEST.match(digest):
            raise ValueError(f"{text!r}: a digest is sha256:* or sha256: and 64 hex digits")
        return cls(text, registry, repository, tag, digest)

    @classmethod
    def whole_registry(cls, registry: str) -> list["ImageRule"]:
        return [cls.parse(f"{registry}/*"), cls.parse(f"{registry}/*@{ANY_DIGEST}")]

    def admits(self, ref: ImageRef) -> bool:
        if self.text == EVERYTHING:
            return True
        if not (
            fnmatchcase(ref.registry, self.registry)
            and fnmatchcase(ref.repository, self.repository)
        ):
            return False
        if ref.digest is None:
            return self.digest is None and (
                self.tag is None or fnmatchcase(ref.tag or "latest", self.tag)
            )
        if self.digest is None:
            return False
        tag_ok = self.tag is None or ref.tag is None or fnmatchcase(ref.tag, self.tag)
        return tag_ok and fnmatchcase(ref.digest, self.digest)


def parse_rules(texts: Iterable[str]) -> list[ImageRule]:
    return [ImageRule.parse(text) for text in texts]
