"""Encrypted backups: a full copy of the database under the same key, with a copy
of its key file, so the same passwords and recovery key open it.

Written to temporary siblings and renamed into place: a failed backup (full disk)
leaves no half-file and never touches the store.
"""

from __future__ import annotations

import errno
import os
from datetime import UTC
from pathlib import Path

from sgdesk.models.errors import StoreExists, WriteFailed
from sgdesk.storage.database import FOLDER_UNWRITABLE, Database
from sgdesk.storage.store_files import STORE_SUFFIX, StoreFiles, write_atomically


def backup_path(files: StoreFiles, label: str, db: Database) -> Path:
    """``records.before-v2-20261123T120000Z.sgdesk`` beside the store."""
    stamp = db.clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = files.db.name.removesuffix(STORE_SUFFIX)
    return files.db.with_name(f"{stem}.{label}-{stamp}{STORE_SUFFIX}")


def write_backup(db: Database, files: StoreFiles, label: str) -> Path:
    dest = backup_path(files, label, db)
    copy_store(db, files, dest)
    return dest


def copy_store(db: Database, files: StoreFiles, dest: Path) -> None:
    """Copy the open store to ``dest`` (and ``dest.keys``). Refuses to overwrite.
    On failure nothing of the copy is left behind (:class:`WriteFailed` says why)."""
    target = StoreFiles(dest)
    if target.exists():
        raise StoreExists(f"{dest.name} already exists; choose another name. Nothing was written.")
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    leftovers = (tmp, tmp.with_name(tmp.name + "-journal"), dest)
    tmp.unlink(missing_ok=True)
    try:
        db.export_encrypted_copy(tmp)
        os.replace(tmp, dest)
        write_atomically(target.keyslots, files.keyslots.read_bytes())
    except BaseException as exc:
        for path in leftovers:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _copy_failure(exc) from exc
        raise


def _copy_failure(exc: OSError) -> WriteFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return WriteFailed("The disk is full, so the copy was not written. "
                           "Free some space and try again.")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteFailed(FOLDER_UNWRITABLE)
    return WriteFailed(f"The copy could not be written: {exc.strerror or exc}.")
