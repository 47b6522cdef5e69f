"""Optional dependencies: missing ones and unsupported versions give errors that say what to install."""

from __future__ import annotations

import pytest

from azr_env.errors import IncompatibleDependencyError, MissingDependencyError
from azr_env.optional import Requirement, release, require


def test_release_reads_the_numeric_part() -> None:
    assert (release("1.16.0rc1"), release("2.60.0+cpu"), release("dev")) == ((1, 16, 0), (2, 60, 0), ())


@pytest.mark.parametrize(("version", "ok"), [("1.16.0", True), ("1.16.9", True), ("1.15.2", False), ("1.17.0", False)])
def test_range_is_inclusive_below_exclusive_above(version: str, ok: bool) -> None:
    assert Requirement("trl", "trl", "x", at_least="1.16", below="1.17").accepts(version) is ok


def test_missing_package_names_the_extra() -> None:
    with pytest.raises(MissingDependencyError, match=r"pip install 'azr-env\[verl\]'"):
        require(Requirement("surely_not_installed_pkg", "verl", "the verl integration"))


def test_unsupported_version_names_the_range() -> None:
    with pytest.raises(IncompatibleDependencyError, match=r"numpy>=99.*azr-env\[agents\]"):
        require(Requirement("numpy", "agents", "a test", at_least="99"))
