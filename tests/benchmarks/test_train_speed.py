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


def test_rows_show_every_ratio():
    table = format_rows([Row("m", "fp32", "env", 30.0, 20.0, 1.5, 1.0, unshared_samples_s=0.5)])
    assert "| 1.50x | 1.50 | 1.00 | 1.50x | 0.50 | 3.00x |" in table


def test_the_update_is_timed_with_and_without_prefix_sharing(monkeypatch):
    from types import SimpleNamespace

    import benchmarks.train_speed as speed

    seen = []

    def fake_time(*_args, share, **_kw):
        seen.append(share)
        return 2.0 if share else 4.0

    monkeypatch.setattr(speed, "our_update_time", fake_time)
    row = Row("m", "fp32", "env", 1.0, 1.0)
    speed.fill_update(row, None, None, [object()] * 4, setup=speed.SETUPS["fp32"], args=SimpleNamespace(no_trl=True))
    assert sorted(seen) == [False, True] and (row.update_samples_s, row.unshared_samples_s) == (2.0, 1.0)


def test_an_odd_micro_batch_skips_trl_with_the_fix():
    from types import SimpleNamespace

    from benchmarks.train_speed import trl_update_time

    seconds, why = trl_update_time(None, None, [], None, setup=None, args=SimpleNamespace(micro_batch=1))
    assert seconds is None and "--micro-batch 2" in why


def test_both_rollouts_do_identical_work_even_when_the_model_wants_to_stop():
    from agents.llm.backends.hf import HFBackend
    from agents.llm.tiny import tiny_policy
    from benchmarks.train_speed import hf_generate_rate, rollout_params, rollout_rate

    model, tok = tiny_policy(seed=0)
    eos = torch.tensor([tok.eos_token_id])
    model.lm_head.register_forward_hook(lambda _module, _args, out: out.index_fill(-1, eos, 1e4))
    prompts = ["def f(x):", "ab"]
    ours, _ = rollout_rate(HFBackend(model, tok, batch_size=2), prompts, rollout_params(5), repeats=1)
    theirs, _ = hf_generate_rate(model, tok, prompts, 5, repeats=1)
    assert [len(g.completion_ids) for g in ours] == [len(row) for row in theirs] == [5, 5]
    assert all(tok.eos_token_id not in row for row in [*theirs, *(g.completion_ids for g in ours)])
