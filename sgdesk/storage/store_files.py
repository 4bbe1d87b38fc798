"""The files that make up one store, named from the store path alone.

No file name ever carries personal data: only the name the DSL gave the store
file, fixed suffixes and timestamps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sgdesk.models.errors import WriteFailed

STORE_SUFFIX = ".sgdesk"


@dataclass(frozen=True)
class StoreFiles:
    """``records.sgdesk`` and its siblings: key slots, instance lock, SQLite WAL/SHM."""

    db: Path

    @property
    def keyslots(self) -> Path:
        return self.db.with_name(self.db.name + ".keys")

    @property
    def lock(self) -> Path:
        return self.db.with_name(self.db.name + ".lock")

    @property
    def wal(self) -> Path:
        return self.db.with_name(self.db.name + "-wal")

    @property
    def shm(self) -> Path:
        return self.db.with_name(self.db.name + "-shm")

    def exists(self) -> bool:
        return self.db.exists() or self.keyslots.exists()


def normalise_store_path(path: Path) -> Path:
    """Give the store file the ``.sgdesk`` ending if the person left it off."""
    path = Path(path).expanduser()
    return path if path.name.endswith(STORE_SUFFIX) else path.with_name(path.name + STORE_SUFFIX)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary sibling, fsync it, then rename it over ``path``.

    A crash or full disk leaves either the old file or the new one, never half of
    either. The temporary name carries no personal data.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_directory(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteFailed(f"Could not write {path.name}: {exc.strerror or exc}.") from exc


def fsync_directory(directory: Path) -> None:
    """Make a rename durable. Not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
