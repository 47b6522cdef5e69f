"""The ``zero-shot`` baseline: any causal LM, prompted as the env prompts it, with no training.

It loads the policy with ``agents.llm.models.load_policy`` (a shortcut such as ``tiny-random`` or
``smollm2-135m``, a local directory, or a GGUF file), samples through a rollout backend (``hf`` on CPU, ``vllm`` on
a GPU) and returns the completions as they are. The R1 prompt ends in ``Assistant: <think>``, so a completion
continues the reasoning and the env reads its ``<answer>``. Chat-format observations are wrapped with the
tokenizer's chat template using ``info["system_prompt"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agents.base import AgentContext
from agents.registry import register_agent


class ZeroShotAgent:
    """Samples one completion per observation from an untrained causal LM."""

    def __init__(
        self,
        context: AgentContext,
        *,
        model: str = "smollm2-135m",
        backend: str = "hf",
        max_new_tokens: int = 256,
        temperature: float = 1.0,
        device: str = "cpu",
        dtype: str = "float32",
    ) -> None:
        """Load the model in ``dtype`` and build its backend (heavy imports happen here, not at module import)."""
        from agents.llm.backends import make_backend
        from agents.llm.models import load_policy

        self.model, self.tokenizer = load_policy(model, device=device, dtype=dtype)
        self.backend = make_backend(backend, self.model, self.tokenizer)
        self.seed = context.seed
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.calls = 0

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return one sampled completion per observation; call ``n`` of seed ``s`` is seeded ``(s, n)``."""
        from agents.llm.prompting import format_observation
        from agents.llm.sampling import SamplingParams

        prompts = [
            format_observation(self.tokenizer, obs, info.get("system_prompt"))
            for obs, info in zip(observations, infos, strict=True)
        ]
        params = SamplingParams(
            max_new_tokens=self.max_new_tokens, temperature=self.temperature, seed=self.seed * 1_000_003 + self.calls
        )
        self.calls += 1
        return [generation.text for generation in self.backend.generate(prompts, params)]


register_agent("zero-shot")(ZeroShotAgent)
