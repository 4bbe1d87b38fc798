"""Checking and copying a store: ``sgdesk verify`` and ``sgdesk backup``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sgdesk.models.audit import verify_chain
from sgdesk.services.session import Session
from sgdesk.storage import migrations
from sgdesk.storage.audit_repo import AuditRepository
from sgdesk.storage.backup import copy_store
from sgdesk.storage.store_files import normalise_store_path


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class VerifyReport:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        return [f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.detail}" for c in self.checks]


def verify_store(session: Session) -> VerifyReport:
    """Page HMACs and SQLite structure, schema version, and the audit chain."""
    db = session.db
    problems = db.integrity_problems()
    integrity = Check(
        "encryption and structure", not problems,
        "every page authenticates and the structure is sound" if not problems
        else "; ".join(problems[:5]),
    )
    version = db.user_version()
    schema = Check(
        "schema version", version == migrations.LATEST_VERSION,
        f"version {version}" + ("" if version == migrations.LATEST_VERSION
                                else f", expected {migrations.LATEST_VERSION}"),
    )
    audit = AuditRepository(db)
    report = verify_chain(audit.entries(), audit.head())
    chain = Check("audit chain", report.ok,
                  f"{report.entries} entries intact" if report.ok else report.problem)
    return VerifyReport((integrity, schema, chain))


def backup_store(session: Session, dest: Path) -> Path:
    """An encrypted copy with its key file: the same passwords and recovery key open it."""
    target = normalise_store_path(dest)
    copy_store(session.db, session.store.files, target)
    with session.db.write(session.user.id) as tx:
        tx.audit("backup", "store", target.name)
    return target
