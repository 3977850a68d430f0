"""Which images may run: the registries the configuration names, plus the operator's rules
(inference.allowed_images, see image_rule)."""

from clarus_daemon.config.inference import DockerSettings, InferenceSettings
from clarus_daemon.inference.errors import ImageNotAllowed
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.image_rule import ImageRule, parse_rules
from clarus_daemon.inference.registry_auth import configured_registries
from clarus_daemon.inference.spec import DeployRequest


def suggested_rule(ref: ImageRef) -> str:
    if ref.digest:
        return f"{ref.registry}/{ref.repository}@{ref.digest}"
    return f"{ref.registry}/{ref.repository}:{ref.tag or 'latest'}"


class ImageAllowlist:
    """Checked before any pull; the configuration files are read on each check, so a
    `docker login` on the host admits its registry without a restart."""

    def __init__(self, docker: DockerSettings, inference: InferenceSettings) -> None:
        self._docker = docker
        self._inference = inference
        self._rules = parse_rules(inference.allowed_images)

    async def registries(self) -> set[str]:
        if not self._inference.allow_configured_registries:
            return set()
        return await configured_registries(self._docker)

    async def check(self, request: DeployRequest) -> None:
        ref = request.image
        if any(rule.admits(ref) for rule in self._rules):
            return
        registries = await self.registries()
        if request.body == "data_space" and self._inference.allow_configured_registries:
            # the data space the operator configured chose this image, not the caller
            registries.add(ref.registry)
        if any(rule.admits(ref) for r in registries for rule in ImageRule.whole_registry(r)):
            return
        rule = suggested_rule(ref)
        raise ImageNotAllowed(
            f"Image {ref.raw} is not allowed here: add {rule!r} to inference.allowed_images "
            f"(registries admitted by the configuration: {sorted(registries) or 'none'})",
            details={"image": ref.raw, "rule": rule, "registries": sorted(registries)},
        )
