"""The count of wrong passwords for one store, kept where a restart finds it.

The rule is ``models/unlock_backoff.py``. The count lives in a small JSON file in
sgdesk's config folder (``AppLocations.unlock_attempts_dir``) named by a hash of
the store's id, never beside the store: the store, its WAL and its key file stay
byte for byte as they were however many tries fail. The id (a random UUID kept in
the key file) names it rather than the path, so a moved store, or a backup copy
(which the same passwords open), keeps the same count. The file holds two numbers.

A try during the wait is refused before the secret is looked at: no key
derivation runs and nothing is learned — not even that a right password was right,
since a right password let through during the wait would make every guess in the
wait a free test. A refused try is not another failure.

If the file cannot be read or written (a read-only home folder), the count is kept
in memory while the store is claimed, and unlocking is never blocked by the file
itself. Someone able to delete the file can reset the count; that is accepted,
because the count only slows the keyboard and Argon2id guards the store.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from pathlib import Path

from sgdesk.models.errors import TooManyAttempts, WriteFailed, WrongPassword
from sgdesk.models.unlock_backoff import UnlockBackoff, whole_seconds
from sgdesk.storage.store_files import write_atomically

log = logging.getLogger(__name__)

#: Seconds since the Unix epoch.
WallClock = Callable[[], float]


class UnlockAttempts:
    """Failures in a row at unlocking one store; :meth:`guard` applies the rule."""

    def __init__(self, path: Callable[[], Path], now: WallClock) -> None:
        self._path = path
        self._now = now
        self._state: UnlockBackoff | None = None  # read from the file on first use

    @classmethod
    def for_store(cls, store_id: str, directory: Path, now: WallClock) -> UnlockAttempts:
        def path() -> Path:
            # hashlib (OpenSSL) is loaded at the first try, not when the store is
            # claimed: claiming is on the way to the unlock screen
            import hashlib

            return directory / f"{hashlib.sha256(store_id.encode('utf-8')).hexdigest()[:32]}.json"

        return cls(path, now)

    @property
    def path(self) -> Path:
        """The count's file, in the config folder, named by a hash of the store's id."""
        return self._path()

    @property
    def failures(self) -> int:
        return self._current().failures

    def seconds_left(self) -> int:
        """Whole seconds before another try is allowed (0: now)."""
        return whole_seconds(self._current().seconds_left(self._now()))

    def guard[T](self, check_secret: Callable[[], T]) -> T:
        """Run ``check_secret`` unless the wait is on (then :class:`TooManyAttempts`).

        A :class:`WrongPassword` from it counts as a failure and is raised again
        with the wait it started; anything it returns clears the count. Only the
        check of the secret itself belongs in ``check_secret``: what follows a right
        secret (a removed user, a weak new password) is no guess.
        """
        left = self.seconds_left()
        if left:
            log.info("unlock refused: waiting after wrong passwords")
            raise TooManyAttempts(left)
        try:
            result = check_secret()
        except WrongPassword as exc:
            state = self._current().failed(self._now())
            self._keep(state)
            log.info("wrong password or recovery key (%d in a row)", state.failures)
            raise WrongPassword(str(exc), wait_seconds=whole_seconds(state.wait)) from exc
        self.succeeded()
        return result

    def succeeded(self) -> None:
        """A way in worked: forget the count (and its file)."""
        if not self._current().failures:
            return
        self._state = UnlockBackoff()
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove the wrong-password count")

    # -- the file ---------------------------------------------------------------------
    def _current(self) -> UnlockBackoff:
        if self._state is None:
            self._state = self._read()
        return self._state

    def _read(self) -> UnlockBackoff:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return UnlockBackoff()
        except (OSError, ValueError):
            log.warning("the wrong-password count could not be read; starting again")
            return UnlockBackoff()
        failures = data.get("failures") if isinstance(data, dict) else None
        last = data.get("last_failure") if isinstance(data, dict) else None
        if (not isinstance(failures, int) or isinstance(failures, bool) or failures < 0
                or not isinstance(last, int | float) or isinstance(last, bool)
                or not math.isfinite(last)):
            log.warning("the wrong-password count is malformed; starting again")
            return UnlockBackoff()
        return UnlockBackoff(failures, float(last))

    def _keep(self, state: UnlockBackoff) -> None:
        self._state = state
        data = {"failures": state.failures, "last_failure": state.last_failure}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(data).encode("utf-8"))
        except (OSError, WriteFailed):
            log.warning("could not save the wrong-password count; kept in memory only")
