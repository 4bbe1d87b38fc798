"""One process per store; a lock left by a killed process is recovered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sgdesk.models.errors import StoreInUse
from sgdesk.services.session import LockedStore
from tests.helpers import close, make_store, reopen

HOLDER = """
import sys, time
from pathlib import Path
from sgdesk.services.session import LockedStore
store = LockedStore(Path(sys.argv[1]))
print("claimed", flush=True)
time.sleep(120)
"""


@contextmanager
def holder_process(store_path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store_path)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2],
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "claimed"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_a_second_instance_is_refused_with_a_clear_message(store_path: Path) -> None:
    close(make_store(store_path)[0])
    with holder_process(store_path) as proc, pytest.raises(
        StoreInUse, match=f"already open.*process {proc.pid}"
    ):
        LockedStore(store_path)


def test_a_stale_lock_from_a_killed_process_is_recovered(store_path: Path) -> None:
    close(make_store(store_path)[0])
    with holder_process(store_path) as proc:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    store = LockedStore(store_path)
    assert store.recovered_stale_lock
    store.close()
    session = reopen(store_path)
    assert not session.store.recovered_stale_lock  # a clean close leaves no stale mark
    close(session)


def test_the_same_process_cannot_claim_a_store_twice(store_path: Path) -> None:
    session, _ = make_store(store_path)
    with pytest.raises(StoreInUse):
        LockedStore(store_path)
    close(session)
    close(reopen(store_path))
