"""Choosing the Ray backend by config, and the clear errors of bad input (no cluster needed)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from azr_env.config import EnvConfig
from azr_env.errors import ConfigError, ExecutorError
from azr_env.executor.ray_actor import probe
from azr_env.executor.ray_backend import RaySpec, _split


def test_ray_backend_without_fields_means_the_default_spec() -> None:
    assert EnvConfig(executor_backend="ray").ray_spec() == RaySpec()


def test_ray_fields_make_the_spec() -> None:
    config = EnvConfig(executor_backend="ray", ray_address="10.1.2.3:6379", ray_actors=8, ray_cpus_per_actor=2)
    assert config.ray_spec() == RaySpec(address="10.1.2.3:6379", actors=8, cpus_per_actor=2)


def test_bad_ray_field_fails_at_construction() -> None:
    with pytest.raises(ConfigError, match="actors"):
        EnvConfig(executor_backend="ray", ray_actors=0)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ConfigError, match="executor_backend"):
        EnvConfig(executor_backend="dask")  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["actors", "cpus_per_actor", "start_timeout_s", "replace_timeout_s"])
def test_spec_refuses_non_positive_values(field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        RaySpec(**{field: 0})


def test_workers_per_actor_follow_the_cpus() -> None:
    assert (RaySpec(cpus_per_actor=0.5).workers_per_actor, RaySpec(cpus_per_actor=4).workers_per_actor) == (1, 4)


def test_split_is_contiguous_and_balanced() -> None:
    parts = _split(list(range(10)), 4)
    assert parts == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]


def test_unreachable_address_fails_fast() -> None:
    begin = time.monotonic()
    with pytest.raises(ExecutorError, match="ray start --head"):
        probe("127.0.0.1:1", timeout_s=2.0)
    assert time.monotonic() - begin < 2.5


def test_malformed_address_is_named() -> None:
    with pytest.raises(ExecutorError, match="not 'host:port'"):
        probe("nowhere", timeout_s=1.0)


RUN = """
import sys
from azr_env.errors import AzrError
from azr_env.executor.ray_backend import RayExecutor, RaySpec
try:
    RayExecutor(RaySpec(address=sys.argv[1], connect_timeout_s=2))
except AzrError as exc:
    print(type(exc).__name__, exc)
"""


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60, check=False)


def test_executor_on_an_unreachable_cluster_raises_executor_error() -> None:
    pytest.importorskip("ray")
    out = python(RUN, "127.0.0.1:1")
    assert out.stdout.startswith("ExecutorError no Ray cluster answers at 127.0.0.1:1"), out.stderr[-2000:]


def test_missing_ray_names_the_extra() -> None:
    blocked = "import sys; sys.modules['ray'] = None\n" + RUN
    out = python(blocked, "auto")
    assert "MissingDependencyError" in out.stdout
    assert "pip install 'azr-env[ray]'" in out.stdout


def test_train_flags_build_the_spec() -> None:
    from agents.llm.config import from_mapping

    config = from_mapping({"executor": "ray", "ray_address": "auto", "ray_actors": "3", "ray_cpus_per_actor": "2"})
    assert config.env.executor_backend == "ray"
    assert config.env.ray_spec() == RaySpec(address="auto", actors=3, cpus_per_actor=2.0)
    assert from_mapping({}).env.executor_backend == "local"
