"""Two real training steps on SmolLM2-135M (the embedded model); slow, skipped when the model is unavailable."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")


@pytest.mark.slow
@pytest.mark.timeout(900)  # a fresh machine downloads and converts the model first
def test_two_real_steps_on_smollm2(tmp_path, executor):
    from agents.llm.config import from_mapping
    from agents.llm.models import load_policy
    from agents.llm.session import build_trainer
    from azr_env.errors import ModelUnavailableError

    try:
        policy = load_policy("smollm2-135m")
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    config = from_mapping({
        "model": "smollm2-135m", "task_types": ("deduction",), "steps": 2, "batch_size": 1, "n_solve_samples": 2,
        "k_references": 1, "max_new_tokens": 32, "tensorboard": False, "progress": False,
        "run_dir": str(tmp_path / "run"),
    })  # fmt: skip
    before = policy[0].model.embed_tokens.weight.detach().clone()
    trainer = build_trainer(config, policy=policy, executor=executor)
    history = trainer.run()
    trainer.close()
    assert len(history) == 2
    assert all(math.isfinite(h["loss/total"]) for h in history)
    assert not torch.equal(before, trainer.model.model.embed_tokens.weight)
    assert (tmp_path / "run" / "checkpoints" / "latest").read_text().strip() == "step_000002"
