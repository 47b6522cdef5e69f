"""Crash safety of checkpoint discovery: partial saves are never picked up."""

from __future__ import annotations

from agents.llm.checkpoint import STATE_FILE, latest_checkpoint, prune


def make_ckpt(root, name, complete=True):
    path = root / name
    path.mkdir(parents=True)
    if complete:
        (path / STATE_FILE).write_text("{}")
    return path


def test_no_checkpoint_gives_none(tmp_path):
    assert latest_checkpoint(tmp_path) is None


def test_a_killed_save_leaves_the_previous_checkpoint_latest(tmp_path):
    root = tmp_path / "checkpoints"
    good = make_ckpt(root, "step_000001")
    make_ckpt(root, ".tmp-step_000002-123", complete=False)
    (root / "latest").write_text("step_000001\n")
    assert latest_checkpoint(tmp_path) == good


def test_missing_pointer_falls_back_to_the_newest_complete(tmp_path):
    root = tmp_path / "checkpoints"
    make_ckpt(root, "step_000001")
    newest = make_ckpt(root, "step_000002")
    make_ckpt(root, "step_000003", complete=False)
    assert latest_checkpoint(tmp_path) == newest


def test_prune_removes_leftovers_and_old(tmp_path):
    root = tmp_path / "checkpoints"
    for i in range(1, 4):
        make_ckpt(root, f"step_00000{i}")
    make_ckpt(root, ".tmp-step_000004-9", complete=False)
    prune(root, keep=2)
    assert sorted(p.name for p in root.iterdir()) == ["step_000002", "step_000003"]
