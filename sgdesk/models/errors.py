"""The typed errors every layer raises and the UI and CLI turn into plain words.

They live in models so that storage can raise them, services can pass them on and
the UI can catch them without the UI ever importing storage. Each message is
written for the person at the keyboard and never contains a child's data.
"""

from sgdesk.models.unlock_backoff import wait_message


class SgdeskError(Exception):
    """Base of every error sgdesk reports to a person. ``str(err)`` is the message."""


class NotAStore(SgdeskError):
    """The path does not hold an sgdesk store (no key file, or not ours)."""


class StoreDamaged(SgdeskError):
    """The files are ours but cannot be read: damaged, truncated or mismatched."""


class StoreInUse(SgdeskError):
    """Another sgdesk process holds this store open."""


class StoreExists(SgdeskError):
    """Refused to create a store where files already exist: nothing is overwritten."""


class WrongPassword(SgdeskError):
    """The user name and password (or recovery key) did not unlock the store.

    ``wait_seconds`` is more than 0 when this failure means the next try must wait
    (``models/unlock_backoff.py``), so the unlock screen can count down at once."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class TooManyAttempts(SgdeskError):
    """A try came during the wait after too many wrong passwords. It was refused
    before the password was looked at, and does not count as another failure."""

    def __init__(self, seconds: int) -> None:
        super().__init__(wait_message(seconds))
        self.seconds = seconds


class StoreTooNew(SgdeskError):
    """The store was written by a newer sgdesk than this one."""


class PermissionDenied(SgdeskError):
    """The signed-in user's role does not allow this action."""


class InvalidInput(SgdeskError):
    """A value a person typed is not acceptable; ``field`` names which one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class KeyringUnavailable(SgdeskError):
    """This computer has no usable system keyring, so quick unlock cannot be used."""


class StoreLocked(SgdeskError):
    """The store was locked (or closed) before the action could run."""


class WriteFailed(SgdeskError):
    """A write could not be completed (disk full, read-only, I/O error); nothing was changed."""


class BundleRefused(SgdeskError):
    """A bundle could not be opened or would not be imported; nothing was written.

    ``reason`` is a short machine-readable word (``wrong_key``, ``damaged``,
    ``tampered``, ``too_new``, ``malformed``, ``missing_reference`` …) so tests and
    the import screen can tell the cases apart; the message is for the person."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Cancelled(SgdeskError):
    """The person cancelled a long task; it left nothing behind."""
