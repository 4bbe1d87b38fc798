"""Managing who can unlock the store: add and remove users, change passwords,
turn quick unlock on and off. Each change rewrites one key slot, never the database."""

from __future__ import annotations

import logging
import os
import uuid

from sgdesk.models.errors import (
    InvalidInput,
    KeyringUnavailable,
    PermissionDenied,
    WrongPassword,
)
from sgdesk.models.users import (
    Role,
    User,
    validate_display_name,
    validate_login,
    validate_new_password,
)
from sgdesk.services.session import Session
from sgdesk.storage import keyring_secrets
from sgdesk.storage.database import timestamp
from sgdesk.storage.keyslots import (
    SlotKind,
    make_password_slot,
    make_secret_slot,
    open_password_slot,
)
from sgdesk.storage.users_repo import UserRepository

log = logging.getLogger(__name__)


def list_users(session: Session) -> list[User]:
    return UserRepository(session.db).all()


def user_names(session: Session) -> dict[str, str]:
    """Display names by user id, removed users included: a record's history names
    whoever saved each version, even after they left."""
    return {u.id: u.display_name for u in UserRepository(session.db).all(include_removed=True)}


def add_user(session: Session, display_name: str, login: str, role: Role, password: str) -> User:
    """The DSL adds a colleague with a first password they tell them in person."""
    session.require_user_admin()
    name = validate_display_name(display_name)
    norm = validate_login(login)
    validate_new_password(password, norm)
    repo = UserRepository(session.db)
    if repo.by_login(norm) is not None:
        raise InvalidInput("That user name is already taken.", field="login")
    user = User(id=str(uuid.uuid4()), login=norm, display_name=name, role=role,
                created_at=timestamp(session.db.clock()))
    store = session.store
    slot = make_password_slot(store.key_file, session.master_key, user.id, norm, password)
    before = store.key_file
    with session.db.write(session.user.id) as tx:
        repo.add(tx, user)
        store.save_key_file(before.with_slot(slot))
    log.info("user added (role %s)", role.value)
    return user


def remove_user(session: Session, user_id: str) -> None:
    """Remove a colleague's access: their slots go; their name stays for the audit trail."""
    session.require_user_admin()
    if user_id == session.user.id:
        raise PermissionDenied("You cannot remove your own account.")
    repo = UserRepository(session.db)
    user = repo.get(user_id)
    if user is None or not user.is_active:
        raise InvalidInput("That user has already been removed.")
    store = session.store
    with session.db.write(session.user.id) as tx:
        repo.mark_removed(tx, user_id)
        store.save_key_file(store.key_file.without_user(user_id))
    _forget_keyring_secret(session, user_id)
    log.info("user removed")


def change_password(session: Session, current: str, new: str) -> None:
    """The signed-in user changes their own password. Slow: two key derivations."""
    store = session.store
    try:
        open_password_slot(store.key_file, session.user.login, current)
    except WrongPassword as exc:
        raise InvalidInput("Your current password is not right.", field="current") from exc
    validate_new_password(new, session.user.login)
    slot = make_password_slot(store.key_file, session.master_key, session.user.id,
                              session.user.login, new)
    with session.db.write(session.user.id) as tx:
        tx.audit("change_password", "users", session.user.id)
        store.save_key_file(store.key_file.with_slot(slot))
    log.info("password changed")


def enable_quick_unlock(session: Session) -> None:
    """Keep a random secret in the OS keyring that unlocks this store for this user."""
    secret = os.urandom(32)
    store = session.store
    keyring_secrets.save_secret(store.key_file.store_id, session.user.id, secret)
    slot = make_secret_slot(store.key_file, session.master_key, SlotKind.QUICK, secret,
                            user_id=session.user.id, login=session.user.login)
    with session.db.write(session.user.id) as tx:
        tx.audit("enable_quick_unlock", "users", session.user.id)
        store.save_key_file(store.key_file.with_slot(slot))


def disable_quick_unlock(session: Session) -> None:
    store = session.store
    with session.db.write(session.user.id) as tx:
        tx.audit("disable_quick_unlock", "users", session.user.id)
        store.save_key_file(store.key_file.without_user(session.user.id, SlotKind.QUICK))
    _forget_keyring_secret(session, session.user.id)


def has_quick_unlock(session: Session) -> bool:
    return session.store.key_file.slot_for_user(SlotKind.QUICK, session.user.id) is not None


def _forget_keyring_secret(session: Session, user_id: str) -> None:
    try:
        keyring_secrets.delete_secret(session.store.key_file.store_id, user_id)
    except KeyringUnavailable:  # the slot is already gone, which is what matters
        log.warning("could not delete a keyring entry")
