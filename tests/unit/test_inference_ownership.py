"""Which containers are the daemon's: its instance id, or an adopted earlier one."""

from pathlib import Path

from clarus_daemon.inference import labels
from clarus_daemon.inference.ownership import Ownership, instance_id


def test_the_instance_id_is_kept(tmp_path: Path) -> None:
    made = instance_id(tmp_path / "state")
    assert len(made) == 32
    assert instance_id(tmp_path / "state") == made
    assert Ownership.of_state_dir(tmp_path / "state").instance_id == made


def test_labels_alone_make_nothing_ours() -> None:
    ours = Ownership("a" * 32)
    preset = {labels.MANAGED: "true", labels.INFERENCE_ID: "x", labels.INSTANCE: "b" * 32}
    assert ours.owns("c1", {labels.MANAGED: "true", labels.INSTANCE: "a" * 32})
    assert not ours.owns("c1", preset)
    assert not ours.owns("c1", {labels.INSTANCE: "a" * 32})  # not managed
    assert not ours.owns("c1", None)


def test_earlier_containers_only_once_adopted() -> None:
    ours = Ownership("a" * 32)
    legacy = {labels.MANAGED: "true", labels.INFERENCE_ID: "x"}
    assert Ownership.is_legacy(legacy)
    assert not ours.owns("old", legacy)
    ours.adopt(["old"])
    assert ours.owns("old", legacy)
    assert not ours.owns("old", {**legacy, labels.INSTANCE: "b" * 32})
