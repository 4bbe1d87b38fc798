"""Making a new store: the DSL's first account, the recovery key, the school's name.

The recovery key is made first and shown to the DSL, who must confirm they have
it *before* the store exists (:func:`new_recovery_key` then :func:`create_store`).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sgdesk.models.errors import InvalidInput, StoreExists
from sgdesk.models.recovery_key import RECOVERY_KEY_BYTES, format_recovery_key
from sgdesk.models.users import (
    Role,
    User,
    validate_display_name,
    validate_login,
    validate_new_password,
)
from sgdesk.services.school_identity import ensure_school_identity
from sgdesk.services.session import LockedStore, UnlockResult
from sgdesk.storage import migrations
from sgdesk.storage.clock import Clock, utc_now
from sgdesk.storage.database import Database, timestamp
from sgdesk.storage.instance_lock import InstanceLock
from sgdesk.storage.keyslots import (
    DemoHint,
    SlotKind,
    make_password_slot,
    make_secret_slot,
    new_key_file,
    new_master_key,
)
from sgdesk.storage.settings_repo import KeyValueTable
from sgdesk.storage.store_files import StoreFiles, normalise_store_path
from sgdesk.storage.users_repo import UserRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewStoreDetails:
    """What the DSL types to make a store. Validated by :meth:`validated`."""

    school_name: str
    display_name: str
    login: str
    password: str
    role: Role = Role.DSL

    def validated(self) -> NewStoreDetails:
        school = " ".join(self.school_name.split())
        if not school:
            raise InvalidInput("Enter the school's name.", field="school_name")
        login = validate_login(self.login)
        validate_new_password(self.password, login)
        if self.role is not Role.DSL:
            raise InvalidInput("The person who creates a store is its DSL.", field="role")
        return NewStoreDetails(school, validate_display_name(self.display_name), login,
                               self.password, self.role)


def new_recovery_key() -> tuple[bytes, str]:
    """A fresh recovery key: the raw bytes and the form printed for the DSL."""
    raw = os.urandom(RECOVERY_KEY_BYTES)
    return raw, format_recovery_key(raw)


def new_store_path(path: Path) -> Path:
    """The store file ``path`` names (``.sgdesk`` added), or :class:`StoreExists` if
    a store is already there. Check before showing the recovery key, so nobody
    copies down a key for a store that will never be made."""
    files = StoreFiles(normalise_store_path(path))
    if files.exists():
        raise StoreExists(
            f"There is already a store at {files.db}. Nothing was changed; choose another name."
        )
    return files.db


#: Fills a just-created, empty database: ``(db, files, first user, store id)``.
Populate = Callable[[Database, StoreFiles, User, str], None]


def _new_store(school_name: str) -> Populate:
    """The schema, the first user, the store's identity and its school's name."""

    def populate(db: Database, files: StoreFiles, user: User, store_id: str) -> None:
        migrations.upgrade(db, files, user.id)
        with db.write(user.id) as tx:
            UserRepository(db).add(tx, user)
            meta = KeyValueTable(db, "meta")
            meta.put(tx, "store_id", store_id)
            meta.put(tx, "school_name", school_name)
            meta.put(tx, "created_at", tx.now)
            meta.put(tx, "created_by", user.id)
            ensure_school_identity(tx, db)

    return populate


def create_store(
    path: Path,
    details: NewStoreDetails,
    recovery_key: bytes,
    *,
    demo: DemoHint | None = None,
    clock: Clock = utc_now,
    populate: Populate | None = None,
) -> UnlockResult:
    """Create the store and sign its DSL in. Refuses to touch existing files.

    ``populate`` fills the new database (a handover fills it from a bundle);
    by default it gets the schema and an empty register. Slow (one Argon2id
    derivation): run off the GUI thread. On any failure the files it made are
    removed again, so a failed creation can simply be retried.
    """
    details = details.validated()
    files = StoreFiles(new_store_path(path))
    files.db.parent.mkdir(parents=True, exist_ok=True)
    master = new_master_key()
    user = User(id=str(uuid.uuid4()), login=details.login, display_name=details.display_name,
                role=details.role, created_at=timestamp(clock()))
    key_file = new_key_file(demo)
    key_file = key_file.with_slot(
        make_password_slot(key_file, master, user.id, user.login, details.password)
    )
    key_file = key_file.with_slot(make_secret_slot(key_file, master, SlotKind.RECOVERY,
                                                   recovery_key))
    with InstanceLock(files.lock):
        try:
            db = Database.open(files.db, master, create=True, clock=clock)
            try:
                (populate or _new_store(details.school_name))(db, files, user,
                                                              key_file.store_id)
            finally:
                db.close()
            key_file.save(files.keyslots)
        except BaseException:
            for leftover in (files.db, files.wal, files.shm, files.keyslots):
                leftover.unlink(missing_ok=True)
            raise
    log.info("store created")
    store = LockedStore(files.db, clock=clock)
    try:
        return store.unlock(details.login, details.password)
    except BaseException:
        store.close()
        raise
