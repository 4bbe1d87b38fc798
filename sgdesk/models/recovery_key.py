"""The recovery key: 32 random bytes shown once as groups a person can copy by hand.

Base32 (RFC 4648, no padding) avoids 0/O and 1/I/L confusion better than hex and
is 52 characters for 256 bits, shown as 13 groups of four.
"""

from __future__ import annotations

import base64
import re

from sgdesk.models.errors import InvalidInput

RECOVERY_KEY_BYTES = 32
_GROUP = 4


def format_recovery_key(raw: bytes) -> str:
    """``ABCD-EFGH-…``: the form printed on the recovery sheet."""
    if len(raw) != RECOVERY_KEY_BYTES:
        raise ValueError("a recovery key is 32 bytes")
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def parse_recovery_key(text: str) -> bytes:
    """Accept the key as typed: any case, with or without dashes or spaces."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) != 52 or not re.fullmatch(r"[A-Z2-7]+", compact):
        raise InvalidInput(
            "A recovery key is 52 letters and digits in groups of four, as printed on "
            "the recovery sheet.",
            field="recovery_key",
        )
    try:
        raw = base64.b32decode(compact + "====")
    except ValueError as exc:  # binascii.Error is a ValueError
        raise InvalidInput("That recovery key is not valid.", field="recovery_key") from exc
    if len(raw) != RECOVERY_KEY_BYTES:
        raise InvalidInput("That recovery key is not valid.", field="recovery_key")
    return raw


def last_group(formatted: str) -> str:
    """The group a person types back to confirm they have the key."""
    return formatted.rsplit("-", 1)[-1]
