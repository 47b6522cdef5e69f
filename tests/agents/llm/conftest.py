"""Fixtures for training tests: a tiny config and a trainer factory on the tiny random model."""

from __future__ import annotations

import pytest

from agents.llm.config import from_mapping

TINY = {
    "model": "tiny-random", "task_types": ("deduction",), "steps": 2, "batch_size": 1, "n_solve_samples": 2,
    "k_references": 2, "max_new_tokens": 8, "micro_batch_size": 4, "learning_rate": 1e-3, "checkpoint_every": 1,
    "tensorboard": False, "progress": False, "executor_workers": 1,
}  # fmt: skip
"""A run small enough for a unit test: 2 episodes (+ attempts) per step, 8-token responses."""


@pytest.fixture
def tiny_config(tmp_path):
    return from_mapping({**TINY, "run_dir": str(tmp_path / "run")})


@pytest.fixture
def make_trainer(executor):
    """``make_trainer(config, resume=False)`` on the tiny model (seeded like ``load_policy('tiny-random')``)."""
    pytest.importorskip("torch")
    from agents.llm.session import build_trainer
    from agents.llm.tiny import tiny_policy

    made = []

    def make(config, resume=False, **overrides):
        config = from_mapping(overrides, config)
        trainer = build_trainer(config, resume=resume, policy=tiny_policy(seed=0), executor=executor)
        made.append(trainer)
        return trainer

    yield make
    for trainer in made:
        trainer.close()
