"""``--download``: the official files fetched on request into a cache, never otherwise."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from unikommune.cli import main
from unikommune.harvest.build import HarvestError
from unikommune.harvest.download import ADDRESSES, cache_folder, download

DATA = Path(__file__).parent / "data" / "harvest"


class Opener:
    """Answers every address with the bytes of a file, counting the calls."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.addresses: list[str] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.addresses.append(request.full_url)
        return io.BytesIO(self.body)


def test_files_are_fetched_once_into_the_cache(tmp_path: Path) -> None:
    opener = Opener((DATA / "rcn" / "bevilgningereu.csv").read_bytes())
    files = download("rcn-eu", cache=tmp_path, opener=opener)
    assert [path.name for path in files] == ["bevilgningereu.csv"]
    assert opener.addresses == [ADDRESSES["rcn-eu"][0][0]]
    assert files[0].read_bytes() == opener.body
    download("rcn-eu", cache=tmp_path, opener=opener)
    assert len(opener.addresses) == 1  # cached
    download("rcn-eu", cache=tmp_path, opener=opener, refresh=True)
    assert len(opener.addresses) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bevilgningereu.csv"]


def test_a_failed_fetch_leaves_nothing_behind(tmp_path: Path) -> None:
    def failing(request: urllib.request.Request, timeout: float) -> Any:
        raise OSError("no route to host")

    with pytest.raises(HarvestError, match="cannot fetch"):
        download("brreg", cache=tmp_path, opener=failing)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(HarvestError, match="no file to download"):
        download("cristin", cache=tmp_path)


def test_cache_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "unikommune" / "harvest"


def test_cli_downloads_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opener = Opener((DATA / "rcn" / "soknader2.csv").read_bytes())
    monkeypatch.setattr(urllib.request, "urlopen", opener)
    out = tmp_path / "out"
    assert main(["harvest", "rcn-projects", "-o", str(out)]) == 2  # no files, no --download
    assert opener.addresses == []
    cache = tmp_path / "cache"
    args = ["harvest", "rcn-projects", "--download", "--cache", str(cache), "-o", str(out)]
    assert main(args) == 0
    assert opener.addresses == [ADDRESSES["rcn-projects"][0][0]]
    assert main(["validate", str(out)]) == 0
