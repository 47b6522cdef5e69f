"""Behaviour of the public executor API: statuses, order, validation, lifecycle."""

from __future__ import annotations

import _thread
import gc
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from azr_env.errors import ConfigError, ExecutorError
from azr_env.executor import ExecStatus, Executor, ExecutorBackend
from azr_env.executor.limits import MAX_INPUT_CHARS, MAX_PROGRAM_CHARS

IDENTITY = "def f(x):\n    return x"
SORT = "def f(x):\n    return sorted(x)[::-1]"


@pytest.fixture(scope="module")
def fast() -> Iterator[Executor]:
    """A small pool with a short deadline, for the timeout and crash cases."""
    with Executor(workers=1, timeout_s=0.5, memory_mb=256) as ex:
        yield ex


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
            elif int(fields[1]) == pid:
                found.add(-int(entry))  # a zombie: reported negative so the assertion shows it
    return found


def test_executor_implements_the_backend_protocol(executor: Executor) -> None:
    assert isinstance(executor, ExecutorBackend)


def test_run_returns_the_canonical_output(executor: Executor) -> None:
    result = executor.run(SORT, "[3, 1, 2]")
    assert (result.status, result.output, result.error) == (ExecStatus.OK, "[3, 2, 1]", "")


def test_run_many_keeps_the_order_of_the_jobs(executor: Executor) -> None:
    jobs = [(f"def f(x):\n    return x * {i % 7}", str(i)) for i in range(300)]
    outputs = [r.output for r in executor.run_many(jobs)]
    assert outputs == [str(i * (i % 7)) for i in range(300)]


def test_run_many_of_nothing_is_empty(executor: Executor) -> None:
    assert executor.run_many([]) == []


def test_keyword_arguments_and_several_arguments_are_spliced_into_the_call(executor: Executor) -> None:
    result = executor.run("def f(a, b, *, c=0):\n    return a + b + c", "1, 2, c=4")
    assert result.output == "7"


@pytest.mark.parametrize(
    ("program", "text", "status"),
    [
        ("x" * (MAX_PROGRAM_CHARS + 1), "1", ExecStatus.PROGRAM_TOO_LARGE),
        (IDENTITY, "1" * (MAX_INPUT_CHARS + 1), ExecStatus.INPUT_TOO_LARGE),
        ("def f(x) return x", "1", ExecStatus.SYNTAX_ERROR),
        (IDENTITY, "1,,", ExecStatus.SYNTAX_ERROR),
        ("def g(x):\n    return x", "1", ExecStatus.NO_F),
        ("def f(x):\n    return 1\ndef f(x):\n    return 2", "1", ExecStatus.NO_F),
        ("import os\ndef f(x):\n    return x", "1", ExecStatus.FORBIDDEN_IMPORT),
        ("from math import system\ndef f(x):\n    return x", "1", ExecStatus.FORBIDDEN_IMPORT),
        ("def f(x):\n    return x.__class__", "1", ExecStatus.FORBIDDEN_NAME),
        (IDENTITY, "1) or print(2) or (3", ExecStatus.BAD_INPUT),
        (IDENTITY, "1)(2", ExecStatus.BAD_INPUT),
        (IDENTITY, "undefined_name", ExecStatus.BAD_INPUT),
        ("def f(x):\n    return 1 // x", "0", ExecStatus.ERROR),
        ("def f(x):\n    return id(x)", "0", ExecStatus.ERROR),
        ("def f(x):\n    return f(x)", "0", ExecStatus.RECURSION),
        ("def f(x):\n    return [x] * 10**10", "0", ExecStatus.MEMORY),
        ("def f(x):\n    return (i for i in x)", "[1]", ExecStatus.OUTPUT_NOT_DATA),
        ("def f(x):\n    return f", "0", ExecStatus.OUTPUT_NOT_DATA),
        ("def f(x):\n    x.append(x)\n    return x", "[]", ExecStatus.OUTPUT_NOT_DATA),
        ("class A:\n    pass\ndef f(x):\n    return A()", "0", ExecStatus.OUTPUT_NOT_DATA),
        ("def f(x):\n    return 'a' * 20000", "0", ExecStatus.OUTPUT_TOO_LARGE),
    ],
)
def test_each_status_has_a_minimal_case(executor: Executor, program: str, text: str, status: ExecStatus) -> None:
    result = executor.run(program, text)
    assert result.status is status, result
    assert result.output is None
    assert result.error


def test_a_timeout_kills_the_task_and_the_next_task_answers(fast: Executor) -> None:
    start = time.monotonic()
    results = fast.run_many([("def f(x):\n    while True:\n        pass", "1"), (SORT, "[1, 2]")])
    assert [r.status for r in results] == [ExecStatus.TIMEOUT, ExecStatus.OK]
    assert results[1].output == "[2, 1]"
    assert time.monotonic() - start < 3


def test_a_long_c_call_times_out(fast: Executor) -> None:
    assert fast.run("def f(x):\n    return sum(range(x))", "1000000000000").status is ExecStatus.TIMEOUT


def test_a_worker_killed_mid_task_is_reported_as_crashed_and_replaced(fast: Executor) -> None:
    worker = fast._pool.workers[0]
    threading.Timer(0.15, os.kill, (worker.pid, signal.SIGKILL)).start()
    results = fast.run_many([("def f(x):\n    while True:\n        pass", "1"), (SORT, "[3, 4]")])
    assert results[0].status is ExecStatus.CRASHED
    assert results[1].output == "[4, 3]"


def test_a_worker_that_died_while_idle_costs_no_task(fast: Executor) -> None:
    os.kill(fast._pool.workers[0].pid, signal.SIGKILL)
    time.sleep(0.05)
    assert fast.run(SORT, "[5, 6]").output == "[6, 5]"


def test_an_interrupted_batch_leaves_no_stale_answers(fast: Executor) -> None:
    # interrupt_main does nothing unless Python handles SIGINT (a library loaded by an earlier test may have changed
    # that), and an interrupt that lands in a finalizer run by the gc is swallowed: so both are pinned here
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    gc.disable()
    endless = ("def f(x):\n    while True:\n        pass", "1")
    timer = threading.Timer(0.2, _thread.interrupt_main)  # the batch below takes 10 s: Ctrl-C lands inside it
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fast.run_many([endless] * 20)
    finally:
        timer.cancel()
        gc.enable()
        signal.signal(signal.SIGINT, previous)
    assert [r.output for r in fast.run_many([(IDENTITY, str(i)) for i in range(10)])] == [str(i) for i in range(10)]


def test_validate_accepts_a_deterministic_task(executor: Executor) -> None:
    result = executor.validate("def f(x):\n    return {s: len(s) for s in x}", "['ab', 'c']")
    assert result.valid
    assert result.output == "{'ab': 2, 'c': 1}"


def test_validate_catches_set_of_str_order_that_one_zygote_misses(executor: Executor) -> None:
    program = "def f(x):\n    return list(set(x))"
    words = "['apple', 'kiwi', 'banana', 'cherry', 'date', 'fig', 'grape', 'lemon']"
    assert executor.run(program, words).output == executor.run(program, words).output  # one seed: stable
    assert executor.validate(program, words).outcome is ExecStatus.NONDETERMINISTIC


def test_validate_reports_the_first_failure(executor: Executor) -> None:
    assert executor.validate("def f(x):\n    return x[5]", "[]").outcome is ExecStatus.ERROR
    assert executor.validate("import sys\ndef f(x):\n    return x", "1").outcome is ExecStatus.FORBIDDEN_IMPORT


def test_validate_many_keeps_order(executor: Executor) -> None:
    jobs = [(f"def f(x):\n    return x + {i}", "1") for i in range(20)]
    assert [r.output for r in executor.validate_many(jobs)] == [str(1 + i) for i in range(20)]


def test_security_layers_report_the_always_on_layers(executor: Executor) -> None:
    layers = executor.security_layers()
    for name in ("process_isolation", "wall_clock_deadline", "restricted_python", "rlimits", "closed_fds"):
        assert layers[name] is True


def test_the_env_process_never_forks(fast: Executor, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the env process forked")

    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(os, "forkpty", refuse)
    jobs = [
        (SORT, "[1, 2]"),
        ("def f(x):\n    return f(x)", "1"),
        ("def f(x):\n    return [0] * 10**10", "1"),
        ("def f(x):\n    while True:\n        pass", "1"),
    ]
    expected = [ExecStatus.OK, ExecStatus.RECURSION, ExecStatus.MEMORY, ExecStatus.TIMEOUT] * 2
    assert [r.status for r in fast.run_many(jobs * 2)] == expected


def test_threads_may_share_an_executor(executor: Executor) -> None:
    def work(k: int) -> list[str | None]:
        return [r.output for r in executor.run_many([(IDENTITY, str(k * 100 + i)) for i in range(30)])]

    with ThreadPoolExecutor(4) as threads:
        outputs = list(threads.map(work, range(4)))
    assert outputs == [[str(k * 100 + i) for i in range(30)] for k in range(4)]


def test_a_missing_layer_is_logged_once(executor: Executor, caplog: pytest.LogCaptureFixture) -> None:
    worker = executor._pool.workers[0]
    saved = dict(worker.layers)
    worker.layers["seccomp"] = False
    try:
        with caplog.at_level(logging.WARNING, logger="azr_env.executor"):
            first = executor._collect_layers()
            executor._collect_layers()
    finally:
        worker.layers.update(saved)
    assert first["seccomp"] is False
    assert len([r for r in caplog.records if "seccomp" in r.getMessage()]) == 1


def test_a_forked_child_gets_its_own_pool_and_leaves_the_parents_alone(executor: Executor) -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()  # the test process forks (as a vector env might); the executor must cope in the child
    if pid == 0:
        try:
            output = executor.run(SORT, "[1, 2]").output or ""
            executor.close()
            os.write(write_end, output.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    assert os.read(read_end, 100) == b"[2, 1]"
    os.close(read_end)
    assert executor.run(SORT, "[3, 4]").output == "[4, 3]"


def test_close_is_idempotent_and_leaves_no_process() -> None:
    before = _children(os.getpid())
    ex = Executor(workers=1, timeout_s=1.0)
    assert _children(os.getpid()) > before
    assert ex.run(SORT, "[1, 2]").ok
    ex.close()
    ex.close()
    assert _children(os.getpid()) == before


def test_use_after_close_raises() -> None:
    ex = Executor(workers=1)
    ex.close()
    with pytest.raises(ExecutorError):
        ex.run(SORT, "[1]")


@pytest.mark.parametrize(
    "kwargs", [{"workers": 0}, {"timeout_s": 0}, {"memory_mb": 16}, {"allowed_modules": ["os"]}, {"recycle_after": 0}]
)
def test_bad_configuration_raises_config_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Executor(**kwargs)  # type: ignore[arg-type]


def test_importing_the_executor_starts_no_process() -> None:
    code = (
        "import os, azr_env.executor\n"
        "kids = [p for p in os.listdir('/proc') if p.isdigit() and "
        "open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()[1] == str(os.getpid())]\n"
        "print(len(kids))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "0"


def test_sandbox_processes_die_when_the_env_process_is_killed() -> None:
    code = (
        "import os, azr_env.executor as e\n"
        "ex = e.Executor(workers=1)\n"
        "pids = [z.process.pid for z in ex._pool.zygotes] + [w.pid for w in ex._pool.workers]\n"
        "print(*pids, flush=True)\n"
        "os.kill(os.getpid(), 9)"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    pids = [int(p) for p in proc.stdout.split()]
    assert len(pids) == 6  # three hash-seed zygotes with one worker each
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pids):
        time.sleep(0.05)
    assert not _alive(pids)


def _alive(pids: list[int]) -> list[int]:
    """The pids that still run (zombies waiting for init to reap them count as gone)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            continue
    return alive


def test_output_just_over_the_cap_is_too_large_not_a_crash(executor: Executor) -> None:
    """Separators count against the output cap: a list whose items fit but whose text does not is refused cleanly."""
    result = executor.run("def f(n):\n    return ['a'] * n\n", "2049")
    assert result.status is ExecStatus.OUTPUT_TOO_LARGE


def test_deepcopy_shares_the_pool(executor: Executor) -> None:
    """Copying an executor (as gymnasium.make's spec handling does) returns the same live handle."""
    import copy

    assert copy.deepcopy(executor) is executor
    assert copy.copy(executor) is executor


def test_a_narrower_module_allow_list_starts_and_applies() -> None:
    with Executor(workers=1, determinism_runs=2, allowed_modules=["math"]) as narrow:
        results = narrow.run_many(
            [("import math\ndef f():\n    return math.floor(2.5)", ""), ("import re\ndef f():\n    return 1", "")]
        )
    assert [r.status for r in results] == [ExecStatus.OK, ExecStatus.FORBIDDEN_IMPORT]
