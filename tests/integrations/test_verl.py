"""The verl adapter inside verl 0.9.1: plugin registration, the TRR++ estimator, agent loops on a scripted server.

verl caps transformers below the version the test environment runs, so it lives in its own environment; these
tests are skipped elsewhere. To run them: a venv with ``pip install torch==2.13.0 'azr-env[verl]'`` (or ``-e .``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

verl = pytest.importorskip("verl", reason="verl 0.9.1 is not installed here (it has its own [verl] environment)")
ray = pytest.importorskip("ray")

import torch  # noqa: E402

from azr_env.tasks.examples import example_response  # noqa: E402
from azr_env.tasks.prompts import fence  # noqa: E402


def test_plugin_registers_the_estimator_and_the_loops() -> None:
    from verl.experimental.agent_loop.agent_loop import _agent_loop_registry
    from verl.trainer.ppo.core_algos import get_adv_estimator_fn

    from azr_env.integrations.verl.plugin import trr_estimator

    assert get_adv_estimator_fn("azr_trr") is trr_estimator
    assert {"azr_propose", "azr_solve"} <= set(_agent_loop_registry)


def test_estimator_broadcasts_sequence_advantages_over_the_mask() -> None:
    from azr_env.integrations.verl.plugin import trr_estimator

    rewards = torch.zeros(4, 3)
    rewards[:, -1] = torch.tensor([1.0, 0.0, 1.0, 1.0])
    mask = torch.tensor([[1, 1, 1], [1, 1, 0], [1, 0, 0], [1, 1, 1]], dtype=torch.float32)
    advantages, returns = trr_estimator(rewards, mask, index=["a", "a", "b", "b"])
    assert torch.equal(advantages, returns)
    assert advantages[0, 0] > 0 > advantages[1, 0] and advantages[1, 2] == 0
    assert torch.all(advantages[2:] == 0)  # a constant group has no signal


class ScriptedServer:
    """verl's server_manager: proposes ``def f(x): return 7``, answers 7 then 8 alternately."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer, self.answers = tokenizer, 0

    async def generate(self, *, request_id: str, prompt_ids: list[int], sampling_params: dict, **_: Any) -> Any:
        from verl.workers.rollout.replica import TokenOutput

        prompt = self.tokenizer.decode(prompt_ids)
        if "Write a new Python program" in prompt:
            text = example_response(fence("python", "def f(x):\n    return 7"), fence("input", "0"))
        else:
            self.answers += 1
            found = re.search(r"return (\d+)", prompt)
            value = int(found.group(1)) if found else 0
            text = example_response(fence("output", str(value if self.answers % 2 else value + 1)))
        return TokenOutput(token_ids=self.tokenizer.encode(text, add_special_tokens=False))


@pytest.fixture(scope="module")
def loops() -> Iterator[dict[str, Any]]:
    from omegaconf import OmegaConf
    from verl.experimental.agent_loop.agent_loop import DictConfigWrap

    from agents.llm.models import load_policy
    from azr_env.integrations.verl.agent_loops import ProposeLoop, SolveLoop

    _, tokenizer = load_policy("smollm2-135m")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", _node_ip_address="127.0.0.2")
    config = OmegaConf.create({
        "actor_rollout_ref": {"rollout": {"prompt_length": 2048, "response_length": 256}},
        "data": {}, "azr": {"task_types": ["deduction"], "n_solve_samples": 2, "service_name": "azr-test"},
    })  # fmt: skip
    server = ScriptedServer(tokenizer)
    args = {"trainer_config": DictConfigWrap(config), "server_manager": server, "tokenizer": tokenizer,
            "processor": None, "dataset_cls": object, "data_config": DictConfigWrap(config.data)}  # fmt: skip
    try:
        yield {"propose": ProposeLoop(**args), "solve": SolveLoop(**args)}
    finally:
        ray.shutdown()


def run(loop: Any, sampling_params: dict, **kwargs: Any) -> Any:
    """Run an agent loop on the event loop it was built on (verl's workers do the same)."""
    return loop.loop.run_until_complete(loop.run(sampling_params, **kwargs))


def test_propose_loop_scores_learnability_from_the_attempts(loops: dict[str, Any]) -> None:
    out = run(loops["propose"], {}, extra_info={"task_type": "deduction"}, uid="p1")
    assert out.extra_fields["azr_outcome"] == "valid"
    assert out.reward_score == 0.5  # attempts 7 then 8: solve rate 1/2
    assert len(out.response_ids) == len(out.response_mask) > 0


def test_solve_loop_scores_a_buffer_task(loops: dict[str, Any]) -> None:
    out = run(loops["solve"], {}, extra_info={"task_type": "deduction"}, uid="s1")
    assert out.extra_fields["azr_role"] == "solve"
    assert out.reward_score in (1.0, -0.5)
