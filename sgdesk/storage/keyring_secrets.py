"""Quick-unlock secrets in the operating system's keyring (off by default).

Headless machines and some desktops have no keyring; every keyring failure
becomes :class:`KeyringUnavailable`, so callers show "not available here"
instead of crashing.
"""

from __future__ import annotations

import base64
from types import ModuleType

from sgdesk.models.errors import KeyringUnavailable

SERVICE = "sgdesk"


def _keyring() -> ModuleType:
    """Imported on first use: keyring loads its backends (and half the standard
    library) at import, ~50 ms that every start-up would pay for an optional feature."""
    import keyring
    import keyring.errors

    return keyring


def _entry(store_id: str, user_id: str) -> str:
    return f"{store_id}/{user_id}"


def save_secret(store_id: str, user_id: str, secret: bytes) -> None:
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, _entry(store_id, user_id),
                             base64.b64encode(secret).decode("ascii"))
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise KeyringUnavailable(
            "This computer has no system keyring sgdesk can use, so quick unlock is not "
            "available. Sign in with your password."
        ) from exc


def load_secret(store_id: str, user_id: str) -> bytes:
    keyring = _keyring()
    try:
        text = keyring.get_password(SERVICE, _entry(store_id, user_id))
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise KeyringUnavailable(
            "The system keyring could not be reached. Sign in with your password."
        ) from exc
    if text is None:
        raise KeyringUnavailable(
            "Quick unlock is not set up on this computer for this user. Sign in with your "
            "password."
        )
    return base64.b64decode(text)


def delete_secret(store_id: str, user_id: str) -> None:
    keyring = _keyring()
    try:
        keyring.delete_password(SERVICE, _entry(store_id, user_id))
    except keyring.errors.PasswordDeleteError:
        return
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise KeyringUnavailable("The system keyring could not be reached.") from exc
