"""Putting a bundle together: members, manifest, README, encryption, the log.

Every kind of bundle (handover, partner share, CP file transfer, receipt) is
made here from a list of record tables and PDFs; what differs between kinds is
only which rows go in (see ``bundle_export`` and ``bundle_sharing``). The
bundle is logged in ``bundle_log`` after it is written, so the log never claims
a bundle that does not exist.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sgdesk.models.bundles import (
    MANIFEST_NAME,
    PDF_DIR,
    README_NAME,
    TEMPLATES_DIR,
    BundleKind,
    Manifest,
    records_member,
)
from sgdesk.models.errors import Cancelled
from sgdesk.services.session import Session
from sgdesk.storage import bundle_file, codec
from sgdesk.storage.bundle_log_repo import BundleLog
from sgdesk.storage.bundle_tables import jsonl
from sgdesk.storage.database import timestamp
from sgdesk.storage.settings_repo import KeyValueTable

#: ``progress(stage, fraction)``: what is happening, in words, and how far (0–1).
StageProgress = Callable[[str, float], None]
IsCancelled = Callable[[], bool]


def no_progress(_stage: str, _fraction: float) -> None:
    return None


def never_cancelled() -> bool:
    return False


@dataclass(frozen=True)
class Encryption:
    """Who can open the bundle: age public keys (``age1…``), or one passphrase."""

    recipients: tuple[str, ...] = ()
    passphrase: str | None = None
    #: How the log names the recipients (address-book names, or "passphrase").
    described_as: str = ""


@dataclass(frozen=True)
class JsonLines:
    """A table's rows already written as JSON Lines, and how many there were.

    A handover encodes each table as it reads it, so the whole store is never
    held as Python rows at once (1.3 GB for ten years), only as these bytes."""

    data: bytes
    count: int

    @classmethod
    def of(cls, rows: Iterable[Mapping[str, Any]]) -> JsonLines:
        counted = _Counted(rows)
        return cls(jsonl(counted), counted.count)


class _Counted:
    """Passes rows through, counting them."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        for row in self._rows:
            self.count += 1
            yield row


@dataclass
class BundleContent:
    """What goes in: rows per table (already chosen and redacted, or encoded as
    they were read), PDFs, templates."""

    kind: BundleKind
    tables: dict[str, list[Mapping[str, Any]] | JsonLines] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    templates: dict[str, bytes] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    #: Who the manifest says made it; the signed-in user unless a share with
    #: staff anonymised names its sender by their alias too.
    made_by: str | None = None


@dataclass(frozen=True)
class WrittenBundle:
    manifest: Manifest
    path: Path
    size: int
    sha256: str
    plaintext_size: int


def write_bundle(session: Session, content: BundleContent, dest: Path, encryption: Encryption,
                 *, progress: StageProgress = no_progress,
                 cancelled: IsCancelled = never_cancelled,
                 log_body: Mapping[str, Any] | None = None) -> WrittenBundle:
    """Seal ``content`` into ``dest`` and log it. The tables' rows must be read
    already (so the caller reports that stage); this encrypts and writes."""
    encoded = {table: rows if isinstance(rows, JsonLines) else JsonLines.of(rows)
               for table, rows in content.tables.items()}
    members = [(records_member(table), lines.data) for table, lines in encoded.items()]
    members += [(PDF_DIR + name, data) for name, data in sorted(content.pdfs.items())]
    members += [(TEMPLATES_DIR + name, data) for name, data in sorted(content.templates.items())]
    if cancelled():
        raise Cancelled("The export was cancelled. No file was written.")
    meta = KeyValueTable(session.db, "meta")
    now = timestamp(session.db.clock())
    manifest = Manifest(
        kind=content.kind,
        bundle_id=str(uuid.uuid4()),
        schema_version=session.db.user_version(),
        school=session.school_name,
        store_id=str(meta.get("store_id", "")),
        created_at=now,
        created_by=content.made_by or session.user.display_name,
        counts={table: lines.count for table, lines in encoded.items()},
        members={name: hashlib.sha256(data).hexdigest() for name, data in members},
        details=content.details,
    )
    readme = _readme(manifest).encode("utf-8")
    manifest = _with_member(manifest, README_NAME, readme)
    plaintext = bundle_file.TarStream(
        [(MANIFEST_NAME, manifest_bytes(manifest)), (README_NAME, readme), *members],
        mtime=int(session.db.clock().timestamp()),
    )
    del members, encoded  # the tar holds the only references: each goes once sealed
    sealed = bundle_file.seal(
        plaintext, dest, recipients=encryption.recipients, passphrase=encryption.passphrase,
        progress=lambda done, total: progress("Encrypting", done / max(total, 1)),
        cancelled=cancelled,
    )
    body = {"bundle_id": manifest.bundle_id, "counts": manifest.counts,
            "details": manifest.details, **(log_body or {})}
    with session.db.write(session.user.id) as tx:
        BundleLog(session.db).add(tx, "export", content.kind.value, sealed.sha256,
                                  encryption.described_as, codec.to_jsonable(body))
    return WrittenBundle(manifest, sealed.path, sealed.size, sealed.sha256, plaintext.size)


def manifest_bytes(manifest: Manifest) -> bytes:
    return (codec.dumps(manifest) + "\n").encode("utf-8")


def _with_member(manifest: Manifest, name: str, data: bytes) -> Manifest:
    members = {name: hashlib.sha256(data).hexdigest(), **manifest.members}
    return Manifest(**{**vars(manifest), "members": members})


def _readme(manifest: Manifest) -> str:
    """Plain words for a person opening the bundle without sgdesk."""
    lines = [
        f"sgdesk bundle: {manifest.kind.label}",
        f"From: {manifest.school}",
        f"Made: {manifest.created_at} by {manifest.created_by}",
        "",
        "OFFICIAL-SENSITIVE. This bundle holds child-protection records. Keep it",
        "encrypted; store and destroy what you extract in line with your own",
        "information-sharing policy.",
        "",
        "What is inside:",
        "  pdf/       the records as printed pages (read these first)",
        "  records/   the same records as JSON Lines, one file per table",
        "  manifest.json   what the bundle holds and a SHA-256 of every part",
        "",
        "The format is described in sgdesk's docs/bundle-format.md.",
    ]
    return "\n".join(lines) + "\n"
