"""The wrong-password rule: after a few failures in a row, each try waits longer.

Three wrong passwords (or recovery keys) in a row cost nothing — people mistype.
After the third, the next try must wait 1 second, then 2, 4, 8, 16, and never
more than 30. A success clears the count.

This slows down someone guessing at the keyboard, and nothing more: the defence
against guessing at a copied store is Argon2id (``storage/kdf.py``), which makes
every offline guess slow whatever this count says.

Times are seconds since the Unix epoch, passed in by the caller, so the rule is
tested without sleeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Failures in a row that need no wait before the next try.
FREE_FAILURES = 3
#: The first wait, in seconds; each further failure doubles it ...
FIRST_WAIT = 1.0
#: ... up to this.
LONGEST_WAIT = 30.0
_MOST_DOUBLINGS = math.ceil(math.log2(LONGEST_WAIT / FIRST_WAIT))


def wait_after(failures: int) -> float:
    """Seconds the next try must wait after ``failures`` failures in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    doublings = min(failures - FREE_FAILURES, _MOST_DOUBLINGS)
    return min(FIRST_WAIT * 2.0**doublings, LONGEST_WAIT)


@dataclass(frozen=True)
class UnlockBackoff:
    """Failures in a row for one store, and when the last one happened."""

    failures: int = 0
    last_failure: float = 0.0

    @property
    def wait(self) -> float:
        return wait_after(self.failures)

    def seconds_left(self, now: float) -> float:
        """How long a try at ``now`` must still wait (0: it may go ahead).

        A clock set back before the last failure ends the wait rather than
        stretching it: a wait of hours would lock the DSL out, and anyone able to
        change the clock could as easily remove the count.
        """
        elapsed = now - self.last_failure
        if elapsed < 0:
            return 0.0
        return max(0.0, self.wait - elapsed)

    def failed(self, now: float) -> UnlockBackoff:
        return UnlockBackoff(self.failures + 1, now)

    def succeeded(self) -> UnlockBackoff:
        return UnlockBackoff()


def whole_seconds(seconds: float) -> int:
    """A wait as people are told it: rounded up, so "wait 1 second" is never too short."""
    return max(0, math.ceil(seconds))


def wait_message(seconds: int) -> str:
    """The one sentence the unlock screen, the recovery dialog and the CLI show."""
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong passwords. Wait {seconds} {unit}, then try again."
