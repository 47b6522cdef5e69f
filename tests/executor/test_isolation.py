"""Isolation between tasks after a policy escape: the census, the namespace audit and the tripwire catch what an
escaped program does, and the task cache holds nothing of an earlier task.

No program gets past the policy today (``test_hostile`` checks that), so an escape is simulated: in a fresh
interpreter set up as a zygote (warm-up, audit hook, frozen heap), the sandbox builtins get an ``escape()`` that
hands out the real ``setattr``, modules and dangerous builtins, *before* the worker's baseline is taken, as an
unknown library bug would. Each scenario is then run through ``worker.Session`` exactly as a worker runs tasks.
The subprocess keeps the audit hook out of the test process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from azr_env.executor.isolation import SWEEP_EVERY

SCENARIOS = textwrap.dedent(
    """
    import builtins, gc, json, os, sys, types
    sys.modules.setdefault("__sandbox__", types.ModuleType("__sandbox__"))
    from azr_env.executor import compiler, isolation, policy, tripwire, worker, zygote

    def escape():
        return {"setattr": setattr, "getattr": getattr, "sys": sys, "gc": gc, "exec": builtins.exec,
                "open": builtins.open, "getframe": sys._getframe, "worker": worker, "compiler": compiler,
                "mods": sys.modules}

    policy.SAFE_BUILTINS["escape"] = escape
    zygote._warm_up()
    tripwire.install()
    gc.collect()
    gc.freeze()
    BENIGN = "def f(x):\\n    return sorted(x)"

    def run(program):  # in a forked copy, as a worker is: what one scenario changes, the next never sees
        read, write = os.pipe()
        if os.fork() == 0:
            session = worker.Session(worker.Variant(0), recycle_after=10_000)  # after the fork, as a worker's
            task = session.answer(0, program, "")
            after, caught_after = [None] * 5, None
            for later in range(1, 2 + isolation.SWEEP_EVERY * (not task[4])):  # after a bye it would have exited
                after = session.answer(later, BENIGN + "  # %d" % later, "[3, 1, 2]")
                if after[1] == "retry":
                    caught_after = later
                    break
            result = {"status": task[1], "output": task[2], "error": task[3], "bye": task[4], "next": after[2],
                      "next_status": after[1], "next_bye": after[4], "caught_after": caught_after}
            os.write(write, json.dumps(result).encode())
            os._exit(0)
        os.close(write)
        data = b"".join(iter(lambda: os.read(read, 1 << 16), b""))
        os.close(read)
        os.wait()
        return json.loads(data)

    PROGRAMS = json.loads(sys.argv[1])
    report = {name: run(program) for name, program in PROGRAMS.items()}
    session = worker.Session(worker.Variant(0), recycle_after=10_000)
    session.answer(2, "def f():\\n    return 'first task'", "")
    session.answer(3, "def f():\\n    return 2", "")
    report["cache"] = [list(compiler._programs.items), list(compiler._inputs.items)]
    print(json.dumps(report))
    """
)

ESCAPED = "def f():\n    e = escape()\n    get, put = e['getattr'], e['setattr']\n"
"""The start of every scenario: the escape's real ``getattr`` and ``setattr`` (attribute reads on real modules and
library objects are refused by the capability layer, so an escaped program needs them for everything)."""

PROGRAMS = {
    # Rebound to objects that existed before the run (a new one would also be a census survivor).
    "rebind_encode": ESCAPED + "    put(e['worker'], 'encode', get)\n    return 1",
    "rebind_builtin_sorted": ESCAPED + "    put(e['mods']['builtins'], 'sorted', get)\n    return 1",
    "replace_library_method": ESCAPED
    + "    put(get(e['mods']['collections'], 'Counter'), 'most_common', get)\n    return 1",
    "plant_object_in_library_list": (
        ESCAPED + "    get(get(e['mods']['json'], '__all__'), 'append')(lambda: None)\n    return 1"
    ),
    "heap_walk": ESCAPED + "    return len(get(e['gc'], 'get_objects')())",
    "frame_walk": ESCAPED + "    return str(e['getframe']())",
    "exec_real_code": ESCAPED + "    e['exec']('x = 1')\n    return 1",
    "open_a_file": ESCAPED + "    e['open']('/etc/hostname')\n    return 1",
    "caught_refusal_still_counts": (
        ESCAPED + "    try:\n        e['getframe']()\n    except Exception:\n        pass\n    return 1"
    ),
    "read_compile_cache": ESCAPED + "    return sorted(get(get(e['compiler'], '_programs'), 'items'))",
}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", SCENARIOS, json.dumps(PROGRAMS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("name", ["rebind_encode", "rebind_builtin_sorted"])
def test_the_next_task_after_a_change_to_the_verdict_path_goes_to_a_fresh_worker(
    report: dict[str, Any], name: str
) -> None:
    assert (report[name]["next_bye"], report[name]["caught_after"]) == ("an earlier task changed the sandbox", 1)


def test_a_change_to_a_library_class_is_caught_by_the_next_sweep(report: dict[str, Any]) -> None:
    assert 1 <= report["replace_library_method"]["caught_after"] <= SWEEP_EVERY


@pytest.mark.parametrize("name", ["rebind_encode", "rebind_builtin_sorted", "replace_library_method"])
def test_a_change_to_existing_objects_leaves_nothing_behind(report: dict[str, Any], name: str) -> None:
    assert report[name]["bye"] == ""  # so only the audit before the next task can catch it


def test_an_object_left_in_library_state_retires_the_worker(report: dict[str, Any]) -> None:
    assert "objects outlived the run" in report["plant_object_in_library_list"]["bye"]


@pytest.mark.parametrize(
    ("name", "event"),
    [
        ("heap_walk", "gc.get_objects"),
        ("frame_walk", "sys._getframe"),
        ("exec_real_code", "compile"),
        ("open_a_file", "open"),
        ("caught_refusal_still_counts", "sys._getframe"),
    ],
)
def test_the_tripwire_refuses_what_an_escape_needs(report: dict[str, Any], name: str, event: str) -> None:
    assert (report[name]["status"], report[name]["bye"]) == ("error", f"it tried {event}")


def test_the_compile_cache_holds_only_the_current_task(report: dict[str, Any]) -> None:
    programs, inputs = report["cache"]
    assert (programs, inputs) == (["def f():\n    return 2"], [""])


def test_a_program_sees_only_its_own_text_in_the_cache(report: dict[str, Any]) -> None:
    assert report["read_compile_cache"]["output"] == repr([PROGRAMS["read_compile_cache"]])


def test_a_clean_run_keeps_its_worker(report: dict[str, Any]) -> None:
    assert (report["read_compile_cache"]["bye"], report["read_compile_cache"]["next"]) == ("", "[1, 2, 3]")
