"""One process per store: an OS advisory lock on ``records.sgdesk.lock``.

The OS drops the lock when its holder dies, however it dies, so a lock left by a
killed process never blocks anyone. The file keeps the holder's process id: when
we take the lock and find an id already written, the previous holder did not
shut down cleanly, and we say so in the log (the "stale lock" case). The id is
only a note: on a full disk it may not be written, and the lock holds anyway.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from sgdesk.models.errors import StoreInUse

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl

log = logging.getLogger(__name__)


class InstanceLock:
    """Hold with :meth:`acquire`; give back with :meth:`release` (idempotent)."""

    def __init__(self, lock_path: Path) -> None:
        self.path = lock_path
        self._fd: int | None = None
        self.recovered_stale_pid: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _try_lock(fd)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            who = f" (process {holder})" if holder else ""
            raise StoreInUse(
                f"This store is already open in another sgdesk window{who}. "
                "Use that window, or close it and try again."
            ) from exc
        previous = _read_pid(fd)
        if previous is not None and previous != os.getpid():
            self.recovered_stale_pid = previous
            log.warning("recovered stale store lock left by process %d", previous)
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            os.fsync(fd)
        except OSError as exc:  # a full disk: the lock holds without the note of who
            log.warning("could not note this process in the store lock (errno %s)", exc.errno)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _read_pid(fd: int) -> int | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 32).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
