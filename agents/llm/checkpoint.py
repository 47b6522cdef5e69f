"""Crash-safe checkpoints: everything needed to continue a run bit for bit.

Layout of ``RUN_DIR/checkpoints/step_000042/``: ``model/`` (``save_pretrained``), ``optimizer.pt``,
``buffer.jsonl`` (``TaskBuffer.save``), ``torch_rng.pt`` (CPU and CUDA generator states) and ``state.json`` (step,
the trainer's ``numpy.random.Generator`` state, the config), written last. A checkpoint is built in a temporary
directory and renamed into place, then ``RUN_DIR/checkpoints/latest`` (a one-line pointer) is replaced
atomically, so a SIGKILL at any moment leaves the previous checkpoint intact and ``latest`` naming a complete one.

The environment's random state needs no saving: the trainer reseeds the vector env from ``(seed, step)`` at
every collect, so its state at a step boundary is a function of the step.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from azr_env.errors import CheckpointError

if TYPE_CHECKING:
    import torch

    from azr_env.buffer import TaskBuffer

FORMAT_VERSION = 1
STATE_FILE = "state.json"
POINTER = "latest"


@dataclass
class Checkpoint:
    """What ``load_checkpoint`` restores besides the model and optimizer (which it loads in place)."""

    path: Path
    step: int
    rng: np.random.Generator
    config: dict[str, Any]
    buffer: TaskBuffer


def checkpoint_root(run_dir: str | os.PathLike[str]) -> Path:
    """``RUN_DIR/checkpoints``."""
    return Path(run_dir) / "checkpoints"


def save_checkpoint(
    run_dir: str | os.PathLike[str],
    step: int,
    *,
    model: Any,
    optimizer: torch.optim.Optimizer,
    buffer: TaskBuffer,
    rng: np.random.Generator,
    config: dict[str, Any],
    keep: int = 2,
) -> Path:
    """Write checkpoint ``step`` atomically, point ``latest`` at it, and delete all but the newest ``keep``."""
    import torch

    root = checkpoint_root(run_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"step_{step:06d}"
    tmp = root / f".tmp-{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    model.save_pretrained(tmp / "model", safe_serialization=True)
    torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
    buffer.save(tmp / "buffer.jsonl")
    torch.save(torch_rng_state(), tmp / "torch_rng.pt")
    state = {"format": FORMAT_VERSION, "step": step, "rng": rng.bit_generator.state, "config": config}
    (tmp / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True))
    fsync_tree(tmp)
    replace_dir(tmp, final)
    write_pointer(root, final.name)
    prune(root, keep)
    return final


def torch_rng_state() -> dict[str, Any]:
    """CPU and (when present) CUDA generator states."""
    import torch

    state: dict[str, Any] = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def fsync_tree(path: Path) -> None:
    """Fsync every file under ``path`` and the directories themselves."""
    for sub in sorted(path.rglob("*")):
        if sub.is_file():
            with sub.open("rb") as f:
                os.fsync(f.fileno())
    fsync_dir(path)


def fsync_dir(path: Path) -> None:
    """Fsync a directory entry (makes renames inside it durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_dir(tmp: Path, final: Path) -> None:
    """Move ``tmp`` to ``final``; an existing ``final`` (same step, re-saved) is moved aside first."""
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        os.rename(final, old)
        os.rename(tmp, final)
        shutil.rmtree(old)
    else:
        os.rename(tmp, final)
    fsync_dir(final.parent)


def write_pointer(root: Path, name: str) -> None:
    """Atomically replace ``root/latest`` with ``name``."""
    tmp = root / f".{POINTER}.tmp"
    tmp.write_text(name + "\n")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    fsync_dir(root)


def complete_checkpoints(root: Path) -> list[Path]:
    """Complete checkpoint directories (those with a ``state.json``), oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("step_*") if (p / STATE_FILE).is_file())


def prune(root: Path, keep: int) -> None:
    """Delete leftovers of killed saves and all but the newest ``keep`` checkpoints."""
    for leftover in root.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for old in complete_checkpoints(root)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def latest_checkpoint(run_dir: str | os.PathLike[str]) -> Path | None:
    """The checkpoint ``latest`` names, or the newest complete one if the pointer is missing; None if none."""
    root = checkpoint_root(run_dir)
    pointer = root / POINTER
    if pointer.is_file():
        named = root / pointer.read_text().strip()
        if (named / STATE_FILE).is_file():
            return named
    complete = complete_checkpoints(root)
    return complete[-1] if complete else None


def read_state(path: Path) -> dict[str, Any]:
    """Read and check ``state.json`` of a checkpoint."""
    try:
        state = json.loads((path / STATE_FILE).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable {STATE_FILE} ({exc})") from None
    if state.get("format") != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {state.get('format')!r}, expected {FORMAT_VERSION}")
    return dict(state)


def load_checkpoint(path: Path, *, model: Any, optimizer: torch.optim.Optimizer) -> Checkpoint:
    """Load weights and optimizer state in place, restore torch RNGs; return the rest."""
    import torch

    from azr_env.buffer import TaskBuffer

    state = read_state(path)
    load_weights(model, path / "model")
    optimizer.load_state_dict(torch.load(path / "optimizer.pt", weights_only=False))
    rng_state = torch.load(path / "torch_rng.pt", weights_only=False)
    torch.set_rng_state(rng_state["cpu"])
    if "cuda" in rng_state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(rng_state["cuda"])
    rng = np.random.default_rng()
    rng.bit_generator.state = state["rng"]
    buffer = TaskBuffer.load(path / "buffer.jsonl")
    buffer.require_current_judge(path / "buffer.jsonl")
    return Checkpoint(path=path, step=int(state["step"]), rng=rng, config=state["config"], buffer=buffer)


def load_weights(model: Any, model_dir: Path) -> None:
    """Load the ``*.safetensors`` of a ``save_pretrained`` directory into ``model`` (a LoRA adapter too)."""
    from safetensors.torch import load_file

    files = sorted(model_dir.glob("*.safetensors"))
    if not files:
        raise CheckpointError(f"{model_dir}: no .safetensors weights")
    weights: dict[str, Any] = {}
    for file in files:
        weights.update(load_file(str(file)))
    if hasattr(model, "peft_config"):
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(model, weights)
        return
    missing, unexpected = model.load_state_dict(weights, strict=False)
    tied = set(getattr(model, "_tied_weights_keys", None) or {})
    if unexpected or set(missing) - tied - {k for k in missing if "lm_head" in k}:
        raise CheckpointError(f"{model_dir}: weights do not fit the model (missing {missing}, unexpected {unexpected})")
