"""Saving demo records as if on the day they happened.

A demo store should read like months of use, not like everything was written
the moment it was made, so demo builders stop the store's clock at a past moment
while they save a record. Only demo code does this: a real store's clock is the
computer's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sgdesk.services.session import Session


@contextmanager
def clock_at(session: Session, moment: datetime) -> Iterator[None]:
    """The store's clock stopped at ``moment`` while the block runs."""
    real_clock: Callable[[], datetime] = session.db.clock
    session.db.clock = lambda: moment
    try:
        yield
    finally:
        session.db.clock = real_clock
