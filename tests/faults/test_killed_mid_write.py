"""Killed mid-write: a writer process is SIGKILLed at random moments, and every
write it reported as done must still be there, whole, in a store that passes
``cipher_integrity_check`` and whose audit chain verifies.

One store takes every trial in turn, so later kills land in a store that has
already survived earlier ones. Half the trials count the delay from the
writer's start (so some kills land while it starts up and claims the store),
half from the moment it is unlocked (so they land in writes and in WAL
checkpoints, which the writer makes frequent). A failing trial names its seed
and delay, so it can be replayed.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sgdesk.services.maintenance import verify_store
from sgdesk.services.session import LockedStore, Session
from tests.faults.stress import trials
from tests.faults.writer_process import (
    ROOT,
    Ack,
    acks_in,
    missing_writes,
    writer_command,
    writer_env,
)
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, close, make_store, reopen

SEED = 20261102
SHORTEST_KILL, LONGEST_KILL = 0.05, 1.5
#: Start-up takes about 0.4 s, a few on a busy machine; this only bounds a hang.
START_UP_LIMIT = 60.0


@dataclass
class WriterRun:
    """One writer process and what it has said on stdout so far."""

    process: subprocess.Popen[str]
    stderr_path: Path
    acks: list[Ack] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    last_line: str = ""

    def read(self) -> None:
        """Collect what the writer says until the pipe closes."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.last_line = line.strip()
            if self.last_line == "ready":
                self.ready.set()
            self.acks += acks_in([line])

    def died(self) -> str:
        return (f"the writer ended by itself (status {self.process.returncode}): "
                f"{self.last_line}\n{self.stderr_path.read_text()}")


def start_writer(store: Path, seed: int, stderr_path: Path) -> tuple[WriterRun, threading.Thread]:
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(writer_command(store, DSL_LOGIN, DSL_PASSWORD, seed),
                                   cwd=ROOT, env=writer_env(), stdout=subprocess.PIPE,
                                   stderr=stderr, text=True)
    run = WriterRun(process, stderr_path)
    reader = threading.Thread(target=run.read, daemon=True)
    reader.start()
    return run, reader


def kill_after(run: WriterRun, reader: threading.Thread, delay: float,
               from_ready: bool) -> None:
    """SIGKILL the writer ``delay`` seconds after it started (or was unlocked)."""
    process = run.process
    if from_ready:
        deadline = time.monotonic() + START_UP_LIMIT
        while not run.ready.wait(0.05):
            assert process.poll() is None, run.died()
            assert time.monotonic() < deadline, "the writer never finished starting"
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    else:
        raise AssertionError(run.died())
    process.wait()
    reader.join(timeout=START_UP_LIMIT)
    assert process.returncode == -signal.SIGKILL, run.died()


def reopen_after_kill(store: Path, writer_was_unlocked: bool) -> Session:
    """Claim the store again (a killed holder must not leave it "in use") and unlock."""
    locked = LockedStore(store)
    if writer_was_unlocked:
        assert locked.recovered_stale_lock, "the killed writer's lock was not noticed"
    try:
        return locked.unlock(DSL_LOGIN, DSL_PASSWORD).session
    except BaseException:
        locked.close()
        raise


def kill_delay(rng: random.Random, stratum: int, strata: int) -> float:
    """A random delay in the ``stratum``-th of ``strata`` equal slices of the range,
    so even the quick run spreads from the shortest delay to the longest."""
    share = (stratum + rng.random()) / strata
    return SHORTEST_KILL + (LONGEST_KILL - SHORTEST_KILL) * share


def test_every_acknowledged_write_survives_a_kill(store_path: Path, tmp_path: Path) -> None:
    close(make_store(store_path)[0])
    rng = random.Random(SEED)
    count = trials(quick=4, stress=200)
    everything: list[Ack] = []
    for trial in range(count):
        seed = rng.randrange(2**32)
        from_ready = trial % 2 == 1
        delay = kill_delay(rng, trial // 2, (count + 1) // 2)
        context = (f"trial {trial}: writer seed {seed}, killed {delay:.3f} s after "
                   f"{'unlocking' if from_ready else 'starting'}")
        run, reader = start_writer(store_path, seed, tmp_path / "writer-stderr.txt")
        kill_after(run, reader, delay, from_ready)

        session = reopen_after_kill(store_path, run.ready.is_set())
        try:
            report = verify_store(session)
            assert report.ok, f"{context}: " + "; ".join(report.lines())
            lost = missing_writes(session, run.acks)
            assert not lost, f"{context}: acknowledged but not held: {lost[:5]}"
        finally:
            close(session)
        everything += run.acks

    assert any(kind != "pupil" for kind, _, _ in everything), "no trial wrote a record"
    session = reopen(store_path)
    try:
        assert missing_writes(session, everything) == []
    finally:
        close(session)
