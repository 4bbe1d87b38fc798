"""The audit chain: every write leaves a row whose hash covers the one before it.

Editing, deleting or reordering any row behind the app's back breaks the chain,
which ``sgdesk verify`` reports. Pure functions only: storage keeps the rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One write: who did what to which row, when. Never holds record content."""

    seq: int
    at: str
    actor_id: str
    action: str
    table_name: str
    row_id: str
    prev_hash: str
    hash: str = ""


def entry_hash(
    seq: int, at: str, actor_id: str, action: str, table_name: str, row_id: str, prev_hash: str
) -> str:
    """SHA-256 over a canonical JSON array of the entry's fields and the previous hash."""
    payload = json.dumps(
        [seq, at, actor_id, action, table_name, row_id, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: ``ok`` and, if not, where and why it broke."""

    ok: bool
    entries: int
    problem: str = ""


def verify_chain(entries: list[AuditEntry], head: tuple[int, str] | None) -> ChainReport:
    """Check sequence numbers run 1..n without gaps, each hash is right and links back,
    and the last entry matches the recorded head (so truncation is caught too)."""
    prev = GENESIS_HASH
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            return ChainReport(False, len(entries), f"audit entry {expected_seq} is missing")
        if entry.prev_hash != prev:
            return ChainReport(
                False, len(entries), f"audit entry {entry.seq} does not link to the one before"
            )
        recomputed = entry_hash(
            entry.seq, entry.at, entry.actor_id, entry.action, entry.table_name,
            entry.row_id, entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainReport(False, len(entries), f"audit entry {entry.seq} has been altered")
        prev = entry.hash
    last = (entries[-1].seq, entries[-1].hash) if entries else (0, GENESIS_HASH)
    if head is not None and head != last:
        return ChainReport(
            False, len(entries), "the audit chain has been cut short or its head altered"
        )
    return ChainReport(True, len(entries))
