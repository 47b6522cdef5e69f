"""The one exception hierarchy of azr-env.

Exceptions are for programmer and configuration errors only. Mistakes made by a model (malformed text, hostile
code, wrong answers) are data: an ``Outcome`` or ``ExecStatus`` on a result object, never an exception.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class AzrError(Exception):
    """Base class of every exception raised by azr-env."""


class ConfigError(AzrError, ValueError):
    """A configuration value is invalid; the message says which field and why the rule exists."""


class UnknownNameError(AzrError, KeyError):
    """A name (task type, agent, suite, algorithm, model) is not registered; the message suggests close matches."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        known = sorted(known)
        self.kind, self.name, self.known = kind, name, known
        super().__init__(f"unknown {kind} {name!r}{did_you_mean(name, known)}; known: {', '.join(known) or 'none'}")

    def __str__(self) -> str:
        return str(self.args[0])


class DuplicateNameError(AzrError, ValueError):
    """Something is registered twice under one name."""


class MissingDependencyError(AzrError, ImportError):
    """An optional dependency is not installed; the message names the extra that provides it."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the optional package {package!r}: install it with pip install 'azr-env[{extra}]'"
        )


class IncompatibleDependencyError(AzrError, ImportError):
    """An optional dependency is installed in a version azr-env does not support; the message names the range."""

    def __init__(self, package: str, found: str, supported: str, extra: str) -> None:
        super().__init__(
            f"azr-env supports {package}{supported}, but {package} {found} is installed: "
            f"pip install 'azr-env[{extra}]' (which pins {package}{supported})"
        )


class ExecutorError(AzrError, RuntimeError):
    """The executor itself failed (cannot start its workers, or was used after close()); never model code."""


class BufferFormatError(AzrError, ValueError):
    """A buffer or seed file is malformed; the message names the file and line."""


class SuiteIntegrityError(AzrError, ValueError):
    """A frozen suite file does not match its manifest (modified, truncated or corrupted); reinstall azr-env."""


class CheckpointError(AzrError, RuntimeError):
    """A checkpoint or run directory is missing or inconsistent."""


class ModelUnavailableError(AzrError, RuntimeError):
    """A model cannot be loaded (missing file, offline, missing wheel); the message says what to do."""


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest known names, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
