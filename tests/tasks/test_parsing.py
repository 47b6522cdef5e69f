import time

from azr_env.tasks.parsing import MAX_RESPONSE_CHARS, extract_answer, fenced_blocks, last_block


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


def test_closing_fence_may_end_the_last_content_line() -> None:
    assert fenced_blocks("```output\n[1, 2]```\n", "output") == ["[1, 2]"]


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
