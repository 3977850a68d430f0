"""Which version a fetch means: request first, then configured alias, then configured stage."""

from clarus_daemon.config.mlflow import MlflowSettings
from clarus_daemon.models.resolve import Selection, effective_selection, model_name_for


def test_default_is_the_production_stage() -> None:
    assert effective_selection(MlflowSettings(), Selection()) == Selection(stage="Production")


def test_a_configured_alias_replaces_the_stage() -> None:
    settings = MlflowSettings(alias="champion", stage="Staging")
    assert effective_selection(settings, Selection()) == Selection(alias="champion")


def test_the_request_overrides_the_configuration() -> None:
    settings = MlflowSettings(alias="champion")
    for requested in (Selection(stage="Staging"), Selection(version="4"), Selection(alias="b")):
        assert effective_selection(settings, requested) == requested


def test_model_name_is_the_exp_id_unless_mapped() -> None:
    settings = MlflowSettings(model_names={"UC_Energy": "energy-forecaster"})
    assert model_name_for(settings, "UC_Energy") == "energy-forecaster"
    assert model_name_for(settings, "UC_Wine") == "UC_Wine"
