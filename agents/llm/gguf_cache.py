"""Convert a GGUF file once into a plain ``transformers`` model directory, cached by the file's sha256.

``transformers`` loads a GGUF file by dequantizing it (tens of seconds: the tokenizer is rebuilt from the GGUF
vocabulary too) into plain tensors, then refuses to ``save_pretrained`` the result ("model is quantized with gguf")
only because the model still names its GGUF quantizer. So the quantizer and the config's quantization entry are
dropped and the same tensors are saved as safetensors with the tokenizer: no second copy of the weights is made.
The tensors are cast to the conversion dtype as each one is dequantized: float32 keeps the dequantized values
exactly; bfloat16 halves the peak memory and the cache (the 1.5B model). Later loads read that directory (~1 s).
A directory counts as cached only once its marker file exists; it is written into a temporary sibling first and
renamed into place, so an interrupted conversion leaves nothing that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

MARKER = "azr_gguf_source.json"
"""File written last into a converted directory: the GGUF's name and sha256."""

_CHUNK = 1 << 22


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def converted_dir(cache_root: Path, sha256: str) -> Path:
    """Where the conversion of the GGUF file with this sha256 lives (whether or not it exists yet)."""
    return cache_root / "models" / f"gguf-{sha256[:16]}"


def is_converted(directory: Path) -> bool:
    """Whether ``directory`` holds a finished conversion."""
    return (directory / MARKER).is_file()


def ensure_converted(gguf_path: Path, cache_root: Path, sha256: str | None = None, dtype: str = "float32") -> Path:
    """Return the cached model directory for ``gguf_path``, converting it first when needed.

    Args:
        gguf_path: The GGUF file.
        cache_root: The cache root (``$AZR_CACHE_DIR``).
        sha256: The file's sha256 when already known (skips hashing it again).
        dtype: ``"float32"`` (exact dequantized values) or ``"bfloat16"`` (half the memory) for the saved weights.
    """
    digest = sha256 or sha256_file(gguf_path)
    target = converted_dir(cache_root, digest)
    if is_converted(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        _convert(gguf_path, scratch, dtype)
        marker = {"gguf_file": gguf_path.name, "sha256": digest, "dtype": dtype}
        (scratch / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _convert(gguf_path: Path, out_dir: Path, dtype: str) -> None:
    """Dequantize ``gguf_path`` into ``dtype`` tensors and save them as a plain model directory with its tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    say(f"converting {gguf_path.name} to {dtype} safetensors (once; about 30 s per 100 MB of GGUF on a CPU)")
    where, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(where, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(where, gguf_file=name, dtype=getattr(torch, dtype))
    model.hf_quantizer = None  # type: ignore[assignment]  # the tensors are already plain; only this reference blocks save_pretrained
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    del model
    say(f"converted {gguf_path.name} in {time.perf_counter() - started:.1f} s")


def say(message: str) -> None:
    """Progress message for the slow steps (stderr, so stdout stays machine-readable)."""
    print(f"[azr models] {message}", file=sys.stderr, flush=True)
