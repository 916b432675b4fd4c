"""Shared test set-up: a Hypothesis profile, no network, and paths to the repository's data."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import socket
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
#: The valid document every file of examples/invalid/ is made from (behind a byte order mark).
VALID_BASE = EXAMPLES / "invalid" / "byte_order_mark.json"


def valid_document() -> dict[str, Any]:
    """Return a new copy of the valid document every file of examples/invalid/ is made from."""
    document: dict[str, Any] = json.loads(VALID_BASE.read_bytes().decode("utf-8-sig"))
    return document


def codes_and_pointers(document: Any) -> list[tuple[str, str]]:
    """Return ``(code, pointer)`` of every finding the validator reports on ``document``."""
    from unikommune import validate

    return [(finding.code, finding.pointer) for finding in validate(document)]


@functools.cache
def benchmark_generator() -> ModuleType:
    """Return ``benchmarks/generate.py`` as a module (``benchmarks/`` is a folder of scripts)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.register_profile(
    "debug", parent=settings.get_profile("default"), phases=[Phase.explicit, Phase.generate]
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
settings.load_profile(PROFILE)
#: Settings of the slow property tests (marked ``slow``): a sixth of the profile's
#: examples, so that the whole suite stays within four minutes; the ``thorough``
#: profile (``HYPOTHESIS_PROFILE=thorough``) gives them 166 each.
SLOW = settings(
    settings.get_profile(PROFILE),
    max_examples=max(1, settings.get_profile(PROFILE).max_examples // 6),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


#: Settings of the slow property tests that draw whole dataset documents (dataset.json,
#: dataset-part.json): a third of :data:`SLOW`'s examples, each holding records of
#: every collection, whose schemas' own tests draw many more of each.
WHOLE = settings(SLOW, max_examples=max(1, SLOW.max_examples // 3))

#: The schema files of documents that hold every collection.
WHOLE_DOCUMENTS = ("dataset-part.json", "dataset.json")


class NetworkBlockedError(RuntimeError):
    """A test tried to open a network connection."""


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise NetworkBlockedError(f"tests must not use the network (tried {args[1:2] or args})")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens an internet connection; local sockets stay allowed."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in {"127.0.0.1", "::1", "localhost"}:
                _refuse(self, address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo(socket.getaddrinfo))
    return


def _guarded_getaddrinfo(real: Any) -> Any:
    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in {None, "127.0.0.1", "::1", "localhost"}:
            _refuse(None, host)
        return real(host, *args, **kwargs)

    return guarded


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the checks of files in parts first, before a test imports networkit.

    networkit starts OpenMP threads when it is imported, and a process with other
    threads does not fork workers, so those checks would find no worker to test.
    """
    forking = {"test_validate_parts.py", "test_rules.py"}
    items.sort(key=lambda item: item.path.name not in forking)
