"""The kit's published request collection, run with newman against the migrated daemon."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.infra.migration_site import MigratedSite

COLLECTION = Path(__file__).parents[1] / "newman" / "ClarusInference.postman_collection.json"
KIT_INFERENCE_ID = "inference01"
"""The id the kit's deploy requests use."""


# CI installs newman (.ci/run): there a missing newman fails rather than skips
@pytest.mark.skipif(
    shutil.which("newman") is None and not os.environ.get("CI"),
    reason="newman not installed (npm i -g newman)",
)
def test_the_kit_collection_gets_its_answers(migrated_site: MigratedSite, tmp_path: Path) -> None:
    site = migrated_site
    site.lab.ids.append(KIT_INFERENCE_ID)  # removed after the test, whatever it left
    site.start()
    report = tmp_path / "newman.json"
    variables = {
        "clarus_inference_kit_ip": "127.0.0.1",
        "node_agent_port": str(site.agent_port),
        "drift_detector_port": str(site.drift_port),
        "InferenceImUri": site.lab.images.registry.host,
    }
    result = subprocess.run(
        [
            "newman", "run", str(COLLECTION), "--reporters", "cli,json",
            "--reporter-json-export", str(report), "--timeout-request", "180000",
            *(arg for key, value in variables.items() for arg in ("--env-var", f"{key}={value}")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    executions = json.loads(report.read_text())["run"]["executions"]
    answers = {
        e["item"]["name"]: (e["response"]["code"], bytes(e["response"]["stream"]["data"])[:200])
        for e in executions
    }
    print(json.dumps({name: [code, body.decode()] for name, (code, body) in answers.items()}))
    assert result.returncode == 0, result.stdout[-4000:]
    assert len(answers) == 6
    # the daemon holds a token: the collection got in as a trusted network, with none
    assert (site.home / "state" / "api-token").is_file()
