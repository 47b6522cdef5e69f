"""What the end of a demo prints to show the loop turned, and the demo's default budget."""

from __future__ import annotations

import argparse

from agents.llm.demo import MAX_STEPS, add_arguments, demo_config, step_plan, stop_rule
from agents.llm.models import DEFAULT_MODEL
from agents.llm.summary import format_signals, loop_signals, loop_turned

TYPES = ("deduction", "abduction", "induction")


def test_loop_signals_name_the_types_and_roles_that_carried_signal() -> None:
    records = [
        {"propose/deduction/valid_rate": 0.5, "solve/induction/accuracy": 0.0, "buffer/deduction/growth": 1.0,
         "advantage/propose/nonzero_frac": 0.0, "advantage/solve/nonzero_frac": 0.25},
        {"propose/abduction/valid_rate": 1.0, "solve/abduction/attempt_accuracy": 0.5, "buffer/deduction/growth": 1.0,
         "buffer/abduction/growth": 2.0, "propose/abduction/learnability_mean": 0.5,
         "advantage/propose/nonzero_frac": 0.5},
    ]  # fmt: skip
    signals = loop_signals(records, TYPES)
    assert signals["valid_proposals"] == ["deduction", "abduction"]
    assert signals["correct_answers"] == ["abduction"]
    assert signals["buffer_growth"] == 4.0
    assert signals["learnability_max"] == 0.5
    assert signals["nonzero_advantage"] == {"propose": 0.5, "solve": 0.25}
    assert "propose 0.50, solve 0.25" in format_signals(signals)


def test_no_signal_reads_as_none() -> None:
    text = format_signals(loop_signals([{"propose/deduction/valid_rate": 0.0}], TYPES))
    assert "valid proposals in: none" in text and "correct answers in: none" in text


def test_the_demo_plays_the_instruct_default_in_chat_with_two_episodes_per_group() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = demo_config(parser.parse_args(["--run-dir", "unused"]))
    assert config.model == DEFAULT_MODEL == "qwen2.5-coder-0.5b"
    assert config.env.prompt_format == "chat" and config.env.effective_answer_rule() == "fences"
    assert config.batch_size >= 2  # a group of one always has advantage 0


TURNED = {
    "propose/deduction/valid_rate": 0.5, "propose/abduction/valid_rate": 0.5, "solve/deduction/accuracy": 0.5,
    "solve/abduction/attempt_accuracy": 0.25, "buffer/abduction/growth": 1.0,
    "propose/abduction/learnability_mean": 0.75, "advantage/propose/nonzero_frac": 0.5,
    "advantage/solve/nonzero_frac": 1.0,
}  # fmt: skip


def test_the_loop_turned_only_when_every_sign_is_there() -> None:
    types = ("deduction", "abduction")
    assert loop_turned(loop_signals([TURNED], types), types)
    for key in TURNED:
        assert not loop_turned(loop_signals([{**TURNED, key: 0.0}], types), types), key
    assert loop_turned(loop_signals([TURNED], ("abduction",)), ("abduction",))


def test_the_demo_stops_after_its_steps_once_the_loop_turned() -> None:
    stop = stop_rule(3, ("deduction", "abduction"))
    assert not stop([TURNED, TURNED])
    assert stop([{}, {}, TURNED])
    assert not stop([{}, {}, {"propose/deduction/valid_rate": 1.0}])


def test_the_demo_adds_steps_up_to_its_most() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--run-dir", "unused"])
    assert step_plan(args) == (3, MAX_STEPS[DEFAULT_MODEL]) and demo_config(args).steps == MAX_STEPS[DEFAULT_MODEL]
    assert step_plan(parser.parse_args(["--steps", "6"])) == (6, 6)
    assert step_plan(parser.parse_args(["--steps", "2", "--max-steps", "5"])) == (2, 5)
    assert step_plan(parser.parse_args(["--model", "tiny-random"])) == (2, 2)


def test_the_demo_adds_no_step_that_would_end_after_its_deadline() -> None:
    now = [100.0]
    stop = stop_rule(1, ("deduction", "abduction"), deadline=200.0, clock=lambda: now[0])
    step = {"time/step_s": 90.0}
    assert not stop([step])
    now[0] = 111.0
    assert stop([step])
    assert not stop_rule(2, ("deduction",), deadline=0.0)([step])


def test_the_demo_starts_from_the_zero_triplet_unless_given_a_seed_file(tmp_path) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert demo_config(parser.parse_args([])).env.seed_file is None
    assert demo_config(parser.parse_args(["--seed-file", "none"])).env.seed_file is None
    mine = tmp_path / "mine.jsonl"
    mine.write_text('{"task_type": "deduction", "program": "def f(x):\\n    return x + 1", "inputs": ["1"]}\n')
    assert demo_config(parser.parse_args(["--seed-file", str(mine)])).env.seed_file == str(mine)
