import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from agents.llm.backends import HFBackend, RolloutBackend, make_backend  # noqa: E402
from agents.llm.backends.decoding import filter_logits  # noqa: E402
from agents.llm.sampling import SamplingParams  # noqa: E402
from agents.llm.tiny import tiny_policy  # noqa: E402
from azr_env.errors import ConfigError, UnknownNameError  # noqa: E402

PROMPTS = ["def f(x):\n    return x", "Assistant: <think>", "a", "héllo ✓"]


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """Decode tiny batches on one thread: on a shared 2-core machine more threads only add contention."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def policy():
    model, tok = tiny_policy(seed=0)
    with torch.no_grad():  # sharper logits than the 0.02 init, so greedy and sampled paths differ per prompt
        for p in model.parameters():
            if p.dim() >= 2:
                p.mul_(40.0)
    return model, tok


@pytest.fixture(scope="module")
def backend(policy):
    return HFBackend(*policy, batch_size=3)


def test_make_backend_hf_satisfies_protocol(policy):
    assert isinstance(make_backend("hf", *policy), RolloutBackend)


def test_make_backend_unknown_name_suggests():
    with pytest.raises(UnknownNameError, match="did you mean 'hf'"):
        make_backend("hff", None, None)


def test_one_generation_per_prompt_in_order(backend, policy):
    gens = backend.generate(PROMPTS, SamplingParams(max_new_tokens=8, seed=0))
    assert [g.prompt_ids for g in gens] == [policy[1].encode(p) for p in PROMPTS]


def test_same_seed_same_generations(backend):
    params = SamplingParams(max_new_tokens=16, seed=7)
    assert backend.generate(PROMPTS, params) == backend.generate(PROMPTS, params)


def test_different_seed_different_generations(backend):
    a = backend.generate(PROMPTS, SamplingParams(max_new_tokens=16, seed=1))
    b = backend.generate(PROMPTS, SamplingParams(max_new_tokens=16, seed=2))
    assert [g.completion_ids for g in a] != [g.completion_ids for g in b]


def test_global_rng_is_untouched(backend):
    torch.manual_seed(0)
    expected = torch.rand(2)
    torch.manual_seed(0)
    backend.generate(PROMPTS[:2], SamplingParams(max_new_tokens=4, seed=3))
    assert torch.equal(torch.rand(2), expected)


def test_lengths_and_finish_reasons_are_consistent(backend, policy):
    eos = policy[1].eos_token_id
    for g in backend.generate(PROMPTS * 3, SamplingParams(max_new_tokens=12, seed=0)):
        assert len(g.completion_ids) == len(g.logprobs) <= 12
        assert (g.finish_reason == "stop") == (g.completion_ids[-1] == eos)
        assert eos not in g.completion_ids[:-1]
        assert g.finish_reason == "stop" or len(g.completion_ids) == 12


class _PreferToken(torch.nn.Module):
    """Wraps a model and adds ``boost`` to one token's logit at every position."""

    def __init__(self, model, token_id, boost):
        super().__init__()
        self.inner, self.token_id, self.boost = model, token_id, boost

    def forward(self, **kwargs):
        out = self.inner(**kwargs)
        out.logits[..., self.token_id] += self.boost
        return out


def test_eos_stops_a_row_and_is_kept(policy):
    model, tok = policy
    forced = _PreferToken(model, tok.eos_token_id, 1e4)
    (g,) = HFBackend(forced, tok).generate(["hi"], SamplingParams(max_new_tokens=5, seed=0))
    assert (g.completion_ids, g.finish_reason, g.text) == ([tok.eos_token_id], "stop", "")


def test_min_new_tokens_bans_eos_but_not_from_the_logprobs(policy):
    model, tok = policy
    forced = _PreferToken(model, tok.eos_token_id, 1e4)
    (g,) = HFBackend(forced, tok).generate(["hi"], SamplingParams(max_new_tokens=4, min_new_tokens=4, seed=0))
    assert (len(g.completion_ids), g.finish_reason) == (4, "length")
    assert tok.eos_token_id not in g.completion_ids
    ids = torch.tensor([g.prompt_ids + g.completion_ids])
    with torch.no_grad():
        logits = forced(input_ids=ids).logits[0, len(g.prompt_ids) - 1 : -1]
    expected = torch.log_softmax(logits, -1).gather(-1, torch.tensor(g.completion_ids)[:, None]).squeeze(-1)
    assert torch.allclose(torch.tensor(g.logprobs), expected, atol=1e-3)
    assert max(g.logprobs) < -1e3  # the unmasked policy gives every non-EOS token almost nothing


def test_eos_comes_right_after_min_new_tokens(policy):
    model, tok = policy
    forced = _PreferToken(model, tok.eos_token_id, 1e4)
    (g,) = HFBackend(forced, tok).generate(["hi"], SamplingParams(max_new_tokens=5, min_new_tokens=2, seed=0))
    assert len(g.completion_ids) == 3  # two tokens that cannot be EOS, then the EOS the model wants
    assert (g.completion_ids[-1], g.finish_reason) == (tok.eos_token_id, "stop")


def test_text_is_decoded_completion(backend, policy):
    for g in backend.generate(PROMPTS, SamplingParams(max_new_tokens=10, seed=4)):
        assert g.text == policy[1].decode(g.completion_ids, skip_special_tokens=True)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_logprobs_match_a_training_forward_pass(backend, policy, temperature):
    model, _ = policy
    params = SamplingParams(max_new_tokens=10, temperature=temperature, seed=5)
    for g in backend.generate(PROMPTS, params):
        ids = torch.tensor([g.prompt_ids + g.completion_ids])
        with torch.no_grad():
            logits = model(input_ids=ids).logits[0, len(g.prompt_ids) - 1 : -1] / temperature
        expected = torch.log_softmax(logits, -1).gather(-1, torch.tensor(g.completion_ids)[:, None]).squeeze(-1)
        assert torch.allclose(torch.tensor(g.logprobs), expected, atol=1e-4)


def test_greedy_matches_transformers_generate(backend, policy):
    model, tok = policy
    gens = backend.generate(PROMPTS, SamplingParams(max_new_tokens=12, temperature=0.0))
    batch = tok(PROMPTS, padding=True, return_tensors="pt")
    ref = model.generate(**batch, max_new_tokens=12, do_sample=False, top_p=None, top_k=None)
    for g, row in zip(gens, ref[:, batch["input_ids"].shape[1] :].tolist(), strict=True):
        assert row[: len(g.completion_ids)] == g.completion_ids


def test_batch_size_does_not_change_greedy_output(policy):
    params = SamplingParams(max_new_tokens=10, temperature=0.0)
    one = HFBackend(*policy, batch_size=1).generate(PROMPTS, params)
    many = HFBackend(*policy, batch_size=4).generate(PROMPTS, params)
    assert [g.completion_ids for g in one] == [g.completion_ids for g in many]


class _PrefillRows(torch.nn.Module):
    """Wraps a model; records the batch size of every forward that has no KV cache yet (a prefill), counts all."""

    def __init__(self, model):
        super().__init__()
        self.inner, self.prefill_rows, self.forwards = model, [], 0

    def forward(self, input_ids=None, past_key_values=None, **kwargs):
        self.forwards += 1
        if past_key_values is None:
            self.prefill_rows.append(input_ids.shape[0])
        return self.inner(input_ids=input_ids, past_key_values=past_key_values, **kwargs)


REPEATED = [PROMPTS[0], PROMPTS[0], PROMPTS[2], PROMPTS[0]]


def test_repeated_prompts_are_prefilled_once(policy):
    model, tok = policy
    counted = _PrefillRows(model)
    HFBackend(counted, tok, batch_size=4).generate(REPEATED, SamplingParams(max_new_tokens=4, seed=0))
    assert counted.prefill_rows == [2]


def test_a_full_length_completion_costs_one_forward_per_token(policy):
    model, tok = policy
    counted = _PrefillRows(_PreferToken(model, tok.eos_token_id, -1e4))  # EOS never drawn: every row runs to 6
    (g,) = HFBackend(counted, tok).generate(["hi"], SamplingParams(max_new_tokens=6, seed=0))
    assert (len(g.completion_ids), g.finish_reason) == (6, "length")
    assert counted.forwards == 6  # the prefill draws the first token, five decode steps the rest


def test_shared_prefill_keeps_each_row_its_own_prompt(policy):
    params = SamplingParams(max_new_tokens=10, temperature=0.0)
    shared = HFBackend(*policy, batch_size=4).generate(REPEATED, params)
    alone = HFBackend(*policy, batch_size=1).generate(REPEATED, params)
    assert [g.completion_ids for g in shared] == [g.completion_ids for g in alone]


def test_shared_prefill_logprobs_match_a_training_forward_pass(policy):
    model, tok = policy
    for g in HFBackend(model, tok, batch_size=4).generate(REPEATED, SamplingParams(max_new_tokens=10, seed=6)):
        ids = torch.tensor([g.prompt_ids + g.completion_ids])
        with torch.no_grad():
            logits = model(input_ids=ids).logits[0, len(g.prompt_ids) - 1 : -1]
        expected = torch.log_softmax(logits, -1).gather(-1, torch.tensor(g.completion_ids)[:, None]).squeeze(-1)
        assert torch.allclose(torch.tensor(g.logprobs), expected, atol=1e-4)


def test_rollout_dtype_samples_from_a_synced_copy():
    model, tok = tiny_policy(seed=0)
    backend = HFBackend(model, tok, rollout_dtype="bfloat16")
    assert backend.model is not model and next(backend.model.parameters()).dtype == torch.bfloat16
    with torch.no_grad():
        model.lm_head.weight.mul_(3.0)
    backend.sync_weights(model)
    assert torch.equal(backend.model.lm_head.weight, model.lm_head.weight.to(torch.bfloat16))
    assert next(model.parameters()).dtype == torch.float32


def test_rollout_dtype_logprobs_stay_close_to_the_float32_forward(policy):
    model, tok = policy
    for g in HFBackend(model, tok, rollout_dtype="bfloat16").generate(PROMPTS, SamplingParams(8, seed=2)):
        ids = torch.tensor([g.prompt_ids + g.completion_ids])
        with torch.no_grad():
            logits = model(input_ids=ids).logits[0, len(g.prompt_ids) - 1 : -1]
        expected = torch.log_softmax(logits, -1).gather(-1, torch.tensor(g.completion_ids)[:, None]).squeeze(-1)
        assert torch.allclose(torch.tensor(g.logprobs), expected, atol=0.5)


def test_training_mode_is_restored(policy):
    model, tok = policy
    model.train()
    HFBackend(model, tok).generate(["x"], SamplingParams(max_new_tokens=2, seed=0))
    assert model.training
    model.eval()


def test_no_autograd_graph_is_recorded(backend):
    gens = backend.generate(["x"], SamplingParams(max_new_tokens=3, seed=0))
    assert all(isinstance(v, float) for v in gens[0].logprobs)


def test_sync_weights_shares_the_model_object(policy):
    model, tok = policy
    backend = HFBackend(model, tok)
    backend.sync_weights(model)
    assert backend.model is model


def test_sync_weights_adopts_a_new_model(policy):
    other, tok = tiny_policy(seed=9)
    backend = HFBackend(policy[0], tok)
    backend.sync_weights(other)
    assert backend.model is other


def test_empty_prompt_without_bos_raises(policy):
    backend = HFBackend(*policy, add_special_tokens=False)
    with pytest.raises(ConfigError, match="zero tokens"):
        backend.generate([""], SamplingParams(max_new_tokens=2))


def test_bad_batch_size_raises(policy):
    with pytest.raises(ConfigError):
        HFBackend(*policy, batch_size=0)


def test_top_k_one_is_greedy(backend):
    greedy = backend.generate(PROMPTS, SamplingParams(max_new_tokens=8, temperature=0.0))
    top1 = backend.generate(PROMPTS, SamplingParams(max_new_tokens=8, top_k=1, seed=3))
    assert [g.completion_ids for g in greedy] == [g.completion_ids for g in top1]


def test_filter_logits_top_k_keeps_k():
    out = filter_logits(torch.tensor([[1.0, 3.0, 2.0, 0.0]]), top_k=2, top_p=None)
    assert torch.isfinite(out).tolist() == [[False, True, True, False]]


def test_filter_logits_top_p_keeps_the_nucleus():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    out = filter_logits(logits, top_k=None, top_p=0.7)
    assert torch.isfinite(out).tolist() == [[True, True, False, False]]


def test_filter_logits_off_is_identity():
    logits = torch.randn(2, 5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(filter_logits(logits, None, None), logits)


def test_decoding_passes_the_cache_under_the_name_the_model_takes(policy):
    import warnings

    model, tok = policy
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # transformers warns on every forward given the old name
        (g,) = HFBackend(model, tok).generate(["hi"], SamplingParams(max_new_tokens=4, seed=0))
    assert len(g.completion_ids) >= 1
    assert not [w for w in caught if "past_key_values" in str(w.message)]
