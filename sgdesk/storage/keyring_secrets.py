"""Quick-unlock secrets in the operating system's keyring (off by default).

Headless machines and some desktops have no keyring; every keyring failure
becomes :class:`KeyringUnavailable`, so callers show "not available here"
instead of crashing.
"""

from __future__ import annotations

import base64

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from sgdesk.models.errors import KeyringUnavailable

SERVICE = "sgdesk"


def _entry(store_id: str, user_id: str) -> str:
    return f"{store_id}/{user_id}"


def save_secret(store_id: str, user_id: str, secret: bytes) -> None:
    try:
        keyring.set_password(SERVICE, _entry(store_id, user_id),
                             base64.b64encode(secret).decode("ascii"))
    except (KeyringError, RuntimeError) as exc:
        raise KeyringUnavailable(
            "This computer has no system keyring sgdesk can use, so quick unlock is not "
            "available. Sign in with your password."
        ) from exc


def load_secret(store_id: str, user_id: str) -> bytes:
    try:
        text = keyring.get_password(SERVICE, _entry(store_id, user_id))
    except (KeyringError, RuntimeError) as exc:
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
    try:
        keyring.delete_password(SERVICE, _entry(store_id, user_id))
    except PasswordDeleteError:
        return
    except (KeyringError, RuntimeError) as exc:
        raise KeyringUnavailable("The system keyring could not be reached.") from exc
