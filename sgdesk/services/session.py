"""Opening, unlocking and locking a store.

A :class:`LockedStore` is a store this process has claimed (the instance lock is
held, the key file read) but cannot read yet. Unlocking it with a password, the
recovery key or the keyring secret gives a :class:`Session`: the open database and
the signed-in user. Locking a session drops the connection and forgets the key;
the store stays claimed until :meth:`LockedStore.close`.

Claiming a store reads only its key file: SQLCipher, the migrations and the
repositories are imported when a way in is tried, so the unlock screen (which
waits for the claim) appears without them.

Wrong passwords and recovery keys are counted per store outside its files
(``services/unlock_attempts.py``); after three in a row each try waits longer,
and a try during the wait is refused before any key derivation. The command line
and the window both unlock through here, so both get the same rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sgdesk.models.errors import NotAStore, PermissionDenied, WrongPassword
from sgdesk.models.recovery_key import parse_recovery_key
from sgdesk.models.users import User, normalise_login, validate_new_password
from sgdesk.services.locations import AppLocations
from sgdesk.services.unlock_attempts import UnlockAttempts
from sgdesk.storage import keyring_secrets
from sgdesk.storage.clock import Clock, utc_now
from sgdesk.storage.instance_lock import InstanceLock
from sgdesk.storage.keyslots import (
    DemoHint,
    KeySlot,
    KeySlotFile,
    SlotKind,
    make_password_slot,
    open_password_slot,
    open_secret_slot,
)
from sgdesk.storage.store_files import StoreFiles

if TYPE_CHECKING:
    from sgdesk.storage.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnlockResult:
    """What unlocking produced: the session, and the backup written if a migration ran."""

    session: Session
    migration_backup: Path | None


class LockedStore:
    """A store claimed by this process. Raises :class:`StoreInUse` if another has it.

    ``clock`` stamps the audit rows and times the wait after wrong passwords;
    ``locations`` says where that count is kept (the usual folders if not given)."""

    def __init__(self, path: Path, clock: Clock = utc_now,
                 locations: AppLocations | None = None) -> None:
        self.files = StoreFiles(Path(path))
        self.clock = clock
        if not self.files.keyslots.exists() and not self.files.db.exists():
            raise NotAStore(f"There is no sgdesk store at {self.files.db}.")
        if not self.files.keyslots.exists():
            raise NotAStore(
                f"{self.files.db.name} has no key file ({self.files.keyslots.name}) beside it, "
                "so it cannot be opened. If you moved the store, move its key file too."
            )
        self._lock = InstanceLock(self.files.lock)
        self._lock.acquire()
        try:
            self.key_file = KeySlotFile.load(self.files.keyslots)
        except Exception:
            self._lock.release()
            raise
        self.attempts = UnlockAttempts.for_store(
            self.key_file.store_id,
            (locations or AppLocations.default()).unlock_attempts_dir,
            lambda: self.clock().timestamp(),
        )

    @property
    def path(self) -> Path:
        return self.files.db

    @property
    def demo(self) -> DemoHint | None:
        return self.key_file.demo

    @property
    def has_quick_unlock(self) -> bool:
        return bool(self.key_file.slots_of(SlotKind.QUICK))

    @property
    def recovered_stale_lock(self) -> bool:
        """True when the previous holder was killed or crashed rather than closing."""
        return self._lock.recovered_stale_pid is not None

    @property
    def is_claimed(self) -> bool:
        return self._lock.held

    def close(self) -> None:
        """Give the store back (release the instance lock)."""
        self._lock.release()

    def save_key_file(self, key_file: KeySlotFile) -> None:
        key_file.save(self.files.keyslots)
        self.key_file = key_file

    # -- the three ways in ---------------------------------------------------------
    def unlock(self, login: str, password: str) -> UnlockResult:
        """Password unlock. Slow (Argon2id): call from a worker thread, never the GUI.

        Raises :class:`TooManyAttempts` during the wait after wrong passwords."""
        master, slot = self.attempts.guard(
            lambda: open_password_slot(self.key_file, login, password)
        )
        return self._open(master, slot)

    def unlock_with_keyring(self, login: str = "") -> UnlockResult:
        """Quick unlock from the OS keyring, for the user typed (or the only one set up).

        Not held back by the wait: the secret comes from the keyring, not from
        typing, so there is nothing to guess; a success clears the count."""
        quick = self.key_file.slots_of(SlotKind.QUICK)
        slot = self.key_file.slot_for_login(SlotKind.QUICK, login) if login else (
            quick[0] if len(quick) == 1 else None
        )
        if slot is None or slot.user_id is None:
            raise WrongPassword("Quick unlock is not set up for that user. Use your password.")
        secret = keyring_secrets.load_secret(self.key_file.store_id, slot.user_id)
        master = open_secret_slot(self.key_file, slot, secret)
        self.attempts.succeeded()
        return self._open(master, slot)

    def reset_password_with_recovery(
        self, recovery_key: str, login: str, new_password: str
    ) -> UnlockResult:
        """The forgotten-password path: the recovery key opens the store, then ``login``
        gets a new password slot. Recorded in the audit chain as that user's act.

        A wrong recovery key counts towards the same wait as wrong passwords; a
        mistyped one (wrong length or letters) is caught before and does not."""
        raw = parse_recovery_key(recovery_key)
        slots = self.key_file.slots_of(SlotKind.RECOVERY)
        if not slots:
            raise WrongPassword("This store has no recovery key.")
        master = self.attempts.guard(lambda: open_secret_slot(self.key_file, slots[0], raw))
        from sgdesk.storage import migrations
        from sgdesk.storage.database import Database
        from sgdesk.storage.users_repo import UserRepository

        db = Database.open(self.files.db, master, clock=self.clock)
        try:
            user = UserRepository(db).by_login(normalise_login(login))
            if user is None or not user.is_active:
                raise WrongPassword("There is no current user with that user name in this store.")
            validate_new_password(new_password, user.login)
            backup = migrations.upgrade(db, self.files, user.id)
            slot = make_password_slot(self.key_file, master, user.id, user.login, new_password)
            self.save_key_file(self.key_file.with_slot(slot))
            with db.write(user.id) as tx:
                tx.audit("reset_password_with_recovery_key", "users", user.id)
        except Exception:
            db.close()
            raise
        log.info("password reset with recovery key")
        return UnlockResult(Session(self, db, user, master), backup)

    def _open(self, master: bytes, slot: KeySlot) -> UnlockResult:
        from sgdesk.storage import migrations
        from sgdesk.storage.database import Database
        from sgdesk.storage.users_repo import UserRepository

        db = Database.open(self.files.db, master, clock=self.clock)
        try:
            user_id = slot.user_id or ""
            backup = migrations.upgrade(db, self.files, user_id)
            user = UserRepository(db).get(user_id)
            if user is None or not user.is_active:
                raise WrongPassword("That user no longer has access to this store.")
        except Exception:
            db.close()
            raise
        log.info("store unlocked (slot kind %s)", slot.kind.value)
        return UnlockResult(Session(self, db, user, master), backup)


class Session:
    """An unlocked store and who is signed in. Use from the database worker thread."""

    def __init__(self, store: LockedStore, db: Database, user: User, master_key: bytes) -> None:
        self.store = store
        self.db = db
        self.user = user
        self._master_key: bytes | None = master_key

    @property
    def is_unlocked(self) -> bool:
        return self.db.is_open

    @property
    def school_name(self) -> str:
        from sgdesk.storage.settings_repo import KeyValueTable

        return str(KeyValueTable(self.db, "meta").get("school_name", ""))

    @property
    def master_key(self) -> bytes:
        """The store key, for making new slots. Gone once the session is locked."""
        if self._master_key is None:
            raise PermissionDenied("The store is locked.")
        return self._master_key

    def require_write(self) -> None:
        if not self.user.role.can_write:
            raise PermissionDenied(
                f"{self.user.role.label} accounts can read records but not change them."
            )

    def require_user_admin(self) -> None:
        if not self.user.role.can_manage_users:
            raise PermissionDenied("Only the Designated Safeguarding Lead can manage users.")

    def lock(self) -> None:
        """Drop the connection and forget the key. Safe to call twice."""
        self._master_key = None
        if self.db.is_open:
            self.db.close()
            log.info("store locked")
