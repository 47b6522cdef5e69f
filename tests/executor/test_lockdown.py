"""The kernel layers: each one really refuses what it should, and the executor reports what this machine has."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from azr_env.executor import Executor, lockdown
from azr_env.executor.lockdown import build_seccomp_filter

# Runs in a child interpreter: locks itself down, then reports what still works on descriptor 3 (its stdout pipe).
PROBE = textwrap.dedent(
    """
    import importlib.util, json, os, socket, sys
    spec = importlib.util.spec_from_file_location("lockdown", sys.argv[1])  # alone: azr_env's imports start threads
    lockdown = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lockdown)
    out = os.dup(1)
    bpf = lockdown.build_seccomp_filter() if sys.argv[2] == "seccomp" else None  # getuid itself is refused
    layers = lockdown.lock_down(out, os.getppid(), 256, 60, bpf)

    def attempt(fn):
        try:
            fn()
        except OSError as exc:
            return type(exc).__name__
        return "allowed"

    report = {"layers": layers, "uid": os.getuid(), "env": dict(os.environ)} if bpf is None else {
        "layers": layers,
        "open": attempt(lambda: open("/etc/hostname").read()),
        "socket": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        "fork": attempt(lambda: os._exit(0) if os.fork() == 0 else None),
        "kill": attempt(lambda: os.kill(os.getppid(), 0)),
        "exec": attempt(lambda: os.execv("/bin/true", ["/bin/true"])),
        "stat": attempt(lambda: os.stat("/etc/hostname")),
        "urandom": attempt(lambda: os.urandom(8)),
        "env": dict(os.environ),
    }
    try:
        bytearray(512 << 20)
        report["big_alloc"] = "allowed"
    except MemoryError:
        report["big_alloc"] = "MemoryError"
    os.write(3, json.dumps(report).encode())
    """
)


def _run_probe(filter_mode: str) -> dict[str, Any]:
    if platform.system() != "Linux":
        pytest.skip("the lockdown layers are Linux-only")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, lockdown.__file__, filter_mode], capture_output=True, timeout=60, check=False
    )
    assert proc.stdout, proc.stderr.decode()
    return dict(json.loads(proc.stdout))


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    """What still works in a child locked down with every layer."""
    return _run_probe("seccomp")


@pytest.fixture(scope="module")
def probe_without_filter() -> dict[str, Any]:
    """The same without the seccomp filter, to read what the filter would refuse to tell (the uid)."""
    return _run_probe("none")


def _needs(probe: dict[str, Any], layer: str) -> None:
    if not probe["layers"].get(layer):
        pytest.skip(f"this kernel refuses the {layer} layer")


def test_the_filter_is_whole_bpf_instructions_per_known_architecture() -> None:
    for machine in ("x86_64", "aarch64"):
        program = build_seccomp_filter(machine)
        assert program is not None
        assert len(program) % 8 == 0
    assert build_seccomp_filter("sparc") is None


@pytest.mark.parametrize("action", ["open", "socket", "fork", "kill", "exec", "stat", "urandom"])
def test_seccomp_refuses_files_network_processes_and_signals(probe: dict[str, Any], action: str) -> None:
    _needs(probe, "seccomp")
    assert probe[action] == "PermissionError"


def test_the_allow_list_is_the_seven_calls_a_worker_needs() -> None:
    assert set(lockdown.ALLOWED_SYSCALLS) == {"read", "write", "brk", "mmap", "munmap", "clock_gettime", "exit_group"}
    for _, numbers in lockdown._ARCHES.values():
        assert set(numbers) == set(lockdown.ALLOWED_SYSCALLS)


def test_the_address_space_limit_turns_a_big_allocation_into_memory_error(probe: dict[str, Any]) -> None:
    assert probe["layers"]["rlimits"]
    assert probe["big_alloc"] == "MemoryError"


def test_the_environment_is_emptied(probe: dict[str, Any]) -> None:
    assert probe["layers"]["closed_fds"]
    assert probe["env"] == {}


def test_a_worker_started_as_root_runs_as_nobody(probe_without_filter: dict[str, Any]) -> None:
    if os.geteuid() != 0:
        pytest.skip("only a worker started as root changes uid")
    assert probe_without_filter["uid"] == 65534


def test_security_layers_match_what_the_kernel_granted(executor: Executor, probe: dict[str, Any]) -> None:
    layers = executor.security_layers()
    for name, granted in probe["layers"].items():
        assert layers[name] == granted, name


@pytest.mark.parametrize("layer", ["seccomp", "no_new_privs", "user_namespace", "net_namespace", "ipc_namespace"])
def test_kernel_layers_are_active_where_available(executor: Executor, probe: dict[str, Any], layer: str) -> None:
    _needs(probe, layer)
    assert executor.security_layers()[layer] is True
