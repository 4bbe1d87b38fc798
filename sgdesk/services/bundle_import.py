"""Taking a partner's share or another school's CP file transfer into this store.

Nothing here is ever overwritten. A record new to this store is added whole,
with every version it had. A record already here (same id: it travelled
before) gets only the versions it lacks; an incoming version that differs from
the one here is added *beside* it, as the next version, saying whose it was.
Importing the same bundle again finds every version already here and writes
nothing.

Pupils are matched by id (the same record), else a possible match by UPN, or
by name and date of birth, is put to the person as a question: never assumed.
A pupil confirmed as one already here keeps this school's register entry; the
incoming records are filed under it.

:func:`plan_import` reads only; :func:`apply_import` writes everything in one
audited transaction, or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.models.bundles import BundleKind
from sgdesk.models.casework import CaseContent
from sgdesk.models.chronology import ChronologyEvent
from sgdesk.models.concerns import ConcernContent
from sgdesk.models.errors import BundleRefused, Cancelled, InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import ReferralBody
from sgdesk.services.bundle_building import (
    IsCancelled,
    StageProgress,
    never_cancelled,
    no_progress,
)
from sgdesk.services.bundle_reading import OpenedBundle, Rows, check_bodies, open_bundle
from sgdesk.services.record_dates import day_text
from sgdesk.services.school_identity import require_sharing_role, school_identity_secret
from sgdesk.services.session import Session
from sgdesk.storage.bundle_log_repo import BundleLog
from sgdesk.storage.bundle_restore import reindex_arrived, rows_that_fit
from sgdesk.storage.bundle_tables import TableShape, insert_rows, table_shapes
from sgdesk.storage.database import WriteTransaction

log = logging.getLogger(__name__)

#: Record kinds with a versions table, in the order they are written, and what
#: their ``body`` holds.
BODIES: dict[str, type] = {"pupils": Pupil, "concerns": ConcernContent,
                           "body_maps": BodyMapContent, "chronology_events": ChronologyEvent,
                           "referrals": ReferralBody, "cases": CaseContent}
VERSIONED = tuple(BODIES)
#: Rows derived from a record's current version, replaced with it.
DERIVED = {"concern_children": "concern_id", "concern_actions": "concern_id",
           "body_map_marks": "map_id"}
_RECORD_NOUNS = {"pupils": "pupil", "concerns": "concern", "body_maps": "body map",
                 "chronology_events": "chronology event", "referrals": "referral",
                 "cases": "case"}
#: Everything a share or transfer may carry; anything else is refused.
MERGEABLE = frozenset({"users", "families", "chronology_significance", *VERSIONED,
                       *(f"{t[:-1]}_versions" for t in VERSIONED), *DERIVED})


@dataclass(frozen=True)
class PupilQuestion:
    """"Is this incoming pupil the one already here?" — for the person to answer."""

    incoming_id: str
    incoming: str
    local_id: str
    local: str
    why: str


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do, for the preview. Reads only."""

    bundle: OpenedBundle
    already_imported_at: str | None
    questions: tuple[PupilQuestion, ...]
    new_pupils: int
    known_pupils: int
    #: Incoming pupil ids a person matched to a pupil here in an earlier import.
    matched_before: dict[str, str] = field(default_factory=dict)
    new_records: dict[str, int] = field(default_factory=dict)
    new_versions: int = 0
    beside_versions: int = 0
    unchanged: int = 0

    @property
    def adds_anything(self) -> bool:
        return bool(sum(self.new_records.values()) or self.new_versions
                    or self.beside_versions or self.new_pupils)


@dataclass(frozen=True)
class ImportOutcome:
    records_added: int
    versions_added: int
    versions_beside: int
    log_id: str | None


def open_for_import(session: Session, ciphertext: bytes, passphrase: str | None = None, *,
                    progress: StageProgress = no_progress,
                    cancelled: IsCancelled = never_cancelled) -> OpenedBundle:
    """Decrypt and check a bundle with this school's identity (or a passphrase)."""
    require_sharing_role(session, "import bundles")
    return open_bundle(ciphertext, identities=[school_identity_secret(session)],
                       passphrase=passphrase, progress=progress, cancelled=cancelled)


# -- planning ------------------------------------------------------------------------
def plan_import(session: Session, bundle: OpenedBundle) -> ImportPlan:
    """What importing ``bundle`` would add, and which pupils need a person's answer."""
    require_sharing_role(session, "import bundles")
    kind = bundle.manifest.kind
    if kind is BundleKind.HANDOVER:
        raise BundleRefused(
            "This is a handover of a whole store. A handover is opened when setting up a "
            "new store (File \u2192 New store from a handover), not imported into one that "
            "is in use. Nothing was imported.", "wrong_kind")
    if kind is BundleKind.RECEIPT:
        raise BundleRefused("This is a receipt for a CP file transfer, not records: "
                            "it closes the transfer (transfer_receipts.take_receipt). "
                            "Nothing was imported.", "receipt")
    strays = set(bundle.tables) - MERGEABLE
    if strays:
        raise BundleRefused("This bundle carries kinds of record a share or transfer "
                            "never holds. Nothing was imported.", "malformed")
    _check_bodies(bundle)
    questions: list[PupilQuestion] = []
    new_pupils = known = 0
    earlier = BundleLog(session.db).pupil_matches()
    for row in bundle.rows("pupils"):
        if _local_row(session, "pupils", row["id"]) is not None or row["id"] in earlier:
            known += 1
            continue
        match = _possible_match(session, row)
        if match is None:
            new_pupils += 1
        else:
            questions.append(match)
    work = _Work({t.name: t for t in table_shapes(session.db)})
    asked = {q.incoming_id for q in questions}
    for table in VERSIONED:
        for row in bundle.rows(table):
            if table == "pupils" and (row["id"] in asked or row["id"] in earlier):
                continue
            _merge_record(session, None, bundle, table, _remapped(row, earlier), earlier, work)
    previous = BundleLog(session.db).imported(bundle.manifest.bundle_id)
    return ImportPlan(bundle, previous.at if previous else None, tuple(questions),
                      new_pupils, known, earlier, work.records, work.versions, work.beside,
                      work.unchanged)


def _check_bodies(bundle: OpenedBundle) -> None:
    """Every version of every record reads as its kind, and a pupil's date of birth
    (matched on) is a date: a share is small, so all of it is read before the
    preview counts anything, and nothing unreadable reaches the store."""
    check_bodies(bundle.tables, BODIES, lambda table: _RECORD_NOUNS[table])
    for row in bundle.rows("pupils"):
        try:
            if row["date_of_birth"] is not None:
                date.fromisoformat(row["date_of_birth"])
        except ValueError:
            raise BundleRefused("A pupil in this bundle has a date of birth that is not a "
                                "date. Nothing was imported.", "malformed") from None


def _possible_match(session: Session, row: Mapping[str, Any]) -> PupilQuestion | None:
    upn = str(row["upn"] or "")
    if upn:
        found = session.db.query_one("SELECT id, sort_name, date_of_birth FROM pupils "
                                     "WHERE upn = ?", (upn,))
        if found is not None:
            return PupilQuestion(row["id"], _label(row), found[0], _label(found), "the same UPN")
    if row["date_of_birth"]:
        found = session.db.query_one(
            "SELECT id, sort_name, date_of_birth FROM pupils WHERE sort_name = ? COLLATE NOCASE"
            " AND date_of_birth = ?", (row["sort_name"], row["date_of_birth"]))
        if found is not None:
            return PupilQuestion(row["id"], _label(row), found[0], _label(found),
                                 "the same name and date of birth")
    return None


def _label(row: Mapping[str, Any]) -> str:
    born = row["date_of_birth"]
    return f"{row['sort_name']}" + (f" (born {day_text(date.fromisoformat(born))})"
                                    if born else "")


# -- applying ------------------------------------------------------------------------
def apply_import(session: Session, plan: ImportPlan, same_pupil: Mapping[str, bool], *,
                 cancelled: IsCancelled = never_cancelled) -> ImportOutcome:
    """Write what the plan found, with the person's answers (incoming pupil id →
    "is the one already here"). All in one transaction; cancelling leaves nothing."""
    session.require_write()
    require_sharing_role(session, "import bundles")
    unanswered = [q for q in plan.questions if q.incoming_id not in same_pupil]
    if unanswered:
        raise InvalidInput("Say for each pupil listed whether they are the pupil already "
                           "on this register.")
    bundle = plan.bundle
    mapping = plan.matched_before | {q.incoming_id: q.local_id for q in plan.questions
                                     if same_pupil[q.incoming_id]}
    work = _Work({t.name: t for t in table_shapes(session.db)})
    with rows_that_fit(), session.db.write(session.user.id) as tx:
        _add_people(session, tx, bundle, work)
        for table in VERSIONED:
            if cancelled():
                raise Cancelled("The import was cancelled. Nothing was imported.")
            for row in bundle.rows(table):
                if table == "pupils" and row["id"] in mapping:
                    continue  # this school's register entry stays as it is
                _merge_record(session, tx, bundle, table, _remapped(row, mapping), mapping,
                              work)
        _add_significance(session, tx, bundle, mapping, work)
        reindex_arrived(tx, session.db, work.touched.get("pupils", ()),
                        work.touched.get("concerns", ()))
        log_id = None if not tx.statements else BundleLog(session.db).add(
            tx, "import", bundle.manifest.kind.value, bundle.sha256, bundle.manifest.school,
            {"bundle_id": bundle.manifest.bundle_id, "made_by": bundle.manifest.created_by,
             "made_at": bundle.manifest.created_at, "details": bundle.manifest.details,
             "records_added": work.records, "versions_added": work.versions,
             "versions_beside": work.beside, "matched": mapping},
        )
    log.info("bundle imported: %d records, %d versions", sum(work.records.values()),
             work.versions + work.beside)
    return ImportOutcome(sum(work.records.values()), work.versions, work.beside, log_id)


@dataclass
class _Work:
    """The tables (read once) and the running tally of an import or its plan."""

    shapes: dict[str, TableShape]
    records: dict[str, int] = field(default_factory=dict)
    versions: int = 0
    beside: int = 0
    unchanged: int = 0
    touched: dict[str, list[str]] = field(default_factory=dict)


def _remapped(row: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """``row`` with every incoming pupil id that was matched replaced by this
    school's id, in columns and inside JSON bodies alike (ids are UUIDs, so a
    plain replacement cannot hit anything else)."""
    if not mapping:
        return dict(row)
    out: dict[str, Any] = {}
    for column, value in row.items():
        if isinstance(value, str):
            for incoming, local in mapping.items():
                value = value.replace(incoming, local)
        out[column] = value
    return out


def _versions_of(bundle: OpenedBundle, table: str, record_id: str,
                 mapping: Mapping[str, str]) -> Rows:
    key = f"{table[:-1]}_id"
    found = [_remapped(v, mapping) for v in bundle.rows(f"{table[:-1]}_versions")]
    return sorted((v for v in found if v[key] == record_id), key=lambda v: v["number"])


def _local_row(session: Session, table: str, record_id: str) -> Any:
    return session.db.query_one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))


def _merge_record(session: Session, tx: WriteTransaction | None, bundle: OpenedBundle,
                  table: str, row: dict[str, Any], mapping: Mapping[str, str],
                  work: _Work) -> None:
    """Add one record, or the versions of it this store lacks (``tx`` None: count only)."""
    record_id = row["id"]
    versions_table, key = f"{table[:-1]}_versions", f"{table[:-1]}_id"
    incoming = _versions_of(bundle, table, record_id, mapping)
    if _local_row(session, table, record_id) is None:
        work.records[table] = work.records.get(table, 0) + 1
        if tx is not None:
            insert_rows(tx, work.shapes[table], [row])
            insert_rows(tx, work.shapes[versions_table], incoming)
            _replace_derived(tx, bundle, table, record_id, mapping, work)
            tx.audit("import", table, record_id)
            work.touched.setdefault(table, []).append(record_id)
        return
    here = session.db.query(f"SELECT number, body, saved_by, saved_at FROM {versions_table} "
                            f"WHERE {key} = ? ORDER BY number", (record_id,))
    seen = {(r["body"], r["saved_by"], r["saved_at"]) for r in here}
    by_number = {int(r["number"]): r for r in here}
    top = max(by_number, default=0)
    changed = False
    for version in incoming:
        if (version["body"], version["saved_by"], version["saved_at"]) in seen:
            work.unchanged += 1
            continue
        number = int(version["number"])
        if number == top + 1 and all(n in by_number for n in range(1, number)):
            work.versions += 1
            added = dict(version)
        else:
            work.beside += 1
            added = dict(version, number=top + 1, reason=(
                f"Imported from {bundle.manifest.school} (their version {number})"
                + (f": {version['reason']}" if version["reason"] else "")))
        top = int(added["number"])
        by_number[top] = added
        changed = True
        if tx is not None:
            insert_rows(tx, work.shapes[versions_table], [added])
            tx.audit("import", table, f"{record_id}#v{top}")
    if changed and tx is not None:
        latest = by_number[top]
        columns = [c for c in work.shapes[table].columns if c not in ("id", "version", "body")]
        sets = ", ".join(f"{c} = ?" for c in ("version", "body", *columns))
        tx.execute(f"UPDATE {table} SET {sets} WHERE id = ?",
                   (top, latest["body"], *(row[c] for c in columns), record_id))
        _replace_derived(tx, bundle, table, record_id, mapping, work)
        work.touched.setdefault(table, []).append(record_id)


def _replace_derived(tx: WriteTransaction, bundle: OpenedBundle, table: str, record_id: str,
                     mapping: Mapping[str, str], work: _Work) -> None:
    for derived, parent in DERIVED.items():
        if _parent_table(parent) != table:
            continue
        tx.execute(f"DELETE FROM {derived} WHERE {parent} = ?", (record_id,))
        rows = [_remapped(r, mapping) for r in bundle.rows(derived) if r[parent] == record_id]
        insert_rows(tx, work.shapes[derived], rows)


def _parent_table(parent_column: str) -> str:
    return {"concern_id": "concerns", "map_id": "body_maps"}[parent_column]


def _add_people(session: Session, tx: WriteTransaction, bundle: OpenedBundle,
                work: _Work) -> None:
    """Staff and families the records point at. A member of another school's staff
    becomes a user here who can never sign in (removed at once, no way in),
    named with their school so nobody mistakes them for a colleague."""
    shapes = work.shapes
    for row in bundle.rows("users"):
        if _local_row(session, "users", row["id"]) is not None:
            continue
        insert_rows(tx, shapes["users"], [dict(
            row, login=f"imported-{row['id']}",
            display_name=f"{row['display_name']} ({bundle.manifest.school})",
            removed_at=tx.now)])
        tx.audit("import", "users", row["id"])
    for row in bundle.rows("families"):
        if _local_row(session, "families", row["id"]) is None:
            insert_rows(tx, shapes["families"], [row])
            tx.audit("import", "families", row["id"])


def _add_significance(session: Session, tx: WriteTransaction, bundle: OpenedBundle,
                      mapping: Mapping[str, str], work: _Work) -> None:
    for row in bundle.rows("chronology_significance"):
        row = _remapped(row, mapping)
        exists = session.db.query_one(
            "SELECT 1 FROM chronology_significance WHERE pupil_id = ? AND source_kind = ? "
            "AND source_id = ?", (row["pupil_id"], row["source_kind"], row["source_id"]))
        if exists is None:
            insert_rows(tx, work.shapes["chronology_significance"], [row])
            tx.audit("import", "chronology_significance", row["source_id"])


def describe(plan: ImportPlan) -> str:
    """One paragraph for the preview and the command line."""
    manifest = plan.bundle.manifest
    made = stamp_day(manifest.created_at)
    parts = [f"{manifest.kind.label} from {manifest.school}, made {made} "
             f"by {manifest.created_by}."]
    if plan.already_imported_at:
        before = stamp_day(plan.already_imported_at)
        parts.append(f"This bundle was imported here before ({before}).")
    added = ", ".join(counted(n, _RECORD_NOUNS.get(t, t)) for t, n in plan.new_records.items()
                      if n)
    parts.append(f"New: {added}." if added else "No new records.")
    if plan.new_versions:
        parts.append(f"{counted(plan.new_versions, 'newer version')} of records already here.")
    if plan.beside_versions:
        parts.append(f"{counted(plan.beside_versions, 'version')} that differ from the ones "
                     "here will be added beside them (nothing here is overwritten).")
    if plan.questions:
        parts.append(f"{counted(len(plan.questions), 'pupil')} may already be on the register: "
                     "answer for each.")
    return " ".join(parts)


def counted(n: int, noun: str) -> str:
    """``1 pupil``, ``3 pupils``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def stamp_day(stamp: str) -> str:
    """A stored timestamp as the day people write (``23/11/2026``), local time."""
    return day_text(datetime.fromisoformat(stamp).astimezone().date())

