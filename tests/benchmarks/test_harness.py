import json
import subprocess
import sys
from pathlib import Path

import pytest

from azr_env.errors import ConfigError, UnknownNameError
from azr_env.tasks.base import Task
from benchmarks.cli import eval_command, parse_options
from benchmarks.evaluate import buffer_diversity, markdown_table, output_type, summarize
from benchmarks.harness import EvalConfig, run_suite, selfplay_schedule

ROOT = Path(__file__).resolve().parents[2]


def _row(seed: int, item: str, correct: bool, sample: int = 0) -> dict:
    return {"agent": "a", "kind": "solve", "suite": "s@1", "seed": seed, "task_type": "deduction",
            "task_id": item, "sample": sample, "correct": correct}  # fmt: skip


def test_eval_config_rejects_empty_seeds() -> None:
    with pytest.raises(ConfigError):
        EvalConfig(agent="random", suites=("selfplay",), seeds=())


def test_selfplay_schedule_balances_roles_and_types() -> None:
    schedule = selfplay_schedule(12, ("deduction", "abduction", "induction"))
    assert len(set(schedule)) == 6 and all(schedule.count(pair) == 2 for pair in schedule)


def test_summary_gives_solve_rate_and_pass_at_k() -> None:
    rows = [_row(s, i, c, n) for s in (0, 1) for i, c in (("x", True), ("y", False)) for n in range(2)]
    rows[1]["correct"] = False  # seed 0, item x: 1 of 2 samples right
    (entry,) = summarize(rows)["solve"]
    assert entry["solve_rate"]["mean"] == pytest.approx((0.25 + 0.5) / 2)
    assert entry["pass@2"] == pytest.approx(0.5) and entry["k"] == 2


def test_markdown_table_has_a_row_per_task_type() -> None:
    table = markdown_table([summarize([_row(0, "x", True)])])
    assert "| a | s@1 | deduction | 100.0 [20.7, 100.0] | - | 1 x 1 |" in table


def test_output_type_reads_syntax_only() -> None:
    found = [output_type(x) for x in ("1", "-2.5", "'a'", "[1]", "(1,)", "{1: 2}", "{1}", "frozenset({1})", "None")]
    assert found == ["int", "float", "str", "list", "tuple", "dict", "set", "frozenset", "NoneType"]


def test_buffer_diversity_counts_distinct_programs() -> None:
    named = (("x", "1"), ("y", "'a'"))  # one program, its name renamed
    tasks = [Task("deduction", f"def f({name}):\n    return {name}", (i,), (i,)) for name, i in named]
    found = buffer_diversity({"deduction": tasks})
    assert found["distinct_programs"] == 1 and found["output_types"] == {"int": 1, "str": 1}


def test_eval_command_prints_back_non_defaults() -> None:
    from azr_env.cli import build_parser

    args = build_parser().parse_args(["eval", "--agent", "random", "oracle", "--suite", "all", "--limit", "5"])
    assert eval_command(args) == "azr eval --agent random oracle --suite all --seeds 0 --limit 5"


def test_agent_options_parse_literals() -> None:
    assert parse_options(["timesteps=64", "model=tiny-random"]) == {"timesteps": 64, "model": "tiny-random"}


def test_parse_options_reads_bare_word_lists_and_keeps_text() -> None:
    parsed = parse_options(
        [
            "task_types=[deduction,abduction]",
            "eval_suites=['cruxeval-output']",
            "lr=1e-4",
            "model=qwen2.5-coder-0.5b",
            "shape=[1, x]",
            "empty=[]",
        ]
    )
    assert parsed == {
        "task_types": ["deduction", "abduction"],
        "eval_suites": ["cruxeval-output"],
        "lr": 1e-4,
        "model": "qwen2.5-coder-0.5b",
        "shape": [1, "x"],
        "empty": [],
    }


def _first_suite() -> str:
    from azr_env.suites import list_suites

    suites = list_suites()
    if not suites:
        pytest.skip("no frozen suite is built yet")
    return suites[0]


def test_suite_runs_are_seeded(executor) -> None:
    config = EvalConfig(agent="random", suites=(_first_suite(),), limit=4, k=2, batch_size=3)
    assert run_suite(config, config.suites[0], 1, executor) == run_suite(config, config.suites[0], 1, executor)


def _azr(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azr_env.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )


def test_azr_eval_on_a_suite_writes_rows_table_and_plot(tmp_path: Path) -> None:
    done = _azr("eval", "--agent", "oracle", "--suite", _first_suite(), "--limit", "3", "--workers", "1",
                "--out", str(tmp_path), cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| oracle |" in done.stdout and (tmp_path / "solve_rate.png").stat().st_size > 0
    assert len((tmp_path / "rows.jsonl").read_text().splitlines()) == 3


def test_azr_eval_selfplay_json(tmp_path: Path) -> None:
    done = _azr("eval", "--agent", "replay", "--suite", "selfplay", "--episodes", "6", "--n-solve-samples", "2",
                "--workers", "1", "--json", "--out", str(tmp_path), cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (summary,) = json.loads(done.stdout)["summaries"]
    assert summary["agent"] == "replay" and summary["propose"] and summary["buffer"]["tasks"] >= 3
    assert (tmp_path / "proposals.png").stat().st_size > 0


def test_held_out_metrics_name_eval_keys_for_azr_report(executor) -> None:
    from agents.base import AgentContext
    from agents.registry import make_agent
    from benchmarks.harness import held_out_metrics

    suite = _first_suite()
    metrics, _ = held_out_metrics(make_agent("random", AgentContext()), [suite], executor, limit=2, batch_size=2)
    key = f"eval/{suite}/accuracy"
    assert list(metrics) == [key, f"{key}_low", f"{key}_high"]
    assert 0.0 <= metrics[f"{key}_low"] <= metrics[key] <= metrics[f"{key}_high"] <= 1.0


def test_selfplay_runs_are_seeded(executor) -> None:
    from benchmarks.harness import run_selfplay

    config = EvalConfig(agent="replay", suites=("selfplay",), episodes=6, n_solve_samples=2, batch_size=3)
    assert run_selfplay(config, 4, executor) == run_selfplay(config, 4, executor)


def test_eval_config_refuses_an_unknown_suite_listing_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match=r"known: .*humaneval-deduction@1"):
        EvalConfig(agent="random", suites=("humaneval-deduction", "no-such-suite"))


def test_azr_eval_checks_every_suite_name_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from azr_env.cli import main

    out = tmp_path / "out"
    assert main(["eval", "--agent", "random", "--suite", _first_suite(), "no-such-suite", "--out", str(out)]) == 1
    assert "unknown suite 'no-such-suite'" in capsys.readouterr().err and not out.exists()


def test_eval_config_refuses_an_unknown_scoring_mode_listing_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="known: cruxeval, default"):
        EvalConfig(agent="random", suites=("selfplay",), scoring="official")


def test_eval_config_refuses_an_unknown_prompt_format() -> None:
    with pytest.raises(UnknownNameError, match="known: chat, r1"):
        EvalConfig(agent="random", suites=("selfplay",), prompt_format="plain")


@pytest.mark.parametrize("prompt_format", ["r1", "chat"])
def test_the_prompt_format_reaches_the_agent(prompt_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from azr_env.executor import Executor
    from benchmarks import harness

    seen: list[dict] = []

    class Recorder:
        def act(self, observations: list[str], infos: list[dict]) -> list[str]:
            seen.extend(infos)
            return ["<answer>0</answer>" for _ in observations]

    monkeypatch.setattr(harness, "make_agent", lambda name, context, **options: Recorder())
    config = EvalConfig(agent="recorder", suites=(_first_suite(),), limit=2, prompt_format=prompt_format)
    with Executor(workers=1) as executor:
        run_suite(config, _first_suite(), 0, executor)
    assert len(seen) == 2 and all(("system_prompt" in info) == (prompt_format == "chat") for info in seen)


def test_eval_command_prints_back_the_prompt_format() -> None:
    from azr_env.cli import build_parser

    args = build_parser().parse_args(["eval", "--agent", "zero-shot", "--suite", "paper", "--prompt-format", "chat"])
    assert eval_command(args) == "azr eval --agent zero-shot --suite paper --seeds 0 --prompt-format chat"
