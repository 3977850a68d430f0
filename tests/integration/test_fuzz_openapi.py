"""Schemathesis against the daemon's own OpenAPI document, every endpoint, fixed seed.

The daemon runs with every dependency real or a contract fake on 127.0.0.1
(tests/infra/full_daemon.py), so a 5xx can only be the daemon's fault.
"""

import subprocess
import sys
from pathlib import Path

from tests.infra.full_daemon import TOKEN
from tests.infra.images import InferenceLab
from tests.infra.threaded_server import ThreadedServer

SEED = 20261125
MAX_EXAMPLES = 12
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
BYSTANDER = "clarus-fuzz-bystander"


def test_no_5xx_and_every_answer_matches_the_document(
    full_daemon: ThreadedServer, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    engine = inference_lab.engine
    engine.cli("create", "--name", BYSTANDER, inference_lab.images.good_v1)
    try:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")), "run",
                f"{full_daemon.url}/api/docs/openapi.json",
                "--checks", CHECKS,
                # stateful: links inferred from the document chain calls (deploy, then remove)
                "--phases", "examples,coverage,fuzzing,stateful",
                "--seed", str(SEED),
                "--max-examples", str(MAX_EXAMPLES),
                "--header", f"Authorization: Bearer {TOKEN}",
                "--workers", "1",
                "--request-timeout", "60",
            ],
            capture_output=True, text=True, cwd=tmp_path, check=False, timeout=900,
        )  # fmt: skip
        (Path("test-output") / "schemathesis.txt").parent.mkdir(exist_ok=True)
        (Path("test-output") / "schemathesis.txt").write_text(result.stdout + result.stderr)
        assert result.returncode == 0, result.stdout[-6000:]
        assert engine.cli("ps", "-aq", "--filter", f"name=^{BYSTANDER}$"), "bystander touched"
    finally:
        engine.cli("rm", "-f", BYSTANDER, check=False)
