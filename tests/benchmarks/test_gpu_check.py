import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_gpu_check_script_parses():
    subprocess.run(["bash", "-n", str(ROOT / "benchmarks" / "gpu_check.sh")], check=True)


def test_gpu_step_checks_hold_on_a_cpu(tmp_path):
    pytest.importorskip("torch")
    from benchmarks.gpu_step import main

    assert main(["tiny-random", "--device", "cpu", "--out", str(tmp_path), "--batch", "2", "--new-tokens", "4"]) == 0
    result = json.loads((tmp_path / "gpu_step-tiny-random.json").read_text())
    assert result["weights_changed"] and result["loss_finite"]
