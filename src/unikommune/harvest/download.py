"""Fetch a source's published files from their official addresses, on explicit request, cached.

No importer touches the network: :func:`download` is called only when the user asks
(``unikommune harvest SOURCE --download``).  Each file is kept in a cache folder
(``$XDG_CACHE_HOME/unikommune/harvest``, else ``~/.cache/unikommune/harvest``) and
fetched again only with ``refresh``; a file being fetched is written under a
temporary name and renamed into place when complete, so the cache never holds part
of a file.  A cached file's date is the day it was fetched, which a harvest takes
as its retrieval date.

Cristin has no file to download: its API answers a query for a partnership's
projects, which the user saves (see ``docs/harvest/cristin.md``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from unikommune.harvest.build import HarvestError

__all__ = ["ADDRESSES", "cache_folder", "download"]

#: The official address of each file a source publishes, with the name it is kept under.
ADDRESSES: MappingProxyType[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        "rcn-eu": (
            (
                "https://raw.githubusercontent.com/Forskningsradet/open-data/HEAD/datasets/"
                "bevilgningereu/dataset.csv",
                "bevilgningereu.csv",
            ),
        ),
        "rcn-projects": (
            (
                "https://raw.githubusercontent.com/Forskningsradet/open-data/HEAD/datasets/"
                "soknader2/dataset.csv",
                "soknader2.csv",
            ),
        ),
        "cordis": (
            ("https://cordis.europa.eu/data/cordis-h2020projects-csv.zip", "cordis-h2020.zip"),
            ("https://cordis.europa.eu/data/cordis-HORIZONprojects-csv.zip", "cordis-horizon.zip"),
        ),
        "brreg": (
            ("https://data.brreg.no/enhetsregisteret/api/enheter/lastned", "enheter.json.gz"),
            (
                "https://data.brreg.no/enhetsregisteret/api/underenheter/lastned",
                "underenheter.json.gz",
            ),
        ),
    }
)
_CHUNK = 1 << 20
_TIMEOUT = 60.0

Opener = Callable[..., IO[bytes]]


def cache_folder() -> Path:
    """Return the folder downloaded files are kept in."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "unikommune" / "harvest"


def download(
    source: str,
    *,
    cache: str | Path | None = None,
    refresh: bool = False,
    opener: Opener | None = None,
) -> list[Path]:
    """Return the files of ``source``, fetched into the cache unless they are there already.

    Args:
        source: A source of :data:`ADDRESSES` (``cristin`` has no file to download).
        cache: The cache folder; :func:`cache_folder` by default.
        refresh: Fetch the files again even when they are cached.
        opener: What opens an address (``urllib.request.urlopen`` by default).

    Raises:
        HarvestError: The source has no file to download, or a file cannot be fetched.
    """
    addresses = ADDRESSES.get(source)
    if addresses is None:
        raise HarvestError(
            f"{source} has no file to download; save its API answers to files "
            "(docs/harvest/cristin.md) and give them to harvest"
        )
    folder = Path(cache) if cache is not None else cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for address, name in addresses:
        target = folder / name
        if refresh or not target.is_file():
            _fetch(address, target, opener or urllib.request.urlopen)
        files.append(target)
    return files


def _fetch(address: str, target: Path, opener: Opener) -> None:
    """Write the body of ``address`` to ``target``, whole or not at all."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            request = urllib.request.Request(address, headers={"User-Agent": "unikommune"})
            response: Any = opener(request, timeout=_TIMEOUT)
            with response:
                shutil.copyfileobj(response, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise HarvestError(f"cannot fetch {address}: {error}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
