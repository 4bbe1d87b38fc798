"""The clock every write is stamped with, injectable so tests can fix the time.

Its own module so that claiming a store (before any password is typed) need not
load SQLCipher: see :class:`sgdesk.services.session.LockedStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
