import inspect
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from azr_env.buffer import TaskBuffer, dedup_key
from azr_env.errors import BufferFormatError, UnknownNameError
from azr_env.executor.backend import ExecutorBackend
from azr_env.registration import JUDGE_VERSION
from azr_env.tasks.base import Task


def task(n: int, task_type: str = "deduction", program: str = "def f(x):\n    return x\n") -> Task:
    return Task(task_type, program, (str(n),), (str(n),))


def filled(count: int, cap: int = 100) -> TaskBuffer:
    buffer = TaskBuffer(cap=cap)
    for n in range(count):
        buffer.add(task(n))
    return buffer


def test_add_returns_true_for_a_new_task() -> None:
    assert TaskBuffer().add(task(1))


def test_duplicate_is_refused() -> None:
    buffer = filled(1)
    assert not buffer.add(task(0)) and len(buffer) == 1


def test_dedup_ignores_comments_docstrings_and_formatting() -> None:
    plain = task(1, program="def f(x):\n    return x + 1\n")
    noisy = task(1, program='def f( x ):  # identity plus one\n    """Docs."""\n    return (x+1)\n\n\n')
    assert dedup_key(plain) == dedup_key(noisy)


def test_dedup_ignores_nested_docstrings() -> None:
    """Docstrings of methods, and of functions defined inside control flow, do not make a program new."""
    plain = (
        "class A:\n    def m(self):\n        return 1\n"
        "if True:\n    def g():\n        return 2\ndef f(x):\n    return x\n"
    )
    documented = (
        "class A:\n    'A class.'\n    def m(self):\n        'A method.'\n        return 1\n"
        "if True:\n    def g():\n        'Nested.'\n        return 2\ndef f(x):\n    'Entry.'\n    return x\n"
    )
    assert dedup_key(task(1, program=plain)) == dedup_key(task(1, program=documented))


def test_dedup_normalizes_input_formatting() -> None:
    assert dedup_key(Task("deduction", "def f(x):\n    return x\n", ("[1,2]",), ("[1, 2]",))) == dedup_key(
        Task("deduction", "def f(x):\n    return x\n", ("[1, 2]",), ("[1, 2]",))
    )


def test_dedup_compares_inputs_as_calls_of_f() -> None:
    program = "def f(x, scale=3):\n    return x * scale\n"
    keys = {dedup_key(Task("deduction", program, (expr,), ("3",))) for expr in ("1", "x=1", "1, 3", "scale=3, x=1")}
    assert len(keys) == 1


def test_a_copy_with_its_names_changed_is_a_duplicate() -> None:
    renamed = task(1, program="def f(value):\n    return value\n")
    assert dedup_key(renamed) == dedup_key(task(1))


def test_a_renaming_that_changes_the_output_is_not_a_duplicate() -> None:
    program = "def f(x):\n    def {name}():\n        return x\n    return {name}.__name__\n"
    first, second = (Task("deduction", program.format(name=name), ("1",), (repr(name),)) for name in ("g", "h"))
    assert dedup_key(first) != dedup_key(second)


def test_abduction_tasks_with_one_program_and_output_are_duplicates_whatever_their_inputs() -> None:
    program = "def f(xs):\n    return sorted(xs)\n"
    keys = {dedup_key(Task("abduction", program, (expr,), ("[1, 2, 3]",))) for expr in ("[3, 1, 2]", "[2, 3, 1]")}
    assert len(keys) == 1  # the abduction solver sees the program and the output only


def test_different_inputs_are_not_duplicates() -> None:
    assert dedup_key(task(1)) != dedup_key(task(2))


def test_same_task_in_two_types_is_kept_in_both() -> None:
    buffer = TaskBuffer()
    assert buffer.add(task(1, "deduction")) and buffer.add(task(1, "abduction"))


def test_tasks_are_kept_per_type_oldest_first() -> None:
    buffer = filled(3)
    buffer.add(task(9, "abduction"))
    assert ([t.inputs[0] for t in buffer.tasks("deduction")], buffer.size("abduction")) == (["0", "1", "2"], 1)


def test_cap_is_per_type_and_evicts_the_oldest() -> None:
    buffer = filled(5, cap=2)
    buffer.add(task(7, "abduction"))
    assert ([t.inputs[0] for t in buffer.tasks("deduction")], len(buffer)) == (["3", "4"], 3)


def test_evicted_task_can_be_added_again() -> None:
    buffer = filled(3, cap=2)
    assert buffer.add(task(0))


def test_evicted_task_is_gone_from_get() -> None:
    buffer = filled(3, cap=2)
    assert task(0).task_id not in buffer


def test_views_index_in_order_with_negative_indices_and_slices() -> None:
    store = filled(5, cap=3).views()["deduction"]
    assert (store[0].inputs, store[-1].inputs, [t.inputs[0] for t in store[0:2]]) == (("2",), ("4",), ["2", "3"])


def test_sample_is_without_replacement() -> None:
    picks = filled(20).sample("deduction", 20, np.random.default_rng(0))
    assert len({t.task_id for t in picks}) == 20


def test_sample_more_than_stored_returns_all() -> None:
    assert len(filled(3).sample("deduction", 6, np.random.default_rng(0))) == 3


def test_sample_unknown_type_is_empty() -> None:
    assert filled(3).sample("induction", 6, np.random.default_rng(0)) == []


def test_sample_is_uniform() -> None:
    buffer, rng = filled(4), np.random.default_rng(0)
    counts = np.zeros(4)
    for _ in range(2000):
        for picked in buffer.sample("deduction", 1, rng):
            counts[int(picked.inputs[0])] += 1
    assert counts.min() > 400 and counts.max() < 600


def test_get_returns_the_task() -> None:
    buffer = filled(2)
    assert buffer.get(task(1).task_id) == task(1)


def test_get_unknown_id_raises() -> None:
    with pytest.raises(UnknownNameError):
        filled(2).get("0000000000000000")


def test_solve_rate_is_none_without_attempts() -> None:
    assert filled(1).solve_rate(task(0).task_id) is None


def test_solve_rate_accumulates_attempts() -> None:
    buffer = filled(1)
    buffer.record_attempts(task(0).task_id, 1, 8)
    buffer.record_attempts(task(0).task_id, 3, 8)
    assert buffer.solve_rate(task(0).task_id) == 0.25


def test_attempts_on_an_evicted_task_are_not_recorded() -> None:
    assert not filled(3, cap=2).record_attempts(task(0).task_id, 1, 8)


def test_save_load_round_trip_keeps_tasks_order_and_history(tmp_path: Path) -> None:
    buffer = filled(3, cap=7)
    buffer.add(Task("induction", "def f(x):\n    return x\n", ("1", "2"), ("1", "2"), "hint"))
    buffer.record_attempts(task(1).task_id, 2, 8)
    buffer.save(tmp_path / "buffer.jsonl")
    loaded = TaskBuffer.load(tmp_path / "buffer.jsonl")
    assert (list(loaded), loaded.cap, loaded.attempts(task(1).task_id)) == (list(buffer), 7, (2, 8))


def test_save_survives_a_crash_mid_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "buffer.jsonl"
    filled(2).save(path)
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        filled(5).save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["buffer.jsonl"]


def test_load_names_file_and_line_of_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    filled(1).save(path)
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(BufferFormatError, match=r"bad\.jsonl:3"):
        TaskBuffer.load(path)


def test_load_refuses_a_record_with_a_wrong_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"task_type": "deduction", "program": "x", "inputs": [1], "outputs": ["1"]}) + "\n")
    with pytest.raises(BufferFormatError, match="inputs"):
        TaskBuffer.load(path)


def test_load_refuses_a_tampered_task_id(tmp_path: Path) -> None:
    path = tmp_path / "buffer.jsonl"
    filled(1).save(path)
    path.write_text(path.read_text().replace(task(0).task_id, "f" * 16))
    with pytest.raises(BufferFormatError, match="task_id"):
        TaskBuffer.load(path)


def test_seeded_holds_one_zero_triplet_per_type(executor: ExecutorBackend) -> None:
    buffer = TaskBuffer.seeded(["deduction", "abduction", "induction"], executor)
    assert [buffer.size(name) for name in ("deduction", "abduction", "induction")] == [1, 1, 1]


def test_seeded_induction_has_distinct_inputs_labelled_by_the_executor(executor: ExecutorBackend) -> None:
    seed = TaskBuffer.seeded(["induction"], executor).tasks("induction")[0]
    assert len(set(seed.inputs)) == len(seed.inputs) >= 6 and "{1, 2, 3}" in seed.outputs


def test_seed_file_labels_are_recomputed(tmp_path: Path, executor: ExecutorBackend) -> None:
    record = {"task_type": "deduction", "program": "def f(x):\n    return x * 2\n", "inputs": ["21"], "outputs": ["0"]}
    (tmp_path / "seed.jsonl").write_text(json.dumps(record) + "\n")
    buffer = TaskBuffer.seeded(["deduction"], executor, seed_file=tmp_path / "seed.jsonl")
    assert buffer.tasks("deduction")[0].outputs == ("42",)


def test_seed_file_types_left_empty_get_the_zero_triplet(tmp_path: Path, executor: ExecutorBackend) -> None:
    record = {"task_type": "deduction", "program": "def f(x):\n    return x * 2\n", "inputs": ["21"]}
    (tmp_path / "seed.jsonl").write_text(json.dumps(record) + "\n")
    buffer = TaskBuffer.seeded(["deduction", "abduction"], executor, seed_file=tmp_path / "seed.jsonl")
    assert buffer.size("abduction") == 1


def test_invalid_seed_task_names_the_line(tmp_path: Path, executor: ExecutorBackend) -> None:
    good = {"task_type": "deduction", "program": "def f(x):\n    return x\n", "inputs": ["1"]}
    bad = {"task_type": "deduction", "program": "def f(x):\n    return 1 // 0\n", "inputs": ["1"]}
    (tmp_path / "seed.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(BufferFormatError, match=r"seed\.jsonl:2"):
        TaskBuffer.seeded(["deduction"], executor, seed_file=tmp_path / "seed.jsonl")


def nested_ifs(depth: int) -> str:
    lines = ["def f(x):"] + [" " * (i + 1) + f"if x > {-i - 1}:" for i in range(depth)]
    return "\n".join([*lines, " " * (depth + 1) + "return x", " return 0"])


def test_the_dedup_key_of_a_deep_program_needs_no_deep_stack() -> None:
    """A deep but valid program (50 nested ifs) is keyed even when the caller's stack is already deep."""
    deep = Task("deduction", nested_ifs(50), ("3",), ("3",))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        key = dedup_key(deep)
    finally:
        sys.setrecursionlimit(limit)
    assert key != dedup_key(Task("deduction", nested_ifs(49), ("3",), ("3",)))


def test_inputs_with_equal_values_are_duplicates() -> None:
    assert dedup_key(Task("deduction", "def f(x):\n    return x\n", ("[1,2]",), ("[1, 2]",))) == dedup_key(
        Task("deduction", "def f(x):\n    return x\n", ("[1, 2]  # same",), ("[1, 2]",))
    )


def test_a_saved_buffer_carries_the_judge_that_admitted_its_tasks(tmp_path: Path) -> None:
    path = tmp_path / "buffer.jsonl"
    filled(2).save(path)
    loaded = TaskBuffer.load(path)
    loaded.require_current_judge(path)
    assert loaded.judge == JUDGE_VERSION and json.loads(path.read_text().splitlines()[0])["judge"] == JUDGE_VERSION


@pytest.mark.parametrize("judge", ["v3", None])
def test_resuming_on_tasks_an_older_judge_admitted_is_refused(tmp_path: Path, judge: str | None) -> None:
    path = tmp_path / "buffer.jsonl"
    filled(2).save(path)
    header, *tasks = path.read_text().splitlines()
    old = {k: v for k, v in {**json.loads(header), "judge": judge}.items() if v is not None}
    path.write_text("\n".join([json.dumps(old), *tasks]) + "\n")
    loaded = TaskBuffer.load(path)  # still readable (plots, analysis)
    with pytest.raises(BufferFormatError, match="seed file"):
        loaded.require_current_judge(path)
