import time

import pytest

from azr_env.tasks.parsing import (
    MAX_RESPONSE_CHARS,
    Answer,
    AnswerRule,
    Block,
    ParseFailure,
    extract_answer,
    fenced_blocks,
    last_block,
    read_answer,
    score_response,
)


def test_extract_answer_takes_the_last_complete_envelope() -> None:
    assert extract_answer("<answer>a</answer> then <answer> b </answer>") == "b"


def test_extract_answer_ignores_an_unclosed_trailing_envelope() -> None:
    assert extract_answer("<answer>a</answer> then <answer>b") == "a"


def test_extract_answer_without_envelope_is_none() -> None:
    assert extract_answer("the answer is 4") is None


def test_extract_answer_refuses_oversized_text_instead_of_truncating() -> None:
    text = "<answer>1</answer>" + " " * MAX_RESPONSE_CHARS
    assert extract_answer(text) is None


def test_fenced_blocks_select_by_tag_not_position() -> None:
    text = "```input\n1, 2\n```\n```python\ndef f(a, b):\n    return a\n```"
    assert fenced_blocks(text, "python") == ["def f(a, b):\n    return a"]


def test_fenced_blocks_return_every_block_of_a_tag_in_order() -> None:
    text = "```input\n1\n```\ntext\n```input\n2\n```"
    assert fenced_blocks(text, "input") == ["1", "2"]


def test_fenced_blocks_skip_untagged_and_other_tags() -> None:
    text = "```\nplain\n```\n```output\n3\n```"
    assert fenced_blocks(text, "input") == []


def test_fenced_block_tag_is_case_insensitive() -> None:
    assert fenced_blocks("```Python\nx = 1\n```", "python") == ["x = 1"]


def test_unclosed_fence_is_not_a_block() -> None:
    assert fenced_blocks("```output\n3\n", "output") == []


def test_last_block_is_the_final_word() -> None:
    assert last_block("```output\n1\n```\n```output\n2\n```", "output") == "2"


def test_empty_block_is_an_empty_string() -> None:
    assert fenced_blocks("```input\n```", "input") == [""]


def test_many_unclosed_fences_parse_in_linear_time() -> None:
    text = "```input\n" * (MAX_RESPONSE_CHARS // 10)
    started = time.perf_counter()
    fenced_blocks(text, "input")
    assert time.perf_counter() - started < 0.5


def test_a_tagged_line_inside_another_block_is_content() -> None:
    text = "```python\ns = '''\n```input\n'''\n```\n```input\n7\n```"
    assert fenced_blocks(text, "input") == ["7"]


def test_a_line_ending_in_backticks_does_not_close_a_block() -> None:
    """A program is never silently cut at a line that merely ends in three backticks."""
    program = "def f(x):\n    y = x  # ```\n    return y * 2"
    assert fenced_blocks(f"```python\n{program}\n```", "python") == [program]


def test_a_longer_fence_holds_three_backtick_lines() -> None:
    body = 's = """\n```\n"""'
    assert fenced_blocks(f"````python\n{body}\n````", "python") == [body]


def test_a_block_written_on_one_line_counts() -> None:
    assert fenced_blocks("the answer:\n```output [1, 2]```\n", "output") == ["[1, 2]"]


def test_a_one_line_block_does_not_open_a_block() -> None:
    assert fenced_blocks("```output 5```\n```input\n3\n```", "input") == ["3"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\r"])
def test_only_line_feeds_split_lines(separator: str) -> None:
    program = f"def f(x):\n    return 'a{separator}b'"
    assert fenced_blocks(f"```python\n{program}\n```", "python") == [program]


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_a_carriage_return_breaks_the_line_where_python_breaks_it(newline: str) -> None:
    program = "def f(x):\n    y = x  # keep y as x{}    y = x + 100\n    return y"
    answer = read_answer(f"<answer>\n```python\n{program.format(newline)}\n```\n</answer>", AnswerRule.STRICT)
    assert isinstance(answer, Answer) and answer.last("python") == program.format("\n")  # no hidden statement


def test_a_block_never_closed_is_no_block() -> None:
    assert fenced_blocks("```python\ndef f(x):\n    return x```", "python") == []


UNCLOSED = "<think>plan</think>\n<answer>\n```output\n3\n```"
BARE = "<think>plan</think>\nHere it is:\n```output\n3\n```"


def test_the_strict_rule_needs_a_complete_envelope() -> None:
    assert isinstance(read_answer(UNCLOSED, AnswerRule.STRICT), ParseFailure)


def test_the_open_rule_reads_an_unclosed_answer_to_the_end() -> None:
    answer = read_answer(UNCLOSED, AnswerRule.OPEN)
    assert isinstance(answer, Answer) and (answer.last("output"), answer.found_by) == ("3", AnswerRule.OPEN)


def test_the_open_rule_needs_an_answer_tag() -> None:
    assert isinstance(read_answer(BARE, AnswerRule.OPEN), ParseFailure)


def test_the_fences_rule_reads_the_blocks_after_think() -> None:
    answer = read_answer(BARE, AnswerRule.FENCES)
    assert isinstance(answer, Answer) and (answer.last("output"), answer.found_by) == ("3", AnswerRule.FENCES)


def test_the_fences_rule_ignores_blocks_inside_think() -> None:
    answer = read_answer("<think>\n```output\n1\n```\n</think>\nso it is\n```output\n2\n```", AnswerRule.FENCES)
    assert isinstance(answer, Answer) and answer.tagged("output") == ["2"]


def test_the_fences_rule_refuses_an_unfinished_think() -> None:
    assert isinstance(read_answer("<think>\n```output\n1\n```", AnswerRule.FENCES), ParseFailure)


@pytest.mark.parametrize("rule", list(AnswerRule))
def test_a_complete_envelope_reads_the_same_under_every_rule(rule: AnswerRule) -> None:
    answer = read_answer("<think>x</think><answer>\n```output\n3\n```\n</answer>", rule)
    assert isinstance(answer, Answer) and (answer.blocks, answer.found_by) == (
        (Block("output", "3"),),
        AnswerRule.STRICT,
    )


def test_score_response_compares_every_rule_on_a_saved_response() -> None:
    scores = score_response(UNCLOSED, required=("output",))
    assert {rule: score.parsed for rule, score in scores.items()} == {
        AnswerRule.STRICT: False,
        AnswerRule.OPEN: True,
        AnswerRule.FENCES: True,
    }


def test_score_response_needs_every_required_block() -> None:
    assert not score_response(UNCLOSED, required=("output", "python"))[AnswerRule.OPEN].parsed
