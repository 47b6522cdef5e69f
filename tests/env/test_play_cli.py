"""``azr play`` reads responses from piped stdin and prints the outcome and reward."""

from __future__ import annotations

import subprocess
import sys

from azr_env.tasks import get_task_type


def test_piped_correct_deduction_answer_prints_reward_one() -> None:
    seed_input = get_task_type("deduction").zero_inputs[0]  # type: ignore[attr-defined]
    answer = f"<think>identity</think>\n<answer>\n```output\n{seed_input}\n```\n</answer>\nEND\n"
    command = [
        sys.executable,
        "-m",
        "azr_env.cli",
        "play",
        "--role",
        "solve",
        "--task-type",
        "deduction",
        "--seed",
        "0",
    ]
    result = subprocess.run(command, input=answer, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "outcome: correct" in result.stdout
    assert "reward: +1.000" in result.stdout


def test_input_ending_early_exits_with_an_error() -> None:
    command = [sys.executable, "-m", "azr_env.cli", "play", "--role", "solve", "--task-type", "deduction"]
    result = subprocess.run(command, input="", capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "end of input" in result.stderr
