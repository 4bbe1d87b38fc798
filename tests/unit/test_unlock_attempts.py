"""Wrong passwords through the service and the command line: the wait is enforced
before any key derivation, survives a restart, and never touches the store's files."""

from __future__ import annotations

import hashlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sgdesk import cli
from sgdesk.models.errors import InvalidInput, TooManyAttempts, WrongPassword
from sgdesk.models.unlock_backoff import wait_message
from sgdesk.services import users
from sgdesk.services.locations import AppLocations
from sgdesk.services.session import LockedStore
from sgdesk.services.store_creation import new_recovery_key
from sgdesk.storage import kdf, keyslots
from sgdesk.storage.store_files import StoreFiles
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, SCHOOL, close, make_store
from tests.step_clock import StepClock

WRONG = "not the password at all"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts Argon2id runs (the real function still runs)."""
    calls: list[int] = []
    real = kdf.derive_key

    def counted(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(keyslots, "derive_key", counted)
    return calls


def fingerprint(store: Path) -> dict[str, tuple[str, int] | None]:
    """The store, its WAL, SHM and key file: SHA-256 and modification time of each
    (None if absent), and the names of every file beside them. The instance lock is
    left out: claiming the store rewrites it by design, whatever the password."""
    files = StoreFiles(store)
    found: dict[str, tuple[str, int] | None] = {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        if p.exists() else None
        for p in (files.db, files.wal, files.shm, files.keyslots)
    }
    found["files beside the store: " + ", ".join(
        sorted(p.name for p in store.parent.iterdir() if p != files.lock))] = None
    return found


def closed_store(path: Path) -> str:
    """A closed store; returns its recovery key."""
    session, recovery_key = make_store(path)
    close(session)
    return recovery_key


def fail(attempt: Callable[[], object]) -> WrongPassword:
    with pytest.raises(WrongPassword) as failed:
        attempt()
    return failed.value


def refused(attempt: Callable[[], object]) -> int:
    with pytest.raises(TooManyAttempts) as refusal:
        attempt()
    return refusal.value.seconds


def test_wrong_passwords_wait_longer_each_time_and_a_try_in_the_wait_runs_no_kdf(
    store_path: Path, clock: StepClock, derivations: list[int]
) -> None:
    closed_store(store_path)
    store = LockedStore(store_path, clock=clock)
    before = fingerprint(store_path)
    try:
        waits = [fail(lambda: store.unlock(DSL_LOGIN, WRONG)).wait_seconds for _ in range(3)]
        assert waits == [0, 0, 1]
        for wait, next_wait in [(1, 2), (2, 4), (4, 8), (8, 16), (16, 30), (30, 30)]:
            ran = len(derivations)
            # The right password is refused too: it is not even looked at.
            assert refused(lambda: store.unlock(DSL_LOGIN, DSL_PASSWORD)) == wait
            assert refused(lambda: store.unlock(DSL_LOGIN, WRONG)) == wait
            assert refused(lambda: store.unlock("nobody", WRONG)) == wait
            clock.advance(wait - 0.5)
            assert refused(lambda: store.unlock(DSL_LOGIN, DSL_PASSWORD)) == 1
            assert len(derivations) == ran, "a refused try ran the key derivation"
            clock.advance(0.5)
            assert fail(lambda: store.unlock(DSL_LOGIN, WRONG)).wait_seconds == next_wait
            assert len(derivations) == ran + 1
        assert store.attempts.failures == 9  # the refused tries were not counted
        assert fingerprint(store_path) == before
        clock.advance(30)
        result = store.unlock(DSL_LOGIN, DSL_PASSWORD)
    finally:
        store.close()
    result.session.lock()
    assert store.attempts.failures == 0


def test_the_count_lives_outside_the_store_named_by_no_name(
    store_path: Path, clock: StepClock, sgdesk_home: Path
) -> None:
    closed_store(store_path)
    store = LockedStore(store_path, clock=clock)
    try:
        fail(lambda: store.unlock(DSL_LOGIN, WRONG))
        kept = store.attempts.path
        assert kept.parent == AppLocations.default().unlock_attempts_dir
        assert kept.is_relative_to(sgdesk_home) and not kept.is_relative_to(store_path.parent)
        store_id = store.key_file.store_id
        content = kept.read_text("utf-8")
        for private in (store_path.stem, store_id, SCHOOL, DSL_LOGIN, WRONG):
            assert private not in kept.name and private not in content
        clock.advance(1)
        close(store.unlock(DSL_LOGIN, DSL_PASSWORD).session)
    finally:
        store.close()
    assert not kept.exists(), "a success leaves no count behind"


def test_the_wait_survives_a_restart(store_path: Path, clock: StepClock) -> None:
    closed_store(store_path)
    first = LockedStore(store_path, clock=clock)
    try:
        for wait in (0, 0, 1, 2):
            fail(lambda: first.unlock(DSL_LOGIN, WRONG))
            clock.advance(wait)
        assert fail(lambda: first.unlock(DSL_LOGIN, WRONG)).wait_seconds == 4
    finally:
        first.close()
    clock.advance(1)
    again = LockedStore(store_path, clock=clock)
    try:
        assert refused(lambda: again.unlock(DSL_LOGIN, DSL_PASSWORD)) == 3
        clock.advance(3)
        close(again.unlock(DSL_LOGIN, DSL_PASSWORD).session)
    finally:
        again.close()


def test_a_copy_of_the_store_shares_the_count(
    store_path: Path, tmp_path: Path, clock: StepClock
) -> None:
    """A backup opens with the same passwords, so guessing at it is the same guessing."""
    closed_store(store_path)
    copy = tmp_path / "copy" / "records.sgdesk"
    copy.parent.mkdir()
    for original in store_path.parent.iterdir():
        (copy.parent / original.name).write_bytes(original.read_bytes())
    store = LockedStore(store_path, clock=clock)
    try:
        for _ in range(3):
            fail(lambda: store.unlock(DSL_LOGIN, WRONG))
    finally:
        store.close()
    other = LockedStore(copy, clock=clock)
    try:
        assert refused(lambda: other.unlock(DSL_LOGIN, DSL_PASSWORD)) == 1
    finally:
        other.close()


def test_the_recovery_key_path_has_the_same_rule_and_the_same_count(
    store_path: Path, clock: StepClock
) -> None:
    recovery_key = closed_store(store_path)
    other_key = new_recovery_key()[1]
    store = LockedStore(store_path, clock=clock)
    before = fingerprint(store_path)
    try:
        fail(lambda: store.unlock(DSL_LOGIN, WRONG))
        fail(lambda: store.reset_password_with_recovery(other_key, DSL_LOGIN, NEW_PASSWORD))
        with pytest.raises(InvalidInput):  # a mistyped key is no guess: not counted
            store.reset_password_with_recovery("ABCD-EFGH", DSL_LOGIN, NEW_PASSWORD)
        third = fail(lambda: store.reset_password_with_recovery(other_key, DSL_LOGIN,
                                                               NEW_PASSWORD))
        assert str(third) == "That recovery key does not open this store."
        assert third.wait_seconds == 1
        assert refused(
            lambda: store.reset_password_with_recovery(recovery_key, DSL_LOGIN, NEW_PASSWORD)
        ) == 1
        assert fingerprint(store_path) == before
        clock.advance(1)
        result = store.reset_password_with_recovery(recovery_key, DSL_LOGIN, NEW_PASSWORD)
        result.session.lock()
        assert store.attempts.failures == 0
    finally:
        store.close()


def test_quick_unlock_is_not_held_back_and_clears_the_count(
    store_path: Path, clock: StepClock
) -> None:
    """The keyring's secret is not typed, so there is nothing to guess."""
    session, _ = make_store(store_path)
    users.enable_quick_unlock(session)
    close(session)
    store = LockedStore(store_path, clock=clock)
    try:
        for _ in range(3):
            fail(lambda: store.unlock(DSL_LOGIN, WRONG))
        store.unlock_with_keyring().session.lock()  # during the wait
        assert store.attempts.failures == 0
        close(store.unlock(DSL_LOGIN, DSL_PASSWORD).session)
    finally:
        store.close()


def test_a_count_that_cannot_be_saved_is_kept_in_memory(
    store_path: Path, clock: StepClock
) -> None:
    closed_store(store_path)
    blocked = AppLocations.default().unlock_attempts_dir
    blocked.parent.mkdir(parents=True)
    blocked.write_bytes(b"")  # a file where the folder should be: nothing can be saved
    store = LockedStore(store_path, clock=clock)
    try:
        for _ in range(3):
            fail(lambda: store.unlock(DSL_LOGIN, WRONG))
        assert refused(lambda: store.unlock(DSL_LOGIN, DSL_PASSWORD)) == 1
        clock.advance(1)
        close(store.unlock(DSL_LOGIN, DSL_PASSWORD).session)
    finally:
        store.close()


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"failures": -1, "last_failure": 0}',
                                     b'{"failures": 9, "last_failure": "soon"}',
                                     b'{"failures": 9, "last_failure": Infinity}'])
def test_a_damaged_count_starts_again_and_never_locks_anyone_out(
    store_path: Path, clock: StepClock, content: bytes
) -> None:
    closed_store(store_path)
    store = LockedStore(store_path, clock=clock)
    try:
        store.attempts.path.parent.mkdir(parents=True)
        store.attempts.path.write_bytes(content)
        close(store.unlock(DSL_LOGIN, DSL_PASSWORD).session)
    finally:
        store.close()


# -- the command line gets the rule from the service ------------------------------------
def verify_with(monkeypatch: pytest.MonkeyPatch, path: Path, password: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return cli.main(["verify", str(path), "--login", DSL_LOGIN, "--password-stdin"])


def test_the_command_line_says_wait_in_one_line(
    monkeypatch: pytest.MonkeyPatch, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each run is a new claim of the store, as separate processes would be; the real
    clock runs, so wrong passwords go on until the wait outlasts a run (at 5 it is 4 s)."""
    closed_store(store_path)
    before = fingerprint(store_path)
    errors: list[str] = []
    for _ in range(8):
        assert verify_with(monkeypatch, store_path, WRONG) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        errors.append(captured.err)
        if "Too many" in captured.err:
            break
    assert errors[:3] == [
        "sgdesk: That user name and password do not match. Check Caps Lock and try again.\n"
    ] * 3
    last = errors[-1]
    assert last.count("\n") == 1 and last.startswith("sgdesk: Too many wrong passwords. Wait ")
    seconds = int(last.split("Wait ")[1].split(" ")[0])
    assert last == f"sgdesk: {wait_message(seconds)}\n"
    assert fingerprint(store_path) == before
