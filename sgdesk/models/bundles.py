"""Encrypted bundles: what kinds there are and what their manifest says.

A bundle is an age-encrypted tar file (see docs/bundle-format.md). Its manifest
names the kind, the schema version of the records inside, the school that made
it, when and by whom, how many records of each table it carries and the SHA-256
of every other member, so an importer can check the whole bundle before it
writes a single row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

FORMAT_NAME = "sgdesk-bundle"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
README_NAME = "README.txt"
RECORDS_DIR = "records/"
PDF_DIR = "pdf/"

#: Names a member may have: nothing else is read, so a hostile tar cannot point
#: anywhere (no paths, no links) and a reader never guesses.
MEMBER_NAME = re.compile(r"(manifest\.json|README\.txt|records/[a-z_]{1,64}\.jsonl"
                         r"|pdf/[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.pdf"
                         r"|templates/(parts/)?[a-z0-9_]{1,64}\.txt)")
TEMPLATES_DIR = "templates/"


class BundleKind(Enum):
    HANDOVER = "handover"
    SHARE = "share"
    TRANSFER = "transfer"
    RECEIPT = "receipt"

    @property
    def label(self) -> str:
        return {
            BundleKind.HANDOVER: "Handover to a new DSL (the whole store)",
            BundleKind.SHARE: "Share with a partner agency",
            BundleKind.TRANSFER: "CP file transfer to a new school",
            BundleKind.RECEIPT: "Receipt for a CP file transfer",
        }[self]


@dataclass(frozen=True)
class Manifest:
    """The first member of every bundle. ``members`` maps member name to SHA-256 hex."""

    kind: BundleKind
    bundle_id: str
    schema_version: int
    school: str
    store_id: str
    created_at: str
    created_by: str
    counts: dict[str, int]
    members: dict[str, str]
    #: Kind-specific facts: for a share the recipient, purpose and legal basis;
    #: for a transfer the pupil's move date; for a receipt who acknowledged it.
    details: dict[str, Any] = field(default_factory=dict)
    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION

    def records_total(self) -> int:
        return sum(self.counts.values())


def records_member(table: str) -> str:
    return f"{RECORDS_DIR}{table}.jsonl"


def table_of(member: str) -> str | None:
    """``records/pupils.jsonl`` → ``pupils``; ``None`` for any other member."""
    if member.startswith(RECORDS_DIR) and member.endswith(".jsonl"):
        return member[len(RECORDS_DIR):-len(".jsonl")]
    return None
