"""The trainer learns: collect -> advantages -> update moves log-probabilities the way the rewards say.

A scripted backend answers every prompt with one of two fixed responses, alternating, so every (task type, role)
group holds both and the advantages are not zero: ``GOOD`` is well formed in both roles (as a proposal it is a valid
deduction task, ``f(3)`` of ``x + 1``; as an answer it says ``4``, right for that task and wrong for the buffer's),
``BAD`` is junk (the format penalty). The policy is the tiny random model, trained on these responses' token ids.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from agents.llm.collect import Source, collect  # noqa: E402
from agents.llm.estimators import AdvantageInputs, get_estimator  # noqa: E402
from agents.llm.sampling import Generation, SamplingParams  # noqa: E402
from agents.llm.trainer import advantage_inputs, episode_rows  # noqa: E402
from agents.llm.update import pack, score_tokens  # noqa: E402
from azr_env.tasks.base import Outcome, Role  # noqa: E402

PROGRAM = "def f(x):\n    return x + 1"
GOOD = f"</think>\n<answer>\n```python\n{PROGRAM}\n```\n```input\n3\n```\n```output\n4\n```\n</answer>"
BAD = "no answer here"


class ScriptedBackend:
    """Answers prompts alternately with the good and the bad response; real token ids."""

    def __init__(self, tokenizer) -> None:  # type: ignore[no-untyped-def]
        self.tokenizer = tokenizer

    def generate(self, prompts: Sequence[str], params: SamplingParams) -> list[Generation]:
        out = []
        for i, prompt in enumerate(prompts):
            text = GOOD if i % 2 == 0 else BAD
            ids = [*self.tokenizer.encode(text, add_special_tokens=False), self.tokenizer.eos_token_id]
            prompt_ids = self.tokenizer.encode(prompt, add_special_tokens=False)
            out.append(Generation(prompt_ids, ids, [0.0] * len(ids), text, "stop"))
        return out

    def sync_weights(self, model: object) -> None:
        """The script does not depend on the weights."""

    def close(self) -> None:
        """Nothing to release."""


def scripted(trainer):  # type: ignore[no-untyped-def]
    trainer.backend = trainer.solver.backend = ScriptedBackend(trainer.tokenizer)
    return trainer


def flipped(inputs: AdvantageInputs) -> np.ndarray:
    """TRR++ with the sign of every advantage flipped."""
    return -get_estimator("trr++")(inputs)


def mean_logprob(trainer, prompt: str, text: str) -> float:  # type: ignore[no-untyped-def]
    tokenizer = trainer.tokenizer
    ids = tokenizer.encode(text, add_special_tokens=False)
    gen = Generation(tokenizer.encode(prompt, add_special_tokens=False), ids, [0.0] * len(ids), text, "stop")
    batch = pack([gen], 0, "cpu")
    with torch.no_grad():
        logp, _ = score_tokens(trainer.model, batch, 1.0, False)
    return float((logp * batch.mask).sum() / batch.mask.sum())


LEARN = {"batch_size": 2, "n_solve_samples": 2, "steps": 3, "max_new_tokens": 64, "learning_rate": 3e-3}


def logprob_changes(trainer) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    prompt = "User: what is f(3)?\nAssistant: <think>"
    before = [mean_logprob(trainer, prompt, t) for t in (GOOD, BAD)]
    trainer.run()
    after = [mean_logprob(trainer, prompt, t) for t in (GOOD, BAD)]
    return after[0] - before[0], after[1] - before[1]


@pytest.mark.slow
def test_training_raises_the_rewarded_response_and_lowers_the_other(make_trainer, tiny_config) -> None:
    good, bad = logprob_changes(scripted(make_trainer(tiny_config, **LEARN)))
    assert good > 0 > bad


@pytest.mark.slow
def test_flipped_advantages_move_them_the_other_way(make_trainer, tiny_config, tmp_path) -> None:
    trainer = scripted(make_trainer(tiny_config, run_dir=str(tmp_path / "flipped"), **LEARN))
    trainer.estimator = flipped
    good, bad = logprob_changes(trainer)
    assert good < 0 < bad


def one_collect(make_trainer, tiny_config, **overrides):  # type: ignore[no-untyped-def]
    trainer = scripted(make_trainer(tiny_config, **{**LEARN, **overrides}))
    seeds = np.array([1, 2, 3])
    return collect(trainer.env, trainer.backend, trainer.solver, trainer.tokenizer, config=trainer.config, seeds=seeds)


def test_the_step_carries_non_zero_advantages_in_both_roles(make_trainer, tiny_config) -> None:
    rollout = one_collect(make_trainer, tiny_config)
    samples = rollout.samples
    advantages = get_estimator("trr++")(advantage_inputs(samples))
    for role in Role:
        assert any(a != 0 for s, a in zip(samples, advantages, strict=True) if s.role is role)


def test_each_attempt_is_scored_with_its_own_reward(make_trainer, tiny_config) -> None:
    attempts = [s for s in one_collect(make_trainer, tiny_config).samples if s.source is Source.ATTEMPT]
    assert len(attempts) == 2  # the one valid proposal's two attempts: one good, one bad
    for sample in attempts:
        expected = (1.0, Outcome.CORRECT) if sample.generation.text == GOOD else (-1.0, Outcome.FORMAT_ERROR)
        assert (sample.reward, sample.outcome) == expected


def test_attempts_are_left_out_when_the_solver_does_not_train_on_them(make_trainer, tiny_config) -> None:
    rollout = one_collect(make_trainer, tiny_config, solver_trains_on_attempts=False)
    assert not [s for s in rollout.samples if s.source is Source.ATTEMPT]
    assert rollout.solve_rates("deduction") == [0.5]  # the attempts still ran and scored the proposal


def test_an_observer_reviews_the_trainers_attempts_before_admission(executor, tiny_config) -> None:
    from agents.llm.config import from_mapping
    from agents.llm.session import build_trainer
    from agents.llm.tiny import tiny_policy
    from azr_env.records import Review

    seen = []

    class Quarantine:
        def review(self, records):  # type: ignore[no-untyped-def]
            seen.extend(records)
            return {r.episode: Review(admit=False) for r in records if r.admits_task}

    config = from_mapping(LEARN, tiny_config)
    trainer = scripted(build_trainer(config, policy=tiny_policy(seed=0), executor=executor, observer=Quarantine()))
    size = len(trainer.env.buffer)
    collect(trainer.env, trainer.backend, trainer.solver, trainer.tokenizer, config=config, seeds=np.array([1, 2, 3]))
    trainer.close()
    assert [len(r.attempts) for r in seen if r.admits_task] == [2] and len(trainer.env.buffer) == size


def test_episode_rows_keep_each_response_beside_its_own_outcome(make_trainer, tiny_config) -> None:
    rows = episode_rows(one_collect(make_trainer, tiny_config), step=1)
    for row in rows:
        assert row["outcome"] == ("format_error" if row["response"] == BAD else row["outcome"])
        for attempt in row["attempt_responses"]:
            assert attempt["outcome"] == ("correct" if attempt["response"] == GOOD else "format_error")
    assert sum(len(row["attempt_responses"]) for row in rows) == 2
    assert {row["response"] for row in rows} == {GOOD, BAD}
    valid = [row["role"] == "propose" and row["outcome"] == "valid" for row in rows]
    assert any(valid) and [row["program"] for row in rows] == [PROGRAM + "\n" if v else None for v in valid]


def test_the_buffer_growth_of_a_step_counts_the_valid_proposals_it_admitted(make_trainer, tiny_config) -> None:
    trainer = scripted(make_trainer(tiny_config, **LEARN))
    metrics = trainer.train_step()
    batch = trainer.config.batch_size
    for task_type in trainer.config.env.task_types:
        assert metrics[f"buffer/{task_type}/growth"] == metrics[f"propose/{task_type}/valid_rate"] * batch
    assert sum(metrics[f"buffer/{t}/growth"] for t in trainer.config.env.task_types) > 0
