"""Ordinary human-written Python gives exactly what plain CPython gives, inside the sandbox.

The corpus (``tests/data/human_programs.jsonl``, built by ``tests/data/build_human_programs.py``) holds real
programs from HumanEval and CodeI/O with the canonical output plain CPython computed for each input. The whole
corpus goes to the executor as one batch; each item is then its own test case, so a failure names the program and
the run reports the exact mismatch count.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azr_env.executor import ExecutionResult, ExecutorBackend

CORPUS = Path(__file__).resolve().parent.parent / "data" / "human_programs.jsonl"
ITEMS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def results(executor: ExecutorBackend) -> dict[str, ExecutionResult]:
    """Every corpus item run once, in one batch, keyed by item id."""
    outputs = executor.run_many([(item["program"], item["input"]) for item in ITEMS])
    return {item["id"]: result for item, result in zip(ITEMS, outputs, strict=True)}


def test_corpus_has_at_least_200_programs() -> None:
    assert len({item["id"].split("#")[0] for item in ITEMS}) >= 200


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_output_matches_cpython(item: dict[str, str], results: dict[str, ExecutionResult]) -> None:
    got = results[item["id"]]
    assert (got.status.value, got.output) == ("ok", item["expected"]), got.error
