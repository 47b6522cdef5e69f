"""TrainConfig defaults, validation, YAML and command-line parsing."""

from __future__ import annotations

import argparse

import pytest

from agents.llm.config import TrainConfig, add_config_arguments, config_from_args, from_mapping, reject_unknown_flags
from azr_env.errors import ConfigError


def parse(argv):
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    args, extra = parser.parse_known_args(argv)
    reject_unknown_flags(extra)
    return config_from_args(args)


def test_defaults_are_the_papers():
    c = TrainConfig()
    assert (c.learning_rate, c.clip_low, c.clip_high, c.entropy_coef, c.kl_coef) == (1e-6, 0.2, 0.2, 0.001, 0.0)
    assert (c.temperature, c.k_references, c.n_solve_samples, c.batch_size) == (1.0, 6, 8, 64)
    assert (c.updates_per_step, c.max_prompt_tokens, c.max_new_tokens, c.steps) == (1, 6144, 8096, 500)


def test_flags_override_with_types():
    c = parse(["--max-new-tokens", "32", "--task_types", "deduction,induction", "--tensorboard", "false"])
    assert c.max_new_tokens == 32 and c.task_types == ("deduction", "induction") and c.tensorboard is False


def test_yaml_then_flags(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("steps: 3\nseed: 5\n")
    c = parse(["--config", str(path), "--seed", "7"])
    assert (c.steps, c.seed) == (3, 7)


def test_unknown_yaml_key_suggests(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("learning_rat: 0.1\n")
    with pytest.raises(ConfigError, match="did you mean 'learning_rate'"):
        parse(["--config", str(path)])


def test_unknown_flag_suggests():
    with pytest.raises(ConfigError, match="did you mean 'steps'"):
        parse(["--stepz", "3"])


def test_greedy_temperature_is_refused():
    with pytest.raises(ConfigError, match="greedy"):
        from_mapping({"temperature": 0})


def test_bad_literal_is_refused():
    with pytest.raises(ConfigError):
        from_mapping({"backend": "tgi"})
