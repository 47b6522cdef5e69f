"""``azr bench learn`` end to end on the tiny model: the table, the intervals, and --resume after an interruption."""

from __future__ import annotations

import argparse
import json

import pytest

pytest.importorskip("torch")

from benchmarks import learning

TINY_SET = [
    "task_types=deduction", "batch_size=2", "max_new_tokens=8", "eval_limit=2", "prompt_format=r1",
    "tensorboard=False", "checkpoint_every=1", "executor_workers=1", "k_references=1", "n_solve_samples=2",
    "eval_suites=humaneval-deduction",
]  # fmt: skip


def args_for(out, resume=False, algo=("trr++",)):  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser()
    learning.add_arguments(parser)
    argv = ["--model", "tiny-random", "--seeds", "0", "1", "--steps", "2", "--window", "1", "--workers", "1"]
    argv += ["--algo", *algo, "--out", str(out), *(x for pair in TINY_SET for x in ("--set", pair))]
    return parser.parse_args([*argv, *(["--resume"] if resume else [])])


def results(out):  # type: ignore[no-untyped-def]
    return json.loads((out / "learning.json").read_text())["algorithms"]


@pytest.fixture(scope="module")
def straight(tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("straight")
    assert learning.run(args_for(out)) == 0
    return out


def test_the_table_reports_every_metric_first_and_last(straight) -> None:  # type: ignore[no-untyped-def]
    found = results(straight)["trr++"]
    assert set(found["metrics"]) == {
        "well_formed", "valid_proposal", "learnable_proposal", "new_program", "repeated_task", "solve_accuracy",
        "learnability",
    }  # fmt: skip
    assert found["metrics"]["well_formed"]["first"]["n"] == 2 * 4  # two seeds, one step of 4 episodes each
    assert "held-out humaneval-deduction" in (straight / "learning.md").read_text()
    assert (straight / "learning.png").stat().st_size > 0


def test_held_out_accuracy_is_taken_at_step_0_and_at_the_end(straight) -> None:  # type: ignore[no-untyped-def]
    (suite,) = results(straight)["trr++"]["held_out"].values()
    assert suite["start"]["n"] == suite["end"]["n"] == 2 * 2  # two seeds, two items


def test_resume_after_an_interruption_gives_the_same_result(straight, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from agents.llm.trainer import Trainer

    original, calls = Trainer.train_step, []

    def interrupted(self):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 4:  # seed 1, step 2: after its first checkpoint
            raise KeyboardInterrupt
        return original(self)

    monkeypatch.setattr(Trainer, "train_step", interrupted)
    with pytest.raises(KeyboardInterrupt):
        learning.run(args_for(tmp_path))
    monkeypatch.setattr(Trainer, "train_step", original)
    assert learning.run(args_for(tmp_path, resume=True)) == 0
    assert results(tmp_path) == results(straight)


def test_a_second_run_without_resume_is_refused(straight) -> None:  # type: ignore[no-untyped-def]
    from azr_env.errors import ConfigError

    with pytest.raises(ConfigError, match="--resume"):
        learning.run(args_for(straight))


def test_one_seed_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from azr_env.errors import ConfigError

    args = args_for(tmp_path)
    args.seeds = [0]
    with pytest.raises(ConfigError, match="2 distinct seeds"):
        learning.run(args)


def test_algorithms_are_printed_side_by_side_with_their_grouping(straight) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.learning_report import table

    found = results(straight)["trr++"]
    result = {"algorithms": {"trr++": found, "grpo": found}, "window": 1, "grouping": learning.GROUPING}
    header = table(result).splitlines()[0]
    assert "trr++: last 1 steps" in header and "grpo: first 1 steps" in header
    assert "grpo groups by prompt" in table(result)


def _eval_rows(before: list[bool], after: list[bool]) -> list[dict[str, object]]:
    rows = []
    for step, answers in ((0, before), (5, after)):
        rows += [{"suite": "s@1", "step": step, "task_id": f"t{i}", "correct": c} for i, c in enumerate(answers)]
    return rows


@pytest.mark.parametrize(("before", "after", "sign"), [(False, True, "up"), (True, False, "down")])
def test_the_held_out_change_is_paired_over_items(before: bool, after: bool, sign: str) -> None:

    from benchmarks.learning_report import _held_out, _sign

    # Eight of ten items flip in both seeds; two are right at both steps.
    seeds = [_eval_rows([before] * 8 + [True] * 2, [after] * 8 + [True] * 2) for _ in range(2)]
    change = _held_out(seeds, 5)["s@1"]["change"]
    assert change["mean"] == pytest.approx(0.8 if sign == "up" else -0.8)
    assert change["n"] == 20 and _sign(change) == sign


def test_an_unchanged_held_out_suite_is_no_change() -> None:

    from benchmarks.learning_report import _held_out, _sign

    same = [True, False, True]
    change = _held_out([_eval_rows(same, same)] * 2, 5)["s@1"]["change"]
    assert (change["mean"], change["low"], change["high"]) == (0.0, 0.0, 0.0) and _sign(change) == "-"


@pytest.mark.parametrize(
    ("outcome", "solve_rate", "in_band"),
    [("valid", 0.5, 1.0), ("valid", 1.0, 0.0), ("valid", 0.0, 0.0), ("valid", None, 0.0), ("format_error", None, 0.0)],
)
def test_a_proposal_is_learnable_only_when_some_but_not_all_attempts_solve_it(
    outcome: str, solve_rate: float | None, in_band: float
) -> None:
    from benchmarks.learning_report import METRICS

    keep, score = METRICS["learnable_proposal"]
    row = {"role": "propose", "outcome": outcome, "solve_rate": solve_rate}
    assert keep(row) and score(row) == in_band
    assert not keep({"role": "solve", "outcome": "correct", "solve_rate": None})


def _proposal(
    outcome: str, response: str, program: str | None = None, inputs: tuple[str, ...] = ("1",)
) -> dict[str, object]:
    row = {"role": "propose", "task_type": "deduction", "outcome": outcome, "response": response}
    return {**row, "program": program, "inputs": list(inputs) if program else None}


def test_a_valid_proposal_is_new_only_when_no_earlier_valid_one_had_its_program() -> None:
    from benchmarks.learning_report import METRICS, mark_novelty

    rows = [
        _proposal("valid", "", "def f(x):\n    return x"),
        _proposal("valid", "", "def f(x):\n    return (x)  # the same program"),
        _proposal("format_error", "def f(x):\n    return x + 1"),
        _proposal("valid", "", "def f(x):\n    return x + 1"),
        {"role": "solve", "outcome": "correct", "response": "1", "program": None},
    ]
    keep, score = METRICS["new_program"]
    assert [score(r) for r in mark_novelty(rows) if keep(r)] == [1.0, 0.0, 0.0, 1.0]


def test_an_older_run_s_program_is_read_from_the_response() -> None:
    from benchmarks.learning_report import mark_novelty

    response = "<answer>\n```python\ndef f(x):\n    return x\n```\n```input\n1\n```\n</answer>"
    rows = [_proposal("valid", response), _proposal("valid", "", "def f(x):\n    return x")]
    assert [r["new_program"] for r in mark_novelty(rows)] == [True, False]


def test_a_valid_proposal_repeats_a_task_when_its_program_and_call_were_seen() -> None:
    from benchmarks.learning_report import mark_novelty

    rows = [
        _proposal("valid", "", "def f(y):\n    return y", inputs=("'hello'",)),  # the zero triplet, renamed
        _proposal("valid", "", "def f(x):\n    return x"),
        _proposal("valid", "", "def f(x):\n    return x", inputs=("x=1",)),  # the same call of f
        _proposal("valid", "", "def f(x):\n    return x", inputs=("2",)),
    ]
    assert [r["repeated_task"] for r in mark_novelty(rows)] == [True, False, True, False]


def test_an_interval_does_not_depend_on_the_other_quantities_reported() -> None:
    from benchmarks.learning_report import stream

    assert stream("valid_proposal").random() == stream("valid_proposal").random() != stream("well_formed").random()
