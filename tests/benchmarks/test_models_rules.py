import itertools

import pytest

from azr_env.tasks.parsing import extract_answer
from benchmarks.models_rules import RULES, fenced, strict, unclosed

BLOCK = "```output\n[1, 2]\n```"


def test_strict_is_the_response_itself():
    assert strict("<answer>x") == "<answer>x"


def test_unclosed_answer_runs_to_the_end():
    assert extract_answer(unclosed(f"<think>t</think>\n<answer>\n{BLOCK}")) == BLOCK


def test_unclosed_leaves_a_complete_envelope_alone_even_before_an_open_one():
    text = "<answer>first</answer> then <answer>second"
    assert unclosed(text) == text


def test_fenced_reads_what_follows_the_last_think():
    assert extract_answer(fenced(f"<think>```output\n0\n```</think>\n{BLOCK}")) == BLOCK


def test_fenced_without_think_reads_the_whole_response():
    assert extract_answer(fenced(BLOCK)) == BLOCK


def test_fenced_with_an_open_answer_is_unclosed():
    text = f"<answer>{BLOCK}"
    assert fenced(text) == unclosed(text)


@pytest.mark.parametrize(
    "text", ["<answer>a</answer>", "<think>x</think><answer>b</answer>tail", "no envelope", "<answer>open"]
)
def test_rules_are_nested(text):
    """Whatever a stricter rule reads, every more lenient rule reads the same way."""
    reads = [extract_answer(rule(text)) for rule in RULES.values()]
    for stricter, lenient in itertools.pairwise(reads):
        assert stricter is None or lenient == stricter
