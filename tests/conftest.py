"""Fixtures shared by every test: fast key derivation, an in-memory keyring, and
sgdesk's directories redirected into the test's temporary folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from sgdesk.storage import kdf

#: Every test runs with Internet sockets refused (tests/faults/network_guard.py).
pytest_plugins = ["tests.faults.network_guard"]

FAST_KDF = kdf.Argon2Params(time_cost=1, memory_cost=8 * 1024, parallelism=1)
CANARY_NAME = "Zephyrine Quillborough"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict: tests never touch the machine's keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id tuned to 0.5 s per derivation would make the suite crawl; the
    parameters are stored per slot, so cheap ones exercise the same code."""
    monkeypatch.setattr(kdf, "calibrated_params", lambda: FAST_KDF)
    from sgdesk.storage import keyslots

    monkeypatch.setattr(keyslots, "calibrated_params", lambda: FAST_KDF)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def sgdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "sgdesk-home"
    monkeypatch.setenv("SGDESK_HOME", str(home))
    return home


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "stores" / "records.sgdesk"
