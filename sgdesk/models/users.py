"""Users of a store, their roles and what each role may do, and the password policy."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sgdesk.models.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
_LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")


class Role(enum.Enum):
    """The four kinds of user a store has. Values are stored; labels are shown."""

    DSL = "dsl"
    DEPUTY_DSL = "deputy_dsl"
    SENDCO = "sendco"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def can_write(self) -> bool:
        """The auditor reads everything and changes nothing."""
        return self is not Role.AUDITOR

    @property
    def can_manage_users(self) -> bool:
        """Only the DSL adds and removes users."""
        return self is Role.DSL


_ROLE_LABELS = {
    Role.DSL: "Designated Safeguarding Lead",
    Role.DEPUTY_DSL: "Deputy DSL",
    Role.SENDCO: "SENDCO",
    Role.AUDITOR: "Auditor (read only)",
}


@dataclass(frozen=True)
class User:
    """A named person who can unlock the store with their own password."""

    id: str
    login: str
    display_name: str
    role: Role
    created_at: str
    removed_at: str | None = None

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


def normalise_login(login: str) -> str:
    """Logins compare case- and width-insensitively: ``" JSmith "`` is ``jsmith``."""
    import unicodedata  # its tables load when a login is first typed, not at launch

    return unicodedata.normalize("NFKC", login).strip().casefold()


def validate_login(login: str) -> str:
    """Return the normalised login or raise :class:`InvalidInput` saying what is wrong."""
    norm = normalise_login(login)
    if not norm:
        raise InvalidInput("Enter a user name.", field="login")
    if not _LOGIN_PATTERN.match(norm):
        raise InvalidInput(
            "A user name is 2 to 32 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit.",
            field="login",
        )
    return norm


def validate_display_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("Enter the person's name.", field="display_name")
    if len(clean) > 100:
        raise InvalidInput("A name is at most 100 characters.", field="display_name")
    return clean


def validate_new_password(password: str, login: str = "") -> None:
    """The password policy: long enough, and not the user name.

    Length is what matters (NCSC advice: three random words); no composition rules.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Use at least {MIN_PASSWORD_LENGTH} characters. Three random words work well.",
            field="password",
        )
    if login and normalise_login(password) == normalise_login(login):
        raise InvalidInput("The password must not be the user name.", field="password")
