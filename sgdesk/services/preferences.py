"""Store-wide preferences the DSL sets, kept inside the encrypted store."""

from __future__ import annotations

from sgdesk.models.errors import InvalidInput
from sgdesk.services.session import Session
from sgdesk.storage.settings_repo import KeyValueTable

DEFAULT_IDLE_LOCK_MINUTES = 5
MAX_IDLE_LOCK_MINUTES = 60


def idle_lock_minutes(session: Session) -> int:
    return int(KeyValueTable(session.db, "settings").get("idle_lock_minutes",
                                                         DEFAULT_IDLE_LOCK_MINUTES))


def set_idle_lock_minutes(session: Session, minutes: int) -> None:
    """Between 1 and 60 minutes: a workbench of CP files never stays open unattended."""
    session.require_user_admin()
    if not 1 <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise InvalidInput(
            f"Choose between 1 and {MAX_IDLE_LOCK_MINUTES} minutes.", field="idle_lock_minutes"
        )
    with session.db.write(session.user.id) as tx:
        KeyValueTable(session.db, "settings").put(tx, "idle_lock_minutes", minutes)
