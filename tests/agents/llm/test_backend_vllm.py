"""``VLLMBackend``: its mapping and wiring against a fake ``vllm`` module, and a GPU test where CUDA and vLLM exist."""

import importlib.util
import sys
import types
from typing import ClassVar

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from agents.llm.backends import make_backend  # noqa: E402
from agents.llm.sampling import SamplingParams  # noqa: E402
from agents.llm.tiny import tiny_policy  # noqa: E402

PROMPTS = ["def f(x):\n    return x", "Assistant: <think>", "a", "héllo ✓"]


@pytest.fixture(scope="module")
def policy():
    return tiny_policy(seed=0)


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
