"""The example plugin in examples/custom_task_type, loaded from its own pyproject entry point (not installed)."""

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from azr_env.tasks import registry

PLUGIN = Path(__file__).resolve().parents[2] / "examples" / "custom_task_type"


def _entry_point() -> EntryPoint:
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())
    (name, value), = project["project"]["entry-points"][registry.ENTRY_POINT_GROUP].items()  # fmt: skip
    return EntryPoint(name=name, value=value, group=registry.ENTRY_POINT_GROUP)


@pytest.fixture
def reversal(monkeypatch: pytest.MonkeyPatch) -> Iterator[type]:
    """Load the plugin class through its entry point and register it for this test only."""
    monkeypatch.syspath_prepend(str(PLUGIN / "src"))
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_INSTANCES", dict(registry._INSTANCES))
    cls = _entry_point().load()
    registry.register_task_type(cls)
    yield cls


def test_entry_point_names_the_reversal_type(reversal: type) -> None:
    assert _entry_point().name == reversal.name == "reversal" and "reversal" in registry.list_task_types()


def test_reversal_passes_the_conformance_kit(reversal: type, executor) -> None:
    from azr_env.testing import check_task_type

    report = check_task_type(reversal(), executor)
    assert report.passed, report.failures


def test_reversal_runs_an_env_episode(reversal: type, executor) -> None:
    from agents.base import AgentContext
    from agents.registry import make_agent
    from azr_env import AbsoluteZeroEnv

    env = AbsoluteZeroEnv(task_types=("reversal",), executor=executor)
    obs, info = env.reset(seed=0, options={"role": "solve"})
    (action,) = make_agent("oracle", AgentContext(executor=executor, lookup=env.buffer.get)).act([obs], [info])
    assert env.step(action)[1] == 1.0


def test_reversal_runs_in_the_harness(reversal: type, executor) -> None:
    from benchmarks.harness import EvalConfig, run_selfplay

    config = EvalConfig(
        agent="oracle", suites=("selfplay",), episodes=4, n_solve_samples=2, batch_size=4, task_types=("reversal",)
    )
    rows = run_selfplay(config, 0, executor)
    assert all(row["correct"] for row in rows if row["kind"] == "solve")
    assert any(row["kind"] == "propose" for row in rows)


def test_installed_plugin_is_found_through_its_entry_point(tmp_path: Path) -> None:
    """pip-install a copy of the plugin into a target dir; `azr tasks list` then finds it with no code change."""
    source = shutil.copytree(PLUGIN, tmp_path / "src", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run([*pip, "--target", str(tmp_path / "site"), str(source)], check=True, timeout=240)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    command = [sys.executable, "-m", "azr_env.cli", "tasks", "list"]
    listed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert listed.returncode == 0 and "reversal" in listed.stdout, listed.stderr
