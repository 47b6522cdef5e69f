"""Optional dependencies: import one on first use, refusing a missing or unsupported one with a clear error.

``import azr_env`` never imports an optional library; the integrations and backends call ``require`` when they are
used, so a missing extra costs nothing until then and its error names the extra to install.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from dataclasses import dataclass
from types import ModuleType

from azr_env.errors import IncompatibleDependencyError, MissingDependencyError


@dataclass(frozen=True, slots=True)
class Requirement:
    """An optional package and the versions azr-env is written against.

    Attributes:
        module: the import name (``"ray"``).
        extra: the azr-env extra that installs it (``pip install 'azr-env[EXTRA]'``).
        purpose: what needs it, for the error message.
        at_least: the oldest supported release, inclusive (``None``: any).
        below: the first unsupported release (``None``: no upper bound).
        package: the distribution name on PyPI when it differs from ``module``.
    """

    module: str
    extra: str
    purpose: str
    at_least: str | None = None
    below: str | None = None
    package: str | None = None

    @property
    def distribution(self) -> str:
        """The PyPI name of the package."""
        return self.package or self.module

    @property
    def supported(self) -> str:
        """The supported range as a pip specifier, e.g. ``>=1.16,<1.17``."""
        parts = [f">={self.at_least}" if self.at_least else "", f"<{self.below}" if self.below else ""]
        return ",".join(part for part in parts if part)

    def accepts(self, version: str) -> bool:
        """Whether ``version`` lies in the supported range (pre-releases compare by their release numbers)."""
        found = release(version)
        if self.at_least is not None and found < release(self.at_least):
            return False
        return self.below is None or found < release(self.below)


def release(version: str) -> tuple[int, ...]:
    """The numeric release part of a version string: ``"1.16.0rc1"`` -> ``(1, 16, 0)``."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def require(requirement: Requirement) -> ModuleType:
    """Import the package, or raise the error that says what to install.

    Raises:
        MissingDependencyError: the package is not installed.
        IncompatibleDependencyError: it is installed in a version outside the supported range.
    """
    try:
        module = importlib.import_module(requirement.module)
    except ImportError:
        raise MissingDependencyError(requirement.distribution, requirement.extra, requirement.purpose) from None
    version = installed_version(requirement)
    if not requirement.accepts(version):
        raise IncompatibleDependencyError(requirement.distribution, version, requirement.supported, requirement.extra)
    return module


def installed_version(requirement: Requirement) -> str:
    """The installed version of the package (its metadata, else the module's ``__version__``)."""
    try:
        return importlib.metadata.version(requirement.distribution)
    except importlib.metadata.PackageNotFoundError:
        module = importlib.import_module(requirement.module)
        return str(getattr(module, "__version__", "0"))
