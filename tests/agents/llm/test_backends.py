import importlib.util
import sys
import types
from typing import ClassVar

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


# --- VLLMBackend: mapping and wiring against a fake ``vllm`` module (vllm is CUDA-only) ---


class _FakeSamplingParams:
    def __init__(self, **kwargs):
        self.kwargs = kwargs


class _FakeLogprob:
    def __init__(self, logprob):
        self.logprob = logprob


class _FakeLLM:
    """Records its arguments; every request 'samples' token 5 then EOS 258, with logprobs -0.5 and -0.25."""

    instances: ClassVar[list] = []

    def __init__(self, **kwargs):
        self.kwargs, self.requests, self.loaded, self.prefix_resets = kwargs, [], [], 0
        _FakeLLM.instances.append(self)

    def generate(self, prompts, params, use_tqdm):
        self.requests.append((prompts, params))
        done = types.SimpleNamespace(
            token_ids=[5, 258],
            logprobs=[{5: _FakeLogprob(-0.5)}, {258: _FakeLogprob(-0.25)}],
            finish_reason="stop",
        )
        return [types.SimpleNamespace(outputs=[done]) for _ in prompts]

    def apply_model(self, func):
        engine_model = types.SimpleNamespace(load_weights=lambda weights: self.loaded.append(dict(weights)))
        return [func(engine_model)]

    def reset_prefix_cache(self):
        self.prefix_resets += 1


@pytest.fixture
def fake_vllm(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", types.SimpleNamespace(LLM=_FakeLLM, SamplingParams=_FakeSamplingParams))
    monkeypatch.setenv("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
    _FakeLLM.instances.clear()
    return _FakeLLM


def test_vllm_missing_names_the_extra(monkeypatch):
    from agents.llm.backends.vllm import import_vllm
    from azr_env.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "vllm", None)
    with pytest.raises(MissingDependencyError, match=r"azr-env\[vllm\]"):
        import_vllm()


def test_vllm_params_mapping_leaves_filters_off():
    from agents.llm.backends.vllm import to_vllm_params

    vllm = types.SimpleNamespace(SamplingParams=_FakeSamplingParams)
    mapped = to_vllm_params(vllm, SamplingParams(max_new_tokens=9, temperature=0.7), 11, [2, 7]).kwargs
    assert mapped == {
        "n": 1,
        "max_tokens": 9,
        "temperature": 0.7,
        "seed": 11,
        "logprobs": 0,
        "stop_token_ids": [2, 7],
        "detokenize": False,
    }


def test_vllm_params_mapping_passes_min_new_tokens():
    from agents.llm.backends.vllm import to_vllm_params

    vllm = types.SimpleNamespace(SamplingParams=_FakeSamplingParams)
    mapped = to_vllm_params(vllm, SamplingParams(max_new_tokens=9, min_new_tokens=9), 1, [2]).kwargs
    assert mapped["min_tokens"] == 9


def test_vllm_params_mapping_passes_filters_when_set():
    from agents.llm.backends.vllm import to_vllm_params

    vllm = types.SimpleNamespace(SamplingParams=_FakeSamplingParams)
    mapped = to_vllm_params(vllm, SamplingParams(top_p=0.9, top_k=40), None, [2]).kwargs
    assert (mapped["top_p"], mapped["top_k"]) == (0.9, 40)


def test_vllm_request_seeds_differ_per_prompt_and_repeat():
    from agents.llm.backends.vllm import request_seeds

    seeds = request_seeds(3, 4)
    assert len(set(seeds)) == 4 and seeds == request_seeds(3, 4)
    assert request_seeds(None, 2) == [None, None]


def test_vllm_backend_sends_token_ids_and_builds_generations(fake_vllm, policy, tmp_path):
    from agents.llm.backends.vllm import VLLMBackend

    model, tok = policy
    backend = make_backend("vllm", model, tok, gpu_memory_utilization=0.5)
    gens = backend.generate(["ab", "c"], SamplingParams(max_new_tokens=4, seed=1))
    llm = fake_vllm.instances[0]
    prompts, params = llm.requests[0]
    assert isinstance(backend, VLLMBackend)
    assert [p["prompt_token_ids"] for p in prompts] == [tok.encode("ab"), tok.encode("c")]
    assert params[0].kwargs["seed"] != params[1].kwargs["seed"]
    assert gens[0].completion_ids == [5, 258] and gens[0].logprobs == [-0.5, -0.25]
    assert (gens[0].text, gens[0].finish_reason) == ("\x05", "stop")


def test_vllm_engine_is_configured_for_our_contract(fake_vllm, policy):
    from agents.llm.backends.vllm import VLLMBackend

    VLLMBackend(*policy, gpu_memory_utilization=0.4, enforce_eager=True)
    kwargs = fake_vllm.instances[0].kwargs
    assert kwargs["skip_tokenizer_init"] and kwargs["logprobs_mode"] == "processed_logprobs"
    assert (kwargs["gpu_memory_utilization"], kwargs["enforce_eager"]) == (0.4, True)


def test_vllm_sync_weights_loads_the_state_dict(fake_vllm, policy):
    from agents.llm.backends.vllm import VLLMBackend

    model, tok = policy
    backend = VLLMBackend(model, tok)
    backend.sync_weights(model)
    llm = fake_vllm.instances[0]
    assert set(llm.loaded[0]) == set(model.state_dict()) and llm.prefix_resets == 1


def test_vllm_close_is_idempotent(fake_vllm, policy):
    from agents.llm.backends.vllm import VLLMBackend

    backend = VLLMBackend(*policy)
    backend.close()
    backend.close()
    assert backend._llm is None and backend._scratch is None


def _cuda_and_vllm():
    if not torch.cuda.is_available():
        return "needs a CUDA GPU"
    if importlib.util.find_spec("vllm") is None:
        return "needs the vllm extra (pip install 'azr-env[vllm]')"
    return ""


def _sharp_tiny(seed):
    """A tiny policy with head size 64 (what GPU attention kernels support) and confident, seed-specific logits."""
    model, tok = tiny_policy(seed=seed, hidden=256, layers=2)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.mul_(20.0)
    return model, tok


@pytest.mark.gpu
@pytest.mark.skipif(bool(_cuda_and_vllm()), reason=_cuda_and_vllm() or "runs")
def test_vllm_on_gpu_matches_a_forward_pass_and_syncs(tmp_path):
    from agents.llm.backends.vllm import VLLMBackend

    model, tok = _sharp_tiny(seed=0)
    other, _ = _sharp_tiny(seed=1)
    model.save_pretrained(tmp_path)
    backend = VLLMBackend(tmp_path, tok, gpu_memory_utilization=0.2, enforce_eager=True, dtype="float32")
    try:
        params = SamplingParams(max_new_tokens=16, seed=0)
        gens = backend.generate(PROMPTS, params)
        assert gens == backend.generate(PROMPTS, params)
        _assert_logprobs_match(model, gens)
        backend.sync_weights(other.cuda())
        _assert_logprobs_match(other.cpu(), backend.generate(PROMPTS, params))
    finally:
        backend.close()


def _assert_logprobs_match(model, gens):
    for g in gens:
        ids = torch.tensor([g.prompt_ids + g.completion_ids])
        with torch.no_grad():
            logits = model(input_ids=ids).logits[0, len(g.prompt_ids) - 1 : -1]
        expected = torch.log_softmax(logits, -1).gather(-1, torch.tensor(g.completion_ids)[:, None]).squeeze(-1)
        assert torch.allclose(torch.tensor(g.logprobs), expected, atol=1e-2)
