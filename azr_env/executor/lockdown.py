"""Kernel-level confinement of one sandbox worker, applied once right after it is forked from its zygote.

Layers, in the order applied (each detected and reported by name; a layer the kernel refuses is reported False):

- ``unprivileged_uid``: a worker started as root drops to uid/gid 65534 (``nobody``) with no groups;
- ``user_namespace``, ``net_namespace``, ``ipc_namespace``, ``uts_namespace``, ``mount_namespace``: ``unshare``
  (via ctypes; Python 3.11 has no ``os.unshare``). The new network namespace has only a down loopback: no network;
- ``closed_fds``: every inherited descriptor closed but the worker's socket, stdin/stdout/stderr on ``/dev/null``,
  cwd ``/``, empty environment;
- ``rlimits``: address space ``memory_mb``, file size 0, few descriptors, no core dumps, no child processes, and a
  CPU-seconds backstop (the real timeout is the env's wall-clock deadline);
- ``parent_death_signal``: SIGKILL when the zygote dies;
- ``no_new_privs`` and ``seccomp``: a BPF allow-list of the seven system calls a computing worker needs
  (:data:`ALLOWED_SYSCALLS`: read and write on its socket, memory, one clock, exit). ``open``, ``stat``,
  ``socket``, ``connect``, ``execve``, ``fork``/``clone``, ``kill``, ``ptrace``, ``mount``, ``getrandom`` and
  every other call fail with EPERM; a foreign architecture or x32 call kills the process. The filter is built
  here with ctypes and ``prctl``: no libseccomp needed.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import struct
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWNET = (
    0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x40000000,
)  # fmt: skip
NOBODY = 65534
SOCKET_FD = 3

ALLOWED_SYSCALLS = {
    "read": "the task frames from the env (os.read on the socket)",
    "write": "the answers to the env (os.write on the socket)",
    "brk": "growing the heap (malloc)",
    "mmap": "arenas and large blocks (pymalloc, malloc)",
    "munmap": "giving memory back: without it, allocating and freeing 8 x 320 MB hits the 1 GB limit",
    "clock_gettime": "the CPU clock of the retire-after-CPU-time check (CLOCK_PROCESS_CPUTIME_ID is no vDSO clock)",
    "exit_group": "os._exit",
}
"""The system calls a locked-down worker may make, each with the reason it needs it. Every other call fails with
EPERM. Measured: with any one of the first six removed, or with ``exit_group`` and its fallback ``exit`` both
removed, a worker fails or runs out of memory; with only these seven, it gives the same results as with the former
53-call list on the 1,062 human-written runs and a set of memory, recursion and codec stress programs."""

# (audit arch, the numbers of the allow-listed calls); checked against each kernel's unistd headers.
_ARCHES: dict[str, tuple[int, dict[str, int]]] = {
    "x86_64": (0xC000003E, dict(read=0, write=1, mmap=9, munmap=11, brk=12, clock_gettime=228, exit_group=231)),
    "aarch64": (0xC00000B7, dict(read=63, write=64, exit_group=94, clock_gettime=113, brk=214, munmap=215, mmap=222)),
}

_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO_EPERM = 0x00050000 | 1
_RET_ALLOW = 0x7FFF0000
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_X32_SYSCALL_BIT = 0x40000000


def build_seccomp_filter(machine: str | None = None) -> bytes | None:
    """The BPF program (``struct sock_filter[]``) of the allow-list, or ``None`` on an unknown architecture."""
    arch = _ARCHES.get(machine or platform.machine())
    if arch is None:
        return None
    audit_arch, numbers = arch
    allowed = sorted(set(numbers.values()))
    ops = [
        (_LD_W_ABS, 0, 0, 4),  # A = seccomp_data.arch
        (_JEQ_K, 1, 0, audit_arch),
        (_RET_K, 0, 0, _RET_KILL_PROCESS),
        (_LD_W_ABS, 0, 0, 0),  # A = seccomp_data.nr
        (_JGE_K, 0, 1, _X32_SYSCALL_BIT),
        (_RET_K, 0, 0, _RET_KILL_PROCESS),
    ]
    for i, number in enumerate(allowed):  # each match jumps over the remaining tests to the ALLOW at the end
        ops.append((_JEQ_K, len(allowed) - i, 0, number))
    ops += [(_RET_K, 0, 0, _RET_ERRNO_EPERM), (_RET_K, 0, 0, _RET_ALLOW)]
    return b"".join(struct.pack("=HBBI", *op) for op in ops)


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _drop_root() -> bool:
    if os.geteuid() != 0:
        return True
    try:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
    except OSError:
        return False
    return True


def _unshare(libc: Any) -> dict[str, bool]:
    names = {
        "user_namespace": CLONE_NEWUSER, "net_namespace": CLONE_NEWNET, "ipc_namespace": CLONE_NEWIPC,
        "uts_namespace": CLONE_NEWUTS, "mount_namespace": CLONE_NEWNS,
    }  # fmt: skip
    if libc.unshare(sum(names.values())) == 0:
        return dict.fromkeys(names, True)
    layers = {}
    for name, flag in names.items():  # one at a time: a kernel may allow some (e.g. no user namespaces as root)
        layers[name] = libc.unshare(flag) == 0
    return layers


def _close_fds(sock_fd: int) -> int:
    if sock_fd != SOCKET_FD:
        os.dup2(sock_fd, SOCKET_FD)
        os.close(sock_fd)
    os.set_inheritable(SOCKET_FD, False)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(SOCKET_FD + 1, 1 << 20)
    os.chdir("/")
    os.environ.clear()
    return SOCKET_FD


def _rlimits(memory_mb: int, cpu_s: int) -> bool:
    limits = {
        resource.RLIMIT_AS: memory_mb << 20,
        resource.RLIMIT_FSIZE: 0,
        resource.RLIMIT_NOFILE: 8,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: 0,
        resource.RLIMIT_MEMLOCK: 0,
        resource.RLIMIT_MSGQUEUE: 0,
        resource.RLIMIT_CPU: cpu_s,
    }
    try:
        for which, value in limits.items():
            resource.setrlimit(which, (value, value))
    except (OSError, ValueError):
        return False
    return True


def _prctl(libc: Any, option: int, *args: Any) -> bool:
    return libc.prctl(option, *args) == 0


def _seccomp(libc: Any, bpf: bytes | None) -> bool:
    if bpf is None:
        return False
    program = ctypes.create_string_buffer(bpf, len(bpf))
    fprog = _SockFprog(len(bpf) // 8, ctypes.addressof(program))
    return _prctl(libc, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0)


def lock_down(sock_fd: int, zygote_pid: int, memory_mb: int, cpu_s: int, bpf: bytes | None) -> dict[str, bool]:
    """Confine the calling (freshly forked, single-threaded) worker; return which layers are active.

    The socket to the env ends up on descriptor ``SOCKET_FD``. Irreversible: call it once, in the worker only.
    """
    libc = _libc()
    layers = {"closed_fds": _close_fds(sock_fd) == SOCKET_FD, "unprivileged_uid": _drop_root()}
    layers.update(_unshare(libc))
    layers["rlimits"] = _rlimits(memory_mb, cpu_s)
    # Credential changes (setuid, a new user namespace) clear the parent-death signal, so it is set after them.
    layers["parent_death_signal"] = _prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != zygote_pid:
        os._exit(0)
    layers["no_new_privs"] = _prctl(libc, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    layers["seccomp"] = layers["no_new_privs"] and _seccomp(libc, bpf)
    return layers
