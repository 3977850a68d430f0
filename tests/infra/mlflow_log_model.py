"""Log and register small sklearn models on an MLflow server; run with the MLflow venv's python.

argv: TRACKING_URI SPEC_JSON, where SPEC_JSON lists models:
  [{"name": "UC_Energy", "versions": [{"stage": "Production"}, {"alias": "champion"}],
    "blob_mb": 0, "reference_dir": "/tmp/x"}]
Each version is a fitted LinearRegression plus a nested code/ directory (and, with
blob_mb, a random blob of that size in it), so downloads have to recurse. With
reference_dir, every version is also downloaded there by MLflow's own client, for
byte-for-byte comparison. Prints {name: [{"version", "run_id", "reference"}]} as JSON.
"""

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
from mlflow import MlflowClient
from sklearn.linear_model import LinearRegression


def _code_dir(root: Path, blob_mb: int, seed: int) -> Path:
    package = root / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "helper.py").write_text(f"SEED = {seed}\n")
    blob = os.urandom(blob_mb * 1024 * 1024) if blob_mb else os.urandom(4096)
    (package / "sub" / "blob.bin").write_bytes(blob)
    return package


def _log_version(name: str, blob_mb: int, seed: int) -> tuple[str, str]:
    features = np.arange(20, dtype=float).reshape(-1, 1)
    model = LinearRegression().fit(features, features[:, 0] * (seed + 2))
    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=name,
            code_paths=[str(_code_dir(Path(tmp), blob_mb, seed))],
            pip_requirements=["scikit-learn"],  # skips the slow requirement inference
        )
    return str(info.registered_model_version), run.info.run_id


def _log_model(client: MlflowClient, spec: dict[str, Any]) -> list[dict[str, str | None]]:
    name = spec["name"]
    mlflow.set_experiment(spec.get("experiment", name))
    logged = []
    for seed, wanted in enumerate(spec["versions"]):
        version, run_id = _log_version(name, spec.get("blob_mb", 0), seed)
        if wanted.get("stage"):
            client.transition_model_version_stage(name, version, wanted["stage"])
        if wanted.get("alias"):
            client.set_registered_model_alias(name, wanted["alias"], version)
        reference = None
        if spec.get("reference_dir"):
            reference = str(Path(spec["reference_dir"]) / version)
            mlflow.artifacts.download_artifacts(f"models:/{name}/{version}", dst_path=reference)
        logged.append({"version": version, "run_id": run_id, "reference": reference})
    return logged


def main() -> None:
    tracking_uri, spec_json = sys.argv[1:3]
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient()
    result = {spec["name"]: _log_model(client, spec) for spec in json.loads(spec_json)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
