import pytest

from benchmarks.train_speed import Row, _padded, _through_eos, format_rows

torch = pytest.importorskip("torch")


def test_hf_rows_count_tokens_through_their_eos():
    assert (_through_eos([5, 6, 2, 0, 0], {2}), _through_eos([5, 6], {2})) == (3, 2)


def test_prompts_pad_left_and_completions_right():
    ids, mask = _padded([[1, 2], [3]], 0, left=True)
    assert ids.tolist() == [[1, 2], [0, 3]] and mask.tolist() == [[1, 1], [0, 1]]
    ids, mask = _padded([[1, 2], [3]], 0, left=False)
    assert ids.tolist() == [[1, 2], [3, 0]] and mask.tolist() == [[1, 1], [1, 0]]


def test_rows_show_both_ratios():
    table = format_rows([Row("m", "fp32", "env", 30.0, 20.0, 1.5, 1.0)])
    assert "| 1.50x |" in table and "| 1.50x | 1.50 | 1.00 | 1.50x |" in table


def test_an_odd_micro_batch_skips_trl_with_the_fix():
    from types import SimpleNamespace

    from benchmarks.train_speed import trl_update_time

    seconds, why = trl_update_time(None, None, [], None, setup=None, args=SimpleNamespace(micro_batch=1))
    assert seconds is None and "--micro-batch 2" in why
