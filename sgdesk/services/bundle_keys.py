"""The keys a person hands sgdesk for a bundle, checked before any work starts.

A partner's public key is pasted (``age1…``); when setting up from a handover,
the new DSL may instead choose a key file made with ``age-keygen``, whose secret
line (``AGE-SECRET-KEY-1…``) opens the bundle. Both are checked here, so a
wrong character is reported under its field rather than half-way through an
export or an import.
"""

from __future__ import annotations

from pathlib import Path

from sgdesk.models.errors import InvalidInput
from sgdesk.storage.age_keys import checked_public_key, public_key_of

SECRET_KEY_PREFIX = "AGE-SECRET-KEY-1"
#: A key file is a few lines; anything far larger was chosen by mistake.
_MAX_KEY_FILE = 64 * 1024


def checked_recipient(text: str) -> str:
    """``text`` as an age public key, or :class:`InvalidInput` (field ``public_key``)."""
    return checked_public_key(text)


def identities_from_key_file(path: Path) -> tuple[str, ...]:
    """The secret keys in an ``age-keygen`` key file (comments and blank lines
    skipped), each checked; :class:`InvalidInput` (field ``key_file``) if there
    is none or one is damaged. Never logs or shows a key."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_KEY_FILE + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise InvalidInput("That key file could not be read. Choose the file made with "
                           "age-keygen (it is a few lines of text).", field="key_file") from None
    found = tuple(line.strip() for line in text.splitlines()
                  if line.strip().upper().startswith(SECRET_KEY_PREFIX))
    if len(raw) > _MAX_KEY_FILE or not found:
        raise InvalidInput("That file holds no age secret key (a line starting "
                           f"{SECRET_KEY_PREFIX}). Choose the key file made with age-keygen.",
                           field="key_file")
    for identity in found:
        try:
            public_key_of(identity)
        except InvalidInput:
            raise InvalidInput("The secret key in that file is damaged: a character is "
                               "wrong or missing.", field="key_file") from None
    return found
