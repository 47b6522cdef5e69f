"""``HFBackend``: rollouts with a ``transformers`` model in the trainer's own process (CPU or GPU)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from agents.llm.backends.base import encode_prompts
from agents.llm.backends.decoding import decode_batch
from agents.llm.sampling import Generation, SamplingParams
from azr_env.errors import ConfigError


class HFBackend:
    """Batched sampling from a ``transformers`` causal LM; see ``RolloutBackend`` for the contract.

    Prompts are tokenized once, left-padded into batches of ``batch_size`` and decoded with a KV cache by
    ``agents.llm.backends.decoding`` under ``torch.no_grad()`` (not ``inference_mode``: the trainer later runs a
    differentiable forward over the same ids). The model is switched to eval mode while generating and its previous
    mode is restored after. Sampling draws from one ``torch.Generator`` seeded with ``params.seed`` per call, so
    results depend on the seed, the prompts, the order and ``batch_size``, never on global RNG state.

    By default the backend holds the trainer's model object itself, so weight updates are visible at once and
    ``sync_weights`` only checks that it is handed that same object (or adopts a new one). With ``rollout_dtype``
    (``TrainConfig.rollout_dtype``, for example ``"bfloat16"`` next to float32 training weights) it samples from its
    own copy of the model in that dtype, about twice as fast on a CPU with bf16 instructions, and ``sync_weights``
    copies the trainer's current weights into it (a cast, no re-allocation). The trainer recomputes log-probabilities
    in its own dtype, so the PPO ratio and the loss are unchanged; ``train/rollout_logprob_drift`` shows the rounding
    difference.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        batch_size: int = 16,
        device: str | torch.device | None = None,
        add_special_tokens: bool = True,
        rollout_dtype: str | None = None,
    ) -> None:
        """Wrap ``model`` and ``tokenizer``.

        Args:
            model: A ``transformers`` causal LM (anything whose forward takes ``input_ids``, ``attention_mask``,
                ``position_ids``, ``use_cache`` and a KV cache as ``cache`` or ``past_key_values``, and returns
                ``logits`` and that cache).
            tokenizer: A ``transformers`` tokenizer or ``ByteTokenizer``; it must define ``eos_token_id``.
            batch_size: Prompts decoded together; larger is faster until memory runs out.
            device: Where input tensors go; defaults to the device of the model's first parameter.
            add_special_tokens: Passed to the tokenizer (for example a BOS token). Set it to False when prompts
                were already rendered with a chat template that contains them.
            rollout_dtype: Sample from a copy of ``model`` in this dtype (``"bfloat16"``, ``"float16"``,
                ``"float32"``); ``None`` samples from ``model`` itself.
        """
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1 (got {batch_size})")
        if getattr(tokenizer, "eos_token_id", None) is None:
            raise ConfigError("the tokenizer has no eos_token_id: completions could never stop")
        self.tokenizer, self.rollout_dtype = tokenizer, rollout_dtype
        self.model = self._rollout_copy(model)
        self.batch_size = batch_size
        self.add_special_tokens = add_special_tokens
        self.device = torch.device(device) if device is not None else next(model.parameters()).device

    def generate(self, prompts: Sequence[str], params: SamplingParams) -> list[Generation]:
        """Sample one completion per prompt, in order."""
        generator = torch.Generator(device=self.device)
        if params.seed is None:
            generator.seed()
        else:
            generator.manual_seed(params.seed)
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                return [
                    gen
                    for start in range(0, len(prompts), self.batch_size)
                    for gen in self._generate_batch(prompts[start : start + self.batch_size], params, generator)
                ]
        finally:
            self.model.train(was_training)

    def sync_weights(self, model: Any) -> None:
        """Generate with ``model``'s current weights: adopt it, or copy its weights into the rollout copy."""
        if self.rollout_dtype is None:
            self.model = model
            return
        with torch.no_grad():
            targets = self.model.state_dict()
            for name, tensor in model.state_dict().items():
                targets[name].copy_(tensor)

    def _rollout_copy(self, model: Any) -> Any:
        """``model`` itself, or a copy of it in ``rollout_dtype``."""
        if self.rollout_dtype is None:
            return model
        import copy

        dtype = getattr(torch, self.rollout_dtype)
        return copy.deepcopy(model).to(dtype=dtype).requires_grad_(False).eval()

    def close(self) -> None:
        """Nothing to release: the model belongs to the caller."""

    def _generate_batch(
        self, prompts: Sequence[str], params: SamplingParams, generator: torch.Generator
    ) -> list[Generation]:
        rows = encode_prompts(self.tokenizer, prompts, self.add_special_tokens)
        input_ids, attention_mask = self._left_pad(rows)
        out = decode_batch(
            self.model,
            input_ids,
            attention_mask,
            params=params,
            generator=generator,
            eos_ids=self._eos_ids(),
            pad_id=self._pad_id(),
        )
        tokens, logprobs = out.tokens.tolist(), out.logprobs.tolist()
        generations = []
        for i, row in enumerate(rows):
            n = int(out.lengths[i])
            ids = tokens[i][:n]
            generations.append(
                Generation(
                    prompt_ids=row,
                    completion_ids=ids,
                    logprobs=logprobs[i][:n],
                    text=self.tokenizer.decode(ids, skip_special_tokens=True),
                    finish_reason="stop" if bool(out.stopped[i]) else "length",
                )
            )
        return generations

    def _left_pad(self, rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self._pad_id(), dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, width - len(row) :] = torch.tensor(row, dtype=torch.long)
            mask[i, width - len(row) :] = 1
        return ids.to(self.device), mask.to(self.device)

    def _pad_id(self) -> int:
        pad = getattr(self.tokenizer, "pad_token_id", None)
        return int(pad if pad is not None else self.tokenizer.eos_token_id)

    def _eos_ids(self) -> torch.Tensor:
        """EOS ids of the tokenizer and of the model's generation config (instruct models often have several)."""
        ids = {int(self.tokenizer.eos_token_id)}
        config_eos = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        if config_eos is not None:
            ids.update(int(i) for i in ([config_eos] if isinstance(config_eos, int) else config_eos))
        return torch.tensor(sorted(ids), dtype=torch.long, device=self.device)
