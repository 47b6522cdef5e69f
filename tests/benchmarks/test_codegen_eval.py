"""``azr eval`` on the code-generation suite: the oracle's canonical solutions pass, and pass@k is reported."""

from __future__ import annotations

from benchmarks.evaluate import pass_ks, summarize
from benchmarks.harness import EvalConfig, run_suite


def test_the_oracle_passes_humaneval_codegen_with_the_canonical_solutions(executor) -> None:
    config = EvalConfig(agent="oracle", suites=("humaneval-codegen@1",), limit=12, batch_size=12)
    rows = run_suite(config, "humaneval-codegen@1", 0, executor)
    assert len(rows) == 12 and all(row["correct"] for row in rows)


def test_random_answers_never_pass_humaneval_codegen(executor) -> None:
    config = EvalConfig(agent="random", suites=("humaneval-codegen@1",), limit=6, batch_size=6)
    assert not any(row["correct"] for row in run_suite(config, "humaneval-codegen@1", 0, executor))


def test_pass_at_k_is_reported_for_the_usual_k_up_to_n() -> None:
    assert (pass_ks(1), pass_ks(10), pass_ks(12)) == ([1], [1, 5, 10], [1, 5, 10, 12])


def test_samples_draws_n_answers_per_item_and_reports_pass_at_k(executor) -> None:
    config = EvalConfig(agent="random", suites=("humaneval-codegen@1",), limit=2, k=5, batch_size=10)
    rows = [{"agent": "random", **row} for row in run_suite(config, "humaneval-codegen@1", 0, executor)]
    (entry,) = summarize(rows)["solve"]
    assert entry["k"] == 5 and entry["pass@5"] == 0.0 and "pass@10" not in entry


def test_the_samples_flag_sets_the_sample_count() -> None:
    from azr_env.cli import build_parser

    args = build_parser().parse_args(["eval", "--agent", "oracle", "--suite", "humaneval-codegen", "--samples", "8"])
    assert args.k == 8


def test_suite_paper_names_the_papers_benchmarks_we_ship() -> None:
    from azr_env.cli import build_parser
    from benchmarks.cli import _eval_config

    args = build_parser().parse_args(["eval", "--agent", "oracle", "--suite", "paper"])
    assert _eval_config(args, "oracle").suites == (
        "cruxeval-input", "cruxeval-output", "humaneval-codegen", "gsm8k-sample", "arithmetic-algebra",
    )  # fmt: skip
