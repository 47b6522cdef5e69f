"""TrainConfig defaults and validation; YAML, old flat keys and the tyro command line."""

from __future__ import annotations

import pytest

from agents.llm.config import TrainConfig, from_mapping
from agents.llm.train import parse_command
from azr_env.errors import ConfigError

pytest.importorskip("tyro")


def parse(argv):
    return parse_command(argv).train


def test_defaults_are_the_papers():
    c = TrainConfig()
    assert (c.learning_rate, c.clip_low, c.clip_high, c.entropy_coef, c.kl_coef) == (1e-6, 0.2, 0.2, 0.001, 0.0)
    assert (c.temperature, c.env.k_references, c.env.n_solve_samples, c.batch_size) == (1.0, 6, 8, 64)
    assert (c.updates_per_step, c.max_prompt_tokens, c.max_new_tokens, c.steps) == (1, 6144, 8096, 500)


def test_old_flag_forms_still_parse():
    c = parse(["--max-new-tokens", "32", "--task_types", "deduction,induction", "--tensorboard", "false"])
    assert c.max_new_tokens == 32 and c.env.task_types == ("deduction", "induction") and c.tensorboard is False


def test_env_fields_have_flat_flags():
    c = parse(["--n-solve-samples", "3", "--exec-timeout-s", "1.5", "--extreme-rate-reward", "code"])
    assert (c.env.n_solve_samples, c.env.timeout_s, c.env.reward.extreme_rate_reward) == (3, 1.5, "code")


def test_an_old_flat_yaml_file_still_loads(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("steps: 3\nseed: 5\ntask_types: [deduction]\nn_solve_samples: 4\nexec_timeout_s: 1.0\n")
    c = parse(["--config", str(path), "--seed", "7"])
    assert (c.steps, c.seed, c.env.task_types, c.env.n_solve_samples, c.env.timeout_s) == (3, 7, ("deduction",), 4, 1.0)


def test_to_dict_round_trips_through_from_mapping():
    c = from_mapping({"task_types": ["abduction"], "format_penalty": -2.0, "group_size": 2, "batch_size": 4})
    assert from_mapping(c.to_dict()) == c


def test_unknown_yaml_key_suggests(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("learning_rat: 0.1\n")
    with pytest.raises(ConfigError, match="did you mean 'learning_rate'"):
        parse(["--config", str(path)])


def test_unknown_flag_suggests():
    with pytest.raises(ConfigError, match="did you mean 'steps'"):
        parse(["--stepz", "3"])


def test_help_shows_every_fields_docstring(capsys):
    with pytest.raises(SystemExit):
        parse(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for text in ("Episodes per (task type, role) per step", "Solver attempts that estimate", "Reward for a format"):
        assert text in out


def test_greedy_temperature_is_refused():
    with pytest.raises(ConfigError, match="greedy"):
        from_mapping({"temperature": 0})


def test_bad_literal_is_refused():
    with pytest.raises(ConfigError):
        from_mapping({"backend": "tgi"})


def test_group_size_must_divide_the_batch():
    with pytest.raises(ConfigError, match="group_size"):
        from_mapping({"batch_size": 3, "group_size": 2})


def test_speed_options_are_off_by_default_and_have_flags():
    assert (TrainConfig().update_autocast, TrainConfig().rollout_dtype) == (None, None)
    c = parse(["--update-autocast", "bfloat16", "--rollout-dtype", "bfloat16"])
    assert (c.update_autocast, c.rollout_dtype) == ("bfloat16", "bfloat16")


def test_rollout_dtype_is_refused_on_vllm():
    with pytest.raises(ConfigError, match="rollout_dtype"):
        from_mapping({"backend": "vllm", "rollout_dtype": "bfloat16"})


def test_enum_flags_take_the_values_the_docs_show():
    c = parse(["--answer-rule", "fences", "--answer-syntax", "expression", "--answer-equality", "python"])
    assert (c.env.answer_rule.value, c.env.answer_syntax.value, c.env.answer_equality.value) == (
        "fences",
        "expression",
        "python",
    )
