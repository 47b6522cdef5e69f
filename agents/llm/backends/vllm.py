"""``VLLMBackend``: rollouts on a GPU with a vLLM engine living in the trainer's process.

Coded against the vLLM V1 engine API of vLLM 0.10.2 to 0.33 (``LLM(..., logprobs_mode=...)``, ``LLM.apply_model``,
``LLM.reset_prefix_cache``, token-id prompts with ``skip_tokenizer_init``). Not exercised on a GPU by this
project's CI (no GPU there); the GPU test in ``tests/agents/llm/test_backends.py`` runs when CUDA and vllm exist.

Design:

- vLLM never tokenizes: prompts are encoded with our tokenizer and passed as token ids (``skip_tokenizer_init``),
  completions are decoded with our tokenizer, so ids and text agree with ``HFBackend`` and nothing is re-tokenized.
- The engine runs in-process (``VLLM_ENABLE_V1_MULTIPROCESSING=0`` unless already set), so ``sync_weights`` hands
  the trainer's tensors to the engine's ``model.load_weights`` without pickling them to another process.
- Log-probabilities: the engine is started with ``logprobs_mode="processed_logprobs"`` and each request asks for
  ``logprobs=0`` (the sampled token's only). That is ``log_softmax(logits / T)`` as the ``Generation`` contract
  says when ``top_k`` and ``top_p`` are off (the trainer's default); with either on, vLLM reports the log-probability
  under the truncated distribution instead.
- Seeds: request ``i`` gets the ``i``-th seed spawned from ``params.seed`` (``numpy.random.SeedSequence``), so
  identical prompts in one call get different samples and a call with the same seed repeats exactly.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agents.llm.backends.base import encode_prompts
from agents.llm.sampling import Generation, SamplingParams
from azr_env.errors import ConfigError, MissingDependencyError


def import_vllm() -> Any:
    """Import ``vllm`` or raise ``MissingDependencyError`` naming the ``vllm`` extra."""
    try:
        import vllm
    except ImportError as exc:
        raise MissingDependencyError("vllm", "vllm", "the vLLM rollout backend (GPU only)") from exc
    return vllm


def request_seeds(seed: int | None, n: int) -> list[int | None]:
    """One seed per request, spawned from ``seed``; all ``None`` when ``seed`` is ``None``."""
    if seed is None:
        return [None] * n
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n)]


def to_vllm_params(vllm: Any, params: SamplingParams, seed: int | None, stop_ids: Sequence[int]) -> Any:
    """Map our ``SamplingParams`` to one ``vllm.SamplingParams`` request (top-k/top-p/min-tokens omitted when off)."""
    kwargs: dict[str, Any] = {
        "n": 1,
        "max_tokens": params.max_new_tokens,
        "temperature": params.temperature,
        "seed": seed,
        "logprobs": 0,
        "stop_token_ids": list(stop_ids),
        "detokenize": False,
    }
    if params.top_p is not None:
        kwargs["top_p"] = params.top_p
    if params.top_k is not None:
        kwargs["top_k"] = params.top_k
    if params.min_new_tokens:
        kwargs["min_tokens"] = params.min_new_tokens
    return vllm.SamplingParams(**kwargs)


class VLLMBackend:
    """Sampling with vLLM; see ``RolloutBackend`` for the contract and the module docstring for the details."""

    def __init__(
        self,
        model_path_or_model: str | os.PathLike[str] | Any,
        tokenizer: Any,
        *,
        gpu_memory_utilization: float = 0.3,
        max_model_len: int | None = None,
        dtype: str = "auto",
        add_special_tokens: bool = True,
        **engine_kwargs: Any,
    ) -> None:
        """Start the engine.

        Args:
            model_path_or_model: A model directory, or a ``transformers`` model (saved to a temporary directory
                for the engine to start from).
            tokenizer: The policy's tokenizer (a ``transformers`` tokenizer or ``ByteTokenizer``).
            gpu_memory_utilization: Share of GPU memory vLLM may take (weights + KV cache); leave room for the
                trainer when both share one GPU.
            max_model_len: Longest prompt + completion; ``None`` takes the model's.
            dtype: Engine dtype (``"auto"`` follows the model config).
            add_special_tokens: Passed to the tokenizer when encoding prompts.
            **engine_kwargs: More ``vllm.LLM`` arguments (``enforce_eager``, ``tensor_parallel_size``...).
        """
        if not 0.0 < gpu_memory_utilization <= 1.0:
            raise ConfigError(f"gpu_memory_utilization must be in (0, 1] (got {gpu_memory_utilization})")
        if getattr(tokenizer, "eos_token_id", None) is None:
            raise ConfigError("the tokenizer has no eos_token_id: completions could never stop")
        self._vllm = import_vllm()
        self.tokenizer, self.add_special_tokens = tokenizer, add_special_tokens
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        path = self._model_dir(model_path_or_model)
        self._stop_ids = _stop_ids(tokenizer, path)
        os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        self._llm: Any = self._vllm.LLM(
            model=str(path),
            skip_tokenizer_init=True,
            gpu_memory_utilization=gpu_memory_utilization,
            max_model_len=max_model_len,
            dtype=dtype,
            logprobs_mode="processed_logprobs",
            **engine_kwargs,
        )

    def generate(self, prompts: Sequence[str], params: SamplingParams) -> list[Generation]:
        """Sample one completion per prompt, in order."""
        rows = encode_prompts(self.tokenizer, prompts, self.add_special_tokens)
        requests = [
            to_vllm_params(self._vllm, params, seed, self._stop_ids) for seed in request_seeds(params.seed, len(rows))
        ]
        outputs = self._llm.generate([{"prompt_token_ids": r} for r in rows], requests, use_tqdm=False)
        return [self._to_generation(row, out.outputs[0]) for row, out in zip(rows, outputs, strict=True)]

    def sync_weights(self, model: Any) -> None:
        """Copy ``model``'s current parameters into the engine and drop KV blocks cached under the old ones."""
        weights = [(name, tensor.detach()) for name, tensor in model.state_dict().items()]
        self._llm.apply_model(lambda engine_model: engine_model.load_weights(weights))
        self._llm.reset_prefix_cache()

    def close(self) -> None:
        """Shut the engine down and free its GPU memory; safe to call twice."""
        if self._llm is None:
            return
        self._llm = None
        gc.collect()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _to_generation(self, prompt_ids: list[int], completion: Any) -> Generation:
        ids = [int(t) for t in completion.token_ids]
        logprobs = [float(step[token].logprob) for token, step in zip(ids, completion.logprobs or [], strict=True)]
        return Generation(
            prompt_ids=prompt_ids,
            completion_ids=ids,
            logprobs=logprobs,
            text=self.tokenizer.decode(ids, skip_special_tokens=True),
            finish_reason="stop" if completion.finish_reason == "stop" else "length",
        )

    def _model_dir(self, model_path_or_model: Any) -> Path:
        if isinstance(model_path_or_model, str | os.PathLike):
            return Path(model_path_or_model)
        self._scratch = tempfile.TemporaryDirectory(prefix="azr-vllm-")
        model_path_or_model.save_pretrained(self._scratch.name)
        return Path(self._scratch.name)


def _stop_ids(tokenizer: Any, model_dir: Path) -> list[int]:
    """The tokenizer's EOS id plus those in the model's ``generation_config.json``, as ``HFBackend`` uses."""
    ids = {int(tokenizer.eos_token_id)}
    config = model_dir / "generation_config.json"
    if config.is_file():
        eos = json.loads(config.read_text(encoding="utf-8")).get("eos_token_id")
        ids.update([int(eos)] if isinstance(eos, int) else [int(i) for i in eos or []])
    return sorted(ids)
