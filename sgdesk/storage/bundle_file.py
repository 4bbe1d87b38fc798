"""Sealing members into an age-encrypted tar file, and opening one again.

The plaintext never touches the disk: the tar is made from members in memory as
age reads it (:class:`TarStream`), into a temporary file beside the destination (a name that says
nothing about its content), which is renamed into place only once it is
complete and synced. Cancelling or failing removes the temporary file, so an
export either produces a whole bundle or nothing.

Opening reads the tar in memory too, accepting only regular members whose names
match :data:`~sgdesk.models.bundles.MEMBER_NAME`; nothing is ever extracted.
Every failure becomes a :class:`~sgdesk.models.errors.BundleRefused` whose
``reason`` says which kind it was.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tarfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyrage

from sgdesk.models.bundles import MEMBER_NAME
from sgdesk.models.errors import BundleRefused, Cancelled, WriteFailed

#: ``progress(done, total)``: bytes through the cipher so far, of ``total``.
Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

_AGE_MAGIC = b"age-encryption.org/v1\n"
_PASSPHRASE_STANZA = b"-> scrypt "
#: Generous limits for a hostile file: far above the reference store (≈ 60
#: members, ≈ 1 GB), far below what would exhaust a laptop.
MAX_MEMBERS = 20_000
MAX_PLAINTEXT = 8 * 1024**3


@dataclass(frozen=True)
class Sealed:
    """A written bundle: where, how big, and the SHA-256 of its encrypted bytes."""

    path: Path
    size: int
    sha256: str


def _never() -> bool:
    return False


def _no_progress(_done: int, _total: int) -> None:
    return None


class _Feed(io.RawIOBase):
    """Hands bytes to age in the chunks it asks for, reporting progress and
    stopping the moment the person cancels (age then fails, and we clean up)."""

    def __init__(self, data: BinaryIO | io.RawIOBase, total: int, progress: Progress,
                 cancelled: IsCancelled) -> None:
        self._data = data
        self._total = total
        self._done = 0
        self._progress = progress
        self._cancelled = cancelled
        self.was_cancelled = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._cancelled():
            self.was_cancelled = True
            raise Cancelled("cancelled")
        chunk = self._data.read(size) or b""
        self._done += len(chunk)
        if self._done == self._total or self._done % (1 << 22) < len(chunk):
            self._progress(self._done, self._total)
        return chunk


class _HashingSink(io.RawIOBase):
    """Where age writes the ciphertext. Keeps the disk's own error: age passes it
    on only as text inside its :class:`pyrage.EncryptError`."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.digest = hashlib.sha256()
        self.size = 0
        self.failure: OSError | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        try:
            self._out.write(data)
        except OSError as exc:
            self.failure = exc
            raise
        self.digest.update(data)
        self.size += len(data)
        return len(data)


class TarStream(io.RawIOBase):
    """An uncompressed pax tar of ``members``, produced as it is read.

    A partner untars it with any tool. Owner and mode are fixed, so the bytes
    depend only on the content. Streaming it into age, rather than joining a
    whole-store tar in memory first, keeps a handover's peak memory near the
    members themselves (a ten-year store's tar is ~850 MB).
    """

    def __init__(self, members: Sequence[tuple[str, bytes]], mtime: int) -> None:
        self._pieces: list[bytes | memoryview] = []
        for name, data in members:
            if not MEMBER_NAME.fullmatch(name):
                raise ValueError(f"not a bundle member name: {name}")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o600
            self._pieces += [info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"),
                             memoryview(data), bytes(-len(data) % tarfile.BLOCKSIZE)]
        ending = 2 * tarfile.BLOCKSIZE
        written = sum(len(piece) for piece in self._pieces) + ending
        self._pieces.append(bytes(ending + -written % tarfile.RECORDSIZE))
        #: Bytes in the whole tar.
        self.size = written + len(self._pieces[-1]) - ending
        self._index = 0
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self._index < len(self._pieces):
            piece = self._pieces[self._index]
            taken = min(len(view) - filled, len(piece) - self._offset)
            view[filled:filled + taken] = piece[self._offset:self._offset + taken]
            filled += taken
            self._offset += taken
            if self._offset == len(piece):
                self._pieces[self._index] = b""  # let each member go once it is through
                self._index += 1
                self._offset = 0
        return filled


def tar_members(members: Sequence[tuple[str, bytes]], mtime: int) -> bytes:
    """The whole tar of :class:`TarStream` as bytes (small bundles, tests)."""
    return TarStream(members, mtime).read()


def seal(plaintext: TarStream, dest: Path, *, recipients: Sequence[str] = (),
         passphrase: str | None = None, progress: Progress = _no_progress,
         cancelled: IsCancelled = _never) -> Sealed:
    """Encrypt the tar ``plaintext`` to ``dest``, streaming it through age.

    To the ``age1…`` ``recipients``, or to a ``passphrase`` (age allows one or the
    other in a file, not both; pyrage encrypts to a passphrase from bytes only, so
    that tar is joined in memory first). Raises :class:`Cancelled` or
    :class:`WriteFailed` having removed the partial file.
    """
    if bool(recipients) == bool(passphrase):
        raise ValueError("give recipients or a passphrase")
    temp = dest.with_name(f".sgdesk-{uuid.uuid4().hex}.part")
    feed = _Feed(plaintext, plaintext.size, progress, cancelled)
    sink: _HashingSink | None = None
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            sink = _HashingSink(out)
            if passphrase:
                sink.write(pyrage.passphrase.encrypt(plaintext.read(), passphrase))
                progress(plaintext.size, plaintext.size)
            else:
                keys = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
                pyrage.encrypt_io(feed, sink, keys)
            out.flush()
            os.fsync(out.fileno())
        if cancelled():
            raise Cancelled("cancelled")
        os.replace(temp, dest)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if feed.was_cancelled or isinstance(exc, Cancelled):
            raise Cancelled("The export was cancelled. No file was written.") from None
        if isinstance(exc, OSError):
            raise _os_failure(exc) from exc
        if sink is not None and sink.failure is not None:
            raise _os_failure(sink.failure) from exc
        raise
    assert sink is not None
    return Sealed(dest, sink.size, sink.digest.hexdigest())


def _os_failure(exc: OSError) -> WriteFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return WriteFailed("The disk is full, so the bundle was not written. "
                           "Free some space and try again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteFailed("That folder cannot be written to, so the bundle was not written. "
                           "Choose another folder.")
    return WriteFailed("The bundle could not be written (the disk reported an error). "
                       "Nothing was left behind; try another folder.")


def is_passphrase_bundle(ciphertext: bytes) -> bool:
    """Whether the age header says "passphrase" (so ask for one, not a key)."""
    return ciphertext.startswith(_AGE_MAGIC) and _PASSPHRASE_STANZA in ciphertext[:200]


def decrypt(ciphertext: bytes, *, identities: Sequence[str] = (),
            passphrase: str | None = None, progress: Progress = _no_progress,
            cancelled: IsCancelled = _never) -> bytes:
    """The plaintext of an age file, or :class:`BundleRefused` saying why not."""
    if not ciphertext.startswith(_AGE_MAGIC):
        raise BundleRefused("This file is not an sgdesk bundle (it is not an age-encrypted "
                            "file, or its first bytes are damaged). Nothing was imported.",
                            "not_a_bundle")
    wants_passphrase = is_passphrase_bundle(ciphertext)
    if wants_passphrase and not passphrase:
        raise BundleRefused("This bundle is protected by a passphrase. Enter the passphrase "
                            "the sender gave you.", "needs_passphrase")
    feed = _Feed(io.BytesIO(ciphertext), len(ciphertext), progress, cancelled)
    out = io.BytesIO()
    try:
        if wants_passphrase:
            assert passphrase is not None
            out.write(pyrage.passphrase.decrypt(ciphertext, passphrase))
        else:
            keys = [pyrage.x25519.Identity.from_str(i) for i in identities]
            pyrage.decrypt_io(feed, out, keys)
    except (pyrage.DecryptError, OSError) as exc:  # streaming decryption fails as OSError
        if feed.was_cancelled:
            raise Cancelled("The import was cancelled. Nothing was imported.") from None
        raise _decrypt_failure(str(exc), wants_passphrase) from None
    return out.getvalue()


def _decrypt_failure(text: str, wanted_passphrase: bool) -> BundleRefused:
    if "No matching keys" in text:
        return BundleRefused(
            "This bundle was not encrypted for this school's key, so it cannot be opened here. "
            "Ask the sender to check they used this school's public key. Nothing was imported.",
            "wrong_key")
    if wanted_passphrase and "Decryption failed" in text:
        return BundleRefused("That passphrase does not open this bundle. Check it with the "
                             "sender and try again. Nothing was imported.", "wrong_passphrase")
    return BundleRefused(
        "This bundle is damaged or incomplete (it may have been cut short in copying, or "
        "altered), so it cannot be opened. Ask the sender for a fresh copy. "
        "Nothing was imported.", "damaged")


def untar(plaintext: bytes) -> dict[str, bytes]:
    """The members of a decrypted bundle, in order, checked for shape only."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(plaintext), mode="r:") as tar:
            for info in tar:
                if len(members) >= MAX_MEMBERS:
                    raise _malformed("it has far too many parts")
                if not info.isreg() or not MEMBER_NAME.fullmatch(info.name):
                    raise _malformed("it contains a part sgdesk does not recognise")
                if info.name in members:
                    raise _malformed("a part appears twice")
                handle = tar.extractfile(info)
                if handle is None:
                    raise _malformed("a part cannot be read")
                members[info.name] = handle.read()
    except BundleRefused:
        raise
    except Exception as exc:  # tarfile raises many kinds on hostile input
        raise _malformed("its contents are not a readable archive") from exc
    return members


def _malformed(why: str) -> BundleRefused:
    return BundleRefused(f"This bundle cannot be imported: {why}. Nothing was imported.",
                         "malformed")
