"""Which registered model version an experiment's fetch means.

By default the registered model named like the experiment (or as mapped in
mlflow.model_names) and its newest version in the configured stage, Production
unless set otherwise — what the old node agent fetched. An alias (MLflow's
successor of stages) or an explicit version can be configured or asked for.
"""

from dataclasses import dataclass
from typing import Any

from clarus_daemon.config.mlflow import MlflowSettings
from clarus_daemon.errors import Conflict, NotFound
from clarus_daemon.models.mlflow_client import MlflowClient, ModelVersion

STAGES = ("Production", "Staging", "Archived", "None")
"""MLflow's fixed model stages."""


@dataclass(frozen=True)
class Selection:
    """At most one of the three is set; all None means "as configured"."""

    stage: str | None = None
    alias: str | None = None
    version: str | None = None

    def describe(self) -> str:
        if self.version is not None:
            return f"version {self.version}"
        if self.alias is not None:
            return f"alias {self.alias!r}"
        return f"version in stage {self.stage!r}"

    def as_details(self) -> dict[str, str]:
        fields = {"stage": self.stage, "alias": self.alias, "version": self.version}
        return {k: v for k, v in fields.items() if v is not None}


def effective_selection(settings: MlflowSettings, requested: Selection) -> Selection:
    if requested.as_details():
        return requested
    if settings.alias:
        return Selection(alias=settings.alias)
    return Selection(stage=settings.stage)


def model_name_for(settings: MlflowSettings, exp_id: str) -> str:
    return settings.model_names.get(exp_id, exp_id)


async def _lookup(client: MlflowClient, model: str, selection: Selection) -> ModelVersion | None:
    if selection.version is not None:
        return await client.version(model, selection.version)
    if selection.alias is not None:
        return await client.version_by_alias(model, selection.alias)
    return await client.latest_version(model, selection.stage or "Production")


async def _missing_model(client: MlflowClient, exp_id: str, model: str) -> NotFound:
    details: dict[str, Any] = {"exp_id": exp_id, "model": model}
    if await client.experiment_exists(exp_id):
        return NotFound(
            f"Experiment {exp_id!r} exists in MLflow, but no registered model is named "
            f"{model!r}: register its model under that name or map it in mlflow.model_names",
            details={**details, "experiment_exists": True},
        )
    return NotFound(
        f"MLflow knows no registered model {model!r} and no experiment {exp_id!r}",
        details={**details, "experiment_exists": False},
    )


async def resolve(
    client: MlflowClient, exp_id: str, model: str, selection: Selection
) -> ModelVersion:
    """The version to fetch; NotFound names the experiment, model and selection tried."""
    details = {"exp_id": exp_id, "model": model, **selection.as_details()}
    try:
        found = await _lookup(client, model, selection)
    except NotFound as err:
        if selection.version is not None:
            raise NotFound(err.message, details=details) from err
        raise await _missing_model(client, exp_id, model) from err
    if found is None:
        raise NotFound(f"Registered model {model!r} has no {selection.describe()}", details=details)
    if found.status not in (None, "READY"):
        raise Conflict(
            f"Version {found.version} of {model!r} is not ready in MLflow ({found.status})",
            details=details,
        )
    return found
