"""The models volume layout: atomic `current`, integrity, pruning, leftovers."""

import os
from pathlib import Path

import pytest

from clarus_daemon.errors import InvalidRequest
from clarus_daemon.models.download import FileRecord
from clarus_daemon.models.layout import ModelStore, check_exp_id
from clarus_daemon.models.metadata import ModelMetadata, read_metadata, write_metadata


def install(store: ModelStore, version: str, fetched_at: str, model: str = "m") -> Path:
    staging = store.new_staging("exp")
    (staging / "model.skops").write_bytes(b"weights-" + version.encode())
    record = FileRecord("model.skops", len(b"weights-") + len(version), "0" * 64)
    metadata = ModelMetadata(
        "exp", model, version, None, "mlflow-artifacts:/x", None, [], [record], fetched_at
    )
    write_metadata(staging, metadata)
    return store.install(staging, "exp", version)


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path)


def test_switch_replaces_current_with_a_relative_link(store: ModelStore, tmp_path: Path) -> None:
    install(store, "1", "2026-01-01")
    install(store, "2", "2026-01-02")
    assert store.switch_current("exp", "1") is True
    assert store.switch_current("exp", "2") is True
    assert store.switch_current("exp", "2") is False
    assert os.readlink(tmp_path / "exp" / "current") == "2"
    assert (tmp_path / "exp" / "current" / "model.skops").read_bytes() == b"weights-2"
    assert not [p for p in os.listdir(tmp_path / "exp") if p.startswith(".current")]


def test_intact_checks_model_files_and_sizes(store: ModelStore) -> None:
    directory = install(store, "1", "2026-01-01")
    assert store.intact("exp", "m", "1") is not None
    assert store.intact("exp", "other-model", "1") is None
    (directory / "model.skops").write_bytes(b"short")
    assert store.intact("exp", "m", "1") is None
    (directory / "model.skops").unlink()
    assert store.intact("exp", "m", "1") is None
    assert store.intact("exp", "m", "9") is None


def test_prune_keeps_the_newest_and_never_the_current(store: ModelStore, tmp_path: Path) -> None:
    for version, day in (("1", "01"), ("2", "02"), ("3", "03"), ("4", "04")):
        install(store, version, f"2026-01-{day}")
    store.switch_current("exp", "1")  # the oldest fetch, e.g. after a rollback

    assert store.prune("exp", keep=2) == ["2", "3"]
    assert sorted(p for p in os.listdir(tmp_path / "exp") if not p.startswith(".")) == [
        "1",
        "4",
        "current",
    ]


def test_prune_without_current_keeps_exactly_n(store: ModelStore) -> None:
    for version in ("1", "2", "3"):
        install(store, version, f"2026-01-0{version}")
    assert store.prune("exp", keep=1) == ["1", "2"]


def test_install_replaces_a_damaged_copy(store: ModelStore) -> None:
    directory = install(store, "1", "2026-01-01")
    (directory / "model.skops").unlink()
    install(store, "1", "2026-01-02")
    metadata = read_metadata(directory)
    assert metadata is not None and metadata.fetched_at == "2026-01-02"
    assert store.intact("exp", "m", "1") is not None


def test_leftovers_of_a_killed_fetch_are_cleared(store: ModelStore, tmp_path: Path) -> None:
    install(store, "1", "2026-01-01")
    staging = store.new_staging("exp")
    (staging / "half.bin").write_bytes(b"x")
    (tmp_path / "exp" / ".trash-abc").mkdir()
    store.clear_leftovers("exp")
    assert sorted(os.listdir(tmp_path / "exp")) == ["1"]


def test_staging_is_readable_by_other_users(store: ModelStore) -> None:
    assert store.new_staging("exp").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("exp_id", ["..", "../etc", "a/b", ".hidden", "", "x" * 129, "a b"])
def test_unsafe_exp_ids_are_refused(exp_id: str) -> None:
    with pytest.raises(InvalidRequest, match="exp_id"):
        check_exp_id(exp_id)


@pytest.mark.parametrize("exp_id", ["UC_Energy", "Clarus_RedWine_experiment", "uc-1.2"])
def test_ordinary_exp_ids_pass(exp_id: str) -> None:
    assert check_exp_id(exp_id) == exp_id
