"""Held-out evaluation inside training: the current policy answers held-out suites through ``benchmarks.harness``.

``TrainConfig.eval_every > 0`` evaluates before the first step and every ``eval_every`` steps (and after the last):
the policy answers the first ``eval_limit`` items of each of ``eval_suites`` ``eval_samples`` times, in the run's
prompt format, at ``eval_temperature``. The trainer logs ``eval/<suite>/accuracy`` with its 95% interval over items
(``..._low``, ``..._high``) to ``metrics.jsonl`` and TensorBoard, and every answer's row to ``eval.jsonl``. Sampling
is seeded from the run's seed and the step alone, so evaluating never changes what training draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from agents.llm.sampling import SamplingParams

if TYPE_CHECKING:
    from agents.llm.backends import RolloutBackend
    from agents.llm.config import TrainConfig
    from azr_env.executor.backend import ExecutorBackend


class PolicyAgent:
    """The policy as a harness ``Agent``: one sampled completion per observation, each call seeded in turn."""

    def __init__(self, backend: RolloutBackend, tokenizer: Any, params: SamplingParams) -> None:
        self.backend, self.tokenizer, self.params = backend, tokenizer, params
        self.calls = 0

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return one completion per observation (chat observations get ``info["system_prompt"]``)."""
        from agents.llm.prompting import format_observation

        prompts = [
            format_observation(self.tokenizer, obs, info.get("system_prompt"))
            for obs, info in zip(observations, infos, strict=True)
        ]
        seed = None if self.params.seed is None else self.params.seed + self.calls
        self.calls += 1
        params = SamplingParams(self.params.max_new_tokens, self.params.temperature, seed=seed)
        return [g.text for g in self.backend.generate(prompts, params)]


def due(config: TrainConfig, step: int) -> bool:
    """Whether the policy is evaluated after ``step`` steps (0: before the first); never without ``eval_suites``."""
    if config.eval_every <= 0 or not config.eval_suites:
        return False
    return step % config.eval_every == 0 or step == config.steps


def evaluate(
    config: TrainConfig, backend: RolloutBackend, tokenizer: Any, executor: ExecutorBackend, step: int
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Score the current policy on the held-out suites; return the metrics and one row per answer (with ``step``)."""
    from benchmarks.harness import held_out_metrics

    seed = config.seed * 1_000_003 + step
    params = SamplingParams(max_new_tokens=config.max_new_tokens, temperature=config.eval_temperature, seed=seed)
    agent = PolicyAgent(backend, tokenizer, params)
    metrics, rows = held_out_metrics(
        agent, config.eval_suites, executor, limit=config.eval_limit, batch_size=config.eval_batch_size,
        k=config.eval_samples, seed=config.seed, prompt_format=config.env.prompt_format,
    )  # fmt: skip
    return metrics, [{"step": step, **row} for row in rows]
