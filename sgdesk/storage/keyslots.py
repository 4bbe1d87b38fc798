"""Key slots, LUKS-style: the store's random 256-bit key, wrapped once per secret.

The store is encrypted with one random key. Each way in — a user's password, the
recovery key, the optional keyring secret — is a *slot* holding that key wrapped
with AES-256-GCM under a key derived from the secret. Changing a password
rewrites one slot; the database is never re-encrypted.

The slots live in a small JSON file beside the store (``records.sgdesk.keys``),
written atomically. It holds no personal data: user ids are random, and logins
appear only as keyed hashes (``login_tag``) so the right slot is found without a
key derivation per user. Every field of a slot except its ciphertext is bound in
as AEAD associated data, so tampering with parameters fails authentication.

``cryptography`` is imported when a slot is sealed or opened, not when the key
file is read: reading it is on the path to the unlock screen.
"""

from __future__ import annotations

import base64
import enum
import json
import os
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sgdesk.models.errors import NotAStore, StoreDamaged, StoreTooNew, WrongPassword
from sgdesk.models.users import normalise_login
from sgdesk.storage.kdf import Argon2Params, calibrated_params, derive_key
from sgdesk.storage.store_files import write_atomically

FORMAT_NAME = "sgdesk-keyslots"
FORMAT_VERSION = 1
MASTER_KEY_BYTES = 32
_NONCE_BYTES = 12
_SALT_BYTES = 16
_NO_MATCH = "That user name and password do not match. Check Caps Lock and try again."


class SlotKind(enum.Enum):
    PASSWORD = "password"
    RECOVERY = "recovery"
    QUICK = "quick"


@dataclass(frozen=True)
class KeySlot:
    """One wrapped copy of the store key. ``kdf`` says how the wrapping key is made."""

    id: str
    kind: SlotKind
    kdf: dict[str, Any]
    nonce: bytes
    wrapped_key: bytes
    user_id: str | None = None
    login_tag: str | None = None

    def associated_data(self, store_id: str) -> bytes:
        bound = {
            "store_id": store_id,
            "id": self.id,
            "kind": self.kind.value,
            "kdf": self.kdf,
            "user_id": self.user_id,
            "login_tag": self.login_tag,
        }
        return json.dumps(bound, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "kdf": self.kdf,
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped_key),
            "user_id": self.user_id,
            "login_tag": self.login_tag,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        return cls(
            id=str(data["id"]),
            kind=SlotKind(data["kind"]),
            kdf=dict(data["kdf"]),
            nonce=_unb64(data["nonce"]),
            wrapped_key=_unb64(data["wrapped_key"]),
            user_id=data.get("user_id"),
            login_tag=data.get("login_tag"),
        )


@dataclass(frozen=True)
class DemoHint:
    """Only for demo stores of fictional pupils: the sign-in shown on the unlock screen."""

    login: str
    password: str


@dataclass(frozen=True)
class KeySlotFile:
    """The parsed key file: the store's id, its slots, and the login-tag salt."""

    store_id: str
    login_salt: bytes
    slots: tuple[KeySlot, ...] = ()
    demo: DemoHint | None = None

    # -- lookup -----------------------------------------------------------------
    def login_tag(self, login: str) -> str:
        import hashlib  # OpenSSL: loaded at the first sign-in, not when the store is claimed
        import hmac

        digest = hmac.new(self.login_salt, normalise_login(login).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:32]

    def slot_for_login(self, kind: SlotKind, login: str) -> KeySlot | None:
        tag = self.login_tag(login)
        return next((s for s in self.slots if s.kind is kind and s.login_tag == tag), None)

    def slots_of(self, kind: SlotKind) -> list[KeySlot]:
        return [s for s in self.slots if s.kind is kind]

    def slot_for_user(self, kind: SlotKind, user_id: str) -> KeySlot | None:
        return next((s for s in self.slots if s.kind is kind and s.user_id == user_id), None)

    # -- edits return new files; callers save them -------------------------------
    def with_slot(self, slot: KeySlot) -> KeySlotFile:
        """Add ``slot``, replacing any slot of the same kind for the same user."""
        kept = tuple(
            s
            for s in self.slots
            if not (slot.kind is not SlotKind.RECOVERY and s.kind is slot.kind
                    and s.user_id == slot.user_id)
            and not (slot.kind is SlotKind.RECOVERY and s.kind is SlotKind.RECOVERY)
        )
        return replace(self, slots=(*kept, slot))

    def without_user(self, user_id: str, kind: SlotKind | None = None) -> KeySlotFile:
        return replace(
            self,
            slots=tuple(
                s for s in self.slots
                if not (s.user_id == user_id and (kind is None or s.kind is kind))
            ),
        )

    # -- persistence -------------------------------------------------------------
    def to_bytes(self) -> bytes:
        data: dict[str, Any] = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "store_id": self.store_id,
            "login_salt": _b64(self.login_salt),
            "slots": [s.to_json() for s in self.slots],
        }
        if self.demo is not None:
            data["demo"] = {"login": self.demo.login, "password": self.demo.password}
        return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")

    def save(self, path: Path) -> None:
        write_atomically(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        """Read and validate a key file, raising a typed error that says what is wrong."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotAStore(
                f"{path.name} is missing, so this is not an sgdesk store "
                "(or its key file was moved away from it)."
            ) from exc
        except OSError as exc:
            raise StoreDamaged(f"The key file {path.name} cannot be read: {exc.strerror}.") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreDamaged(
                f"The key file {path.name} is damaged: it is not readable. Restore it from "
                "a backup; the store itself has not been changed."
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
            raise NotAStore(f"{path.name} is not an sgdesk key file.")
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise StoreDamaged(f"The key file {path.name} is damaged (bad version).")
        if version > FORMAT_VERSION:
            raise StoreTooNew(
                "This store was made by a newer version of sgdesk. Update sgdesk to open it."
            )
        try:
            demo = data.get("demo")
            return cls(
                store_id=str(uuid.UUID(data["store_id"])),
                login_salt=_unb64(data["login_salt"]),
                slots=tuple(KeySlot.from_json(s) for s in data["slots"]),
                demo=DemoHint(str(demo["login"]), str(demo["password"])) if demo else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreDamaged(
                f"The key file {path.name} is damaged (a key slot is malformed)."
            ) from exc


# -- making and opening slots ------------------------------------------------------
def new_key_file(demo: DemoHint | None = None) -> KeySlotFile:
    return KeySlotFile(
        store_id=str(uuid.uuid4()), login_salt=os.urandom(_SALT_BYTES), demo=demo
    )


def new_master_key() -> bytes:
    return os.urandom(MASTER_KEY_BYTES)


def make_password_slot(
    key_file: KeySlotFile,
    master_key: bytes,
    user_id: str,
    login: str,
    password: str,
    params: Argon2Params | None = None,
) -> KeySlot:
    """Wrap ``master_key`` under Argon2id(password). Slow: run off the GUI thread."""
    params = params or calibrated_params()
    salt = os.urandom(_SALT_BYTES)
    kdf = {"name": "argon2id", "salt": _b64(salt), **params.to_json()}
    wrapping_key = derive_key(password, salt, params)
    return _seal(key_file.store_id, master_key, wrapping_key, SlotKind.PASSWORD, kdf,
                 user_id=user_id, login_tag=key_file.login_tag(login))


def make_secret_slot(
    key_file: KeySlotFile,
    master_key: bytes,
    kind: SlotKind,
    secret: bytes,
    user_id: str | None = None,
    login: str | None = None,
) -> KeySlot:
    """Wrap under HKDF(secret) for high-entropy secrets (recovery key, keyring secret),
    which need no slow KDF."""
    salt = os.urandom(_SALT_BYTES)
    kdf = {"name": "hkdf-sha256", "salt": _b64(salt)}
    wrapping_key = _hkdf(secret, salt, kind)
    tag = key_file.login_tag(login) if login else None
    return _seal(key_file.store_id, master_key, wrapping_key, kind, kdf,
                 user_id=user_id, login_tag=tag)


def open_password_slot(key_file: KeySlotFile, login: str, password: str) -> tuple[bytes, KeySlot]:
    """Return the store key and the slot it came from, or raise :class:`WrongPassword`.

    An unknown login still pays for one key derivation, so timing does not tell
    which user names exist.
    """
    slot = key_file.slot_for_login(SlotKind.PASSWORD, login)
    if slot is None:
        derive_key(password, os.urandom(_SALT_BYTES), calibrated_params())
        raise WrongPassword(_NO_MATCH)
    salt, params = _argon2_from_kdf(slot.kdf)
    return _open(key_file.store_id, slot, derive_key(password, salt, params)), slot


def open_secret_slot(key_file: KeySlotFile, slot: KeySlot, secret: bytes) -> bytes:
    if slot.kdf.get("name") != "hkdf-sha256":
        raise StoreDamaged("A key slot in the key file is damaged (unknown method).")
    return _open(key_file.store_id, slot, _hkdf(secret, _unb64(slot.kdf["salt"]), slot.kind))


# -- internals ---------------------------------------------------------------------
def _seal(
    store_id: str, master_key: bytes, wrapping_key: bytes, kind: SlotKind,
    kdf: dict[str, Any], *, user_id: str | None, login_tag: str | None = None,
) -> KeySlot:
    unsealed = KeySlot(
        id=str(uuid.uuid4()), kind=kind, kdf=kdf, nonce=os.urandom(_NONCE_BYTES),
        wrapped_key=b"", user_id=user_id, login_tag=login_tag,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ciphertext = AESGCM(wrapping_key).encrypt(
        unsealed.nonce, master_key, unsealed.associated_data(store_id)
    )
    return replace(unsealed, wrapped_key=ciphertext)


def _open(store_id: str, slot: KeySlot, wrapping_key: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        key = AESGCM(wrapping_key).decrypt(slot.nonce, slot.wrapped_key,
                                           slot.associated_data(store_id))
    except InvalidTag as exc:
        if slot.kind is SlotKind.RECOVERY:
            raise WrongPassword("That recovery key does not open this store.") from exc
        raise WrongPassword(_NO_MATCH) from exc
    if len(key) != MASTER_KEY_BYTES:
        raise StoreDamaged("A key slot in the key file is damaged (wrong key length).")
    return key


def _argon2_from_kdf(kdf: dict[str, Any]) -> tuple[bytes, Argon2Params]:
    if kdf.get("name") != "argon2id":
        raise StoreDamaged("A key slot in the key file is damaged (unknown method).")
    try:
        return _unb64(kdf["salt"]), Argon2Params.from_json(kdf)
    except (KeyError, ValueError) as exc:
        raise StoreDamaged("A key slot in the key file is damaged (bad parameters).") from exc


def _hkdf(secret: bytes, salt: bytes, kind: SlotKind) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = f"sgdesk key slot {kind.value}".encode("ascii")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)
