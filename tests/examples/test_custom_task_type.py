"""The example plugin in examples/custom_task_type, loaded from its own pyproject entry point (not installed)."""

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
