"""Convert a GGUF file once into a plain ``transformers`` model directory, cached by the file's sha256.

``transformers`` loads a GGUF file by dequantizing it (tens of seconds: the tokenizer is rebuilt from the GGUF
vocabulary too) and then refuses to ``save_pretrained`` the result ("model is quantized with gguf"). So the weights
are copied into a model built from the same config without the quantization entry, and that model is saved as
float32 safetensors (the dequantized values exactly) with its tokenizer. Later loads read that directory (~1 s).
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


def ensure_converted(gguf_path: Path, cache_root: Path, sha256: str | None = None) -> Path:
    """Return the cached model directory for ``gguf_path``, converting it first when needed.

    Args:
        gguf_path: The GGUF file.
        cache_root: The cache root (``$AZR_CACHE_DIR``).
        sha256: The file's sha256 when already known (skips hashing it again).
    """
    digest = sha256 or sha256_file(gguf_path)
    target = converted_dir(cache_root, digest)
    if is_converted(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        _convert(gguf_path, scratch)
        marker = {"gguf_file": gguf_path.name, "sha256": digest}
        (scratch / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _convert(gguf_path: Path, out_dir: Path) -> None:
    """Dequantize ``gguf_path`` and save it as a plain float32 model directory with its tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    say(f"converting {gguf_path.name} to safetensors (once; about 30 s per 100 MB of GGUF on a CPU)")
    where, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(where, gguf_file=name)
    quantized = AutoModelForCausalLM.from_pretrained(where, gguf_file=name, dtype=torch.float32)
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    with torch.random.fork_rng(devices=[]):  # from_config's random init is overwritten below; keep it contained
        plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(quantized.state_dict())
    plain.generation_config = quantized.generation_config
    plain.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    say(f"converted {gguf_path.name} in {time.perf_counter() - started:.1f} s")


def say(message: str) -> None:
    """Progress message for the slow steps (stderr, so stdout stays machine-readable)."""
    print(f"[azr models] {message}", file=sys.stderr, flush=True)
