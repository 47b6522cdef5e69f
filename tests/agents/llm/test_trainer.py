"""The training loop on the tiny model: determinism, exact resume, checkpoints, metrics."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from agents.llm.checkpoint import latest_checkpoint  # noqa: E402
from agents.llm.metrics import read_metrics  # noqa: E402


def strip_times(records):
    return [{k: v for k, v in r.items() if not k.startswith("time/")} for r in records]


def params(model):
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def assert_same_params(a, b):
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name


@pytest.mark.slow
def test_same_seed_same_run(make_trainer, tiny_config, tmp_path):
    a = make_trainer(tiny_config)
    a.run()
    b = make_trainer(tiny_config, run_dir=str(tmp_path / "b"))
    b.run()
    assert_same_params(params(a.model), params(b.model))
    assert strip_times(a.history) == strip_times(b.history)


@pytest.mark.slow
def test_two_steps_resume_two_steps_equals_four(make_trainer, tiny_config, tmp_path):
    straight = make_trainer(tiny_config, steps=4, run_dir=str(tmp_path / "straight"))
    straight.run()
    first = make_trainer(tiny_config, steps=2, run_dir=str(tmp_path / "resumed"))
    first.run()
    first.close()
    second = make_trainer(tiny_config, resume=True, steps=4, run_dir=str(tmp_path / "resumed"))
    assert second.step == 2
    second.run()
    assert_same_params(params(straight.model), params(second.model))
    a = strip_times(read_metrics(tmp_path / "straight" / "metrics.jsonl"))
    b = strip_times(read_metrics(tmp_path / "resumed" / "metrics.jsonl"))
    assert a == b
    buffers = [(latest_checkpoint(tmp_path / d) / "buffer.jsonl").read_text() for d in ("straight", "resumed")]
    assert buffers[0] == buffers[1]


def test_a_stop_rule_ends_the_run_early_with_a_checkpoint(make_trainer, tiny_config, tmp_path):
    trainer = make_trainer(tiny_config, steps=4, checkpoint_every=3)
    asked = []
    history = trainer.run(stop=lambda h: asked.append(len(h)) or len(h) >= 2)
    assert (len(history), trainer.step, asked) == (2, 2, [1, 2])
    assert latest_checkpoint(tmp_path / "run").name == "step_000002"


def test_metrics_have_namespaced_keys(make_trainer, tiny_config):
    trainer = make_trainer(tiny_config, steps=1, task_types=("deduction", "abduction", "induction"))
    (metrics,) = trainer.run()
    for key in ("propose/deduction/valid_rate", "solve/induction/accuracy", "loss/pg", "loss/entropy",
                "time/rollout_s", "buffer/abduction/size", "propose/abduction/learnability_mean"):  # fmt: skip
        assert key in metrics


@pytest.mark.slow
def test_checkpoints_keep_the_newest_and_point_latest(make_trainer, tiny_config, tmp_path):
    trainer = make_trainer(tiny_config, steps=3, keep_checkpoints=2)
    trainer.run()
    root = tmp_path / "run" / "checkpoints"
    assert sorted(p.name for p in root.glob("step_*")) == ["step_000002", "step_000003"]
    assert (root / "latest").read_text().strip() == "step_000003"
    assert {p.name for p in (root / "step_000003").iterdir()} >= {"model", "optimizer.pt", "buffer.jsonl", "state.json"}


def test_rollout_dtype_samples_from_a_copy_synced_after_each_update(make_trainer, tiny_config):
    trainer = make_trainer(tiny_config, rollout_dtype="bfloat16", steps=1)
    assert trainer.backend.model is not trainer.model
    trainer.run()
    rollout = trainer.backend.model.state_dict()
    for name, tensor in trainer.model.state_dict().items():
        assert rollout[name].dtype == torch.bfloat16 and torch.equal(rollout[name], tensor.to(torch.bfloat16)), name


def test_update_autocast_reaches_the_update(make_trainer, tiny_config, monkeypatch):
    import contextlib

    import agents.llm.update as update

    seen = []
    monkeypatch.setattr(update, "autocast_to", lambda model, dtype: seen.append(dtype) or contextlib.nullcontext())
    make_trainer(tiny_config, update_autocast="bfloat16", steps=1).run()
    assert seen and set(seen) == {"bfloat16"}


def test_resume_refuses_a_buffer_an_older_judge_admitted(make_trainer, tiny_config, tmp_path):
    import json

    from azr_env.errors import BufferFormatError

    first = make_trainer(tiny_config, steps=1, run_dir=str(tmp_path / "old"))
    first.run()
    first.close()
    path = latest_checkpoint(tmp_path / "old") / "buffer.jsonl"
    header, *tasks = path.read_text().splitlines()
    path.write_text("\n".join([json.dumps({**json.loads(header), "judge": "v3"}), *tasks]) + "\n")
    with pytest.raises(BufferFormatError, match="judge v3"):
        make_trainer(tiny_config, resume=True, steps=2, run_dir=str(tmp_path / "old"))
