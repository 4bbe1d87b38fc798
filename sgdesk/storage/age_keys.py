"""age (X25519) keys: the school's own identity and partners' public keys.

A thin wrapper over pyrage so the rest of sgdesk never touches its types or its
error classes. Keys travel as the standard text forms the ``age`` tool uses:
``AGE-SECRET-KEY-1…`` (kept only inside the encrypted store) and ``age1…``
(public: shown, printed, put in partners' address books).
"""

from __future__ import annotations

import pyrage

from sgdesk.models.errors import InvalidInput


def new_identity() -> str:
    """A fresh secret identity, in age's text form."""
    return str(pyrage.x25519.Identity.generate())


def public_key_of(identity: str) -> str:
    """The ``age1…`` public key that belongs to a secret identity."""
    try:
        return str(pyrage.x25519.Identity.from_str(identity).to_public())
    except pyrage.IdentityError as exc:
        raise InvalidInput("That is not an age secret key.") from exc


def checked_public_key(text: str) -> str:
    """``text`` as a public key (spaces trimmed), or :class:`InvalidInput` saying why not."""
    key = "".join(text.split())
    if not key.startswith("age1"):
        raise InvalidInput("An age public key starts with \u201cage1\u201d. Check what you pasted.",
                           field="public_key")
    try:
        pyrage.x25519.Recipient.from_str(key)
    except pyrage.RecipientError as exc:
        raise InvalidInput(
            "That public key is not valid: a character is wrong or missing. Ask the sender "
            "to send it again (copy and paste, or scan the QR code).", field="public_key"
        ) from exc
    return key
