"""Destroying a pupil's file: the one place records are ever removed.

Everything else in sgdesk amends and never deletes; history tables refuse
deletion through append-only triggers. Destruction at the end of the retention
period is **the single deliberate exception**: inside one audited transaction the
append-only triggers of the history tables involved are dropped, the file's rows
removed, and the triggers re-created from their own stored SQL — exactly the
statements ``migrations._append_only`` made, read back from ``sqlite_master`` —
before the transaction commits. If anything fails, the rollback restores rows
and triggers alike.

What goes: the register entry with every version; every concern about this child
alone, with its versions, children, actions and search entry; body maps (marks,
versions); the child's chronology events and significance choices; referrals;
cases; CP file transfers; SENDCO requests; subject access requests; lifted legal
holds; drafts that name the child; the family link when the child was its last
member (with the family's own chronology events).

What stays: a concern that also involves other children is their record too, so
it stays on their files; this child is taken out of it by a new version (reason
given), which removes the link, and the earlier versions keep only this child's
id and role (concern text names nobody by structure, though free text may). The
audit chain and the bundle log keep ids only. The ``destructions`` row records what
was removed (kinds and counts), when, by whom and why, with initials and year of
birth: it has no reference to ``pupils``, which no longer holds the child.

The pupil row itself is deleted rather than kept as a tombstone: once the file's
rows are gone nothing refers to it (foreign keys are enforced, so a table added
later that still did would make the transaction fail rather than leave a gap),
and a tombstone would appear in every pupil list.

After the commit the freed pages are cleared: the full-text index is merged
inside the transaction (FTS5 otherwise keeps deleted words in its old segments,
even through VACUUM), ``secure_delete`` (on for every connection) zeroes deleted
cells, and ``VACUUM`` then a ``TRUNCATE`` checkpoint rewrite the file and empty
the write-ahead log, so the content is in no page of the store file.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sgdesk.models.concerns import ConcernContent
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.models.retention import DestructionRecord, pupil_initials
from sgdesk.storage import codec
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.database import Database, DatabaseError, WriteTransaction

log = logging.getLogger(__name__)

#: The reason given on the new version of a concern this child shared with others.
SHARED_CONCERN_REASON = ("One child's file was destroyed at the end of its retention period: "
                         "that child is no longer linked to this concern.")

#: History tables whose rows a destruction removes (their append-only triggers are
#: lifted for the transaction only).
_HISTORY_TABLES = ("pupil_versions", "concern_versions", "body_map_versions",
                   "chronology_event_versions", "referral_versions", "case_versions",
                   "transfer_versions", "sendco_request_versions",
                   "subject_access_request_versions", "legal_hold_versions")

#: Every table with a column referring to ``pupils``, with that column: what a
#: destruction clears (the test of the schema keeps this list complete).
PUPIL_REFERENCES = (("pupil_versions", "pupil_id"), ("concern_children", "pupil_id"),
                    ("body_maps", "pupil_id"), ("chronology_events", "pupil_id"),
                    ("chronology_significance", "pupil_id"), ("referrals", "pupil_id"),
                    ("cases", "pupil_id"), ("transfers", "pupil_id"),
                    ("sendco_requests", "pupil_id"), ("legal_holds", "pupil_id"),
                    ("subject_access_requests", "pupil_id"))

_CHUNK = 500


@dataclass(frozen=True)
class FilePlan:
    """What destroying one pupil's file removes (ids per table) and what it keeps."""

    pupil_id: str
    pupil_versions: int
    concerns: tuple[str, ...]
    shared_concerns: tuple[str, ...]
    body_maps: tuple[str, ...]
    chronology_events: tuple[str, ...]
    referrals: tuple[str, ...]
    cases: tuple[str, ...]
    transfers: tuple[str, ...]
    sendco_requests: tuple[str, ...]
    subject_access_requests: tuple[str, ...]
    legal_holds: tuple[str, ...]
    drafts: int
    family_id: str | None

    def counts(self) -> dict[str, int]:
        """Counts per kind, keyed as :data:`sgdesk.models.retention.REMOVED_KINDS`."""
        return {"pupil_versions": self.pupil_versions, "concerns": len(self.concerns),
                "concern_links": len(self.shared_concerns), "body_maps": len(self.body_maps),
                "chronology_events": len(self.chronology_events),
                "referrals": len(self.referrals), "cases": len(self.cases),
                "transfers": len(self.transfers),
                "sendco_requests": len(self.sendco_requests),
                "subject_access_requests": len(self.subject_access_requests),
                "legal_holds": len(self.legal_holds), "drafts": self.drafts,
                "families": int(self.family_id is not None)}

    @property
    def removed_ids(self) -> tuple[str, ...]:
        return (self.pupil_id, *self.concerns, *self.body_maps, *self.chronology_events,
                *self.referrals, *self.cases, *self.transfers, *self.sendco_requests,
                *self.subject_access_requests, *self.legal_holds)


def _ids(db: Database, sql: str, params: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(r[0]) for r in db.query(sql, params))


def plan_destruction(db: Database, pupil_id: str) -> FilePlan:
    """What destroying ``pupil_id``'s file would remove. Read only: the service shows
    it before asking, and :func:`destroy_pupil_file` reads it again inside its
    transaction."""
    involved = db.query(
        "SELECT cc.concern_id, (SELECT count(*) FROM concern_children o "
        "  WHERE o.concern_id = cc.concern_id AND o.pupil_id <> cc.pupil_id) "
        "FROM concern_children cc WHERE cc.pupil_id = ? ORDER BY cc.concern_id", (pupil_id,))
    concerns = tuple(str(r[0]) for r in involved if not r[1])
    shared = tuple(str(r[0]) for r in involved if r[1])
    body_maps = _ids(db, "SELECT id FROM body_maps WHERE pupil_id = ? ORDER BY id",
                     (pupil_id,)) + _in(db, "SELECT id FROM body_maps WHERE pupil_id <> ? AND "
                                            "concern_id IN ({})", (pupil_id,), concerns)
    cases = _ids(db, "SELECT id FROM cases WHERE pupil_id = ? ORDER BY id", (pupil_id,))
    family_row = db.query_one("SELECT family_id FROM pupils WHERE id = ?", (pupil_id,))
    family_id = str(family_row[0]) if family_row and family_row[0] else None
    orphaned = family_id is not None and db.query_one(
        "SELECT 1 FROM pupils WHERE family_id = ? AND id <> ?", (family_id, pupil_id)) is None
    events = _ids(db, "SELECT id FROM chronology_events WHERE pupil_id = ? ORDER BY id",
                  (pupil_id,))
    if orphaned and family_id is not None:
        events += _ids(db, "SELECT id FROM chronology_events WHERE family_id = ? "
                           "AND pupil_id IS NULL ORDER BY id", (family_id,))
    sendco = _ids(db, "SELECT id FROM sendco_requests WHERE pupil_id = ? ORDER BY id",
                  (pupil_id,))
    sendco += _in(db, "SELECT id FROM sendco_requests WHERE pupil_id <> ? AND record_id IN ({})",
                  (pupil_id,), (*concerns, *cases))
    version_count = db.query_one("SELECT count(*) FROM pupil_versions WHERE pupil_id = ?",
                                 (pupil_id,))
    plan = FilePlan(
        pupil_id=pupil_id,
        pupil_versions=int(version_count[0]) if version_count else 0,
        concerns=concerns, shared_concerns=shared, body_maps=body_maps,
        chronology_events=events,
        referrals=_ids(db, "SELECT id FROM referrals WHERE pupil_id = ? ORDER BY id",
                       (pupil_id,)),
        cases=cases,
        transfers=_ids(db, "SELECT id FROM transfers WHERE pupil_id = ? ORDER BY id",
                       (pupil_id,)),
        sendco_requests=sendco,
        subject_access_requests=_ids(
            db, "SELECT id FROM subject_access_requests WHERE pupil_id = ? ORDER BY id",
            (pupil_id,)),
        legal_holds=_ids(db, "SELECT id FROM legal_holds WHERE pupil_id = ? ORDER BY id",
                         (pupil_id,)),
        drafts=0,
        family_id=(family_id if orphaned and _family_unused_after(db, family_id, pupil_id, cases)
                   else None),
    )
    return replace(plan, drafts=len(_draft_keys(db, pupil_id, plan.removed_ids)))


def _in(db: Database, sql: str, params: Sequence[str], ids: Sequence[str]) -> tuple[str, ...]:
    """``sql`` with its ``IN ({})`` filled by ``ids``, in chunks."""
    found: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found += _ids(db, sql.format(", ".join("?" * len(chunk))), (*params, *chunk))
    return tuple(found)


def _family_unused_after(db: Database, family_id: str | None, pupil_id: str,
                         cases: Sequence[str]) -> bool:
    """Nothing but this child's file still names the family: no other case, and no
    other child's chronology event."""
    others = db.query("SELECT id FROM cases WHERE family_id = ?", (family_id,))
    return all(str(r[0]) in cases for r in others) and db.query_one(
        "SELECT 1 FROM chronology_events WHERE family_id = ? AND pupil_id IS NOT NULL "
        "AND pupil_id <> ?", (family_id, pupil_id)) is None


def _draft_keys(db: Database, pupil_id: str,
                record_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """Drafts for this child: a form for them or one of their records, or text that
    names them (a new concern's children are listed by id)."""
    wanted = {pupil_id, *record_ids}
    return [(str(r[0]), str(r[1]), str(r[2])) for r in db.query(
        "SELECT user_id, kind, ref, body FROM drafts")
        if r[2] in wanted or pupil_id in str(r[2]) or pupil_id in str(r[3])]


def destroy_pupil_file(db: Database, actor_id: str, pupil_id: str, reason: str,
                       retention: str) -> DestructionRecord:
    """Remove the file in one audited transaction, write its destruction record, then
    clear the freed pages. The caller has checked the role, the hold, the review date
    and the confirmation; ``reason`` and ``retention`` (the period applied, in words)
    go into the record."""
    destruction_id = str(uuid.uuid4())
    with db.write(actor_id) as tx:
        row = db.query_one("SELECT body FROM pupils WHERE id = ?", (pupil_id,))
        if row is None:
            raise InvalidInput("That pupil is not on the register.")
        pupil = codec.loads(Pupil, row[0])
        plan = plan_destruction(db, pupil_id)
        _take_out_of_shared_concerns(tx, db, pupil_id, plan.shared_concerns)
        _remove_derived(tx, db, plan)
        triggers = _lift_append_only(tx, db)
        _remove_records(tx, plan)
        _restore_append_only(tx, triggers)
        tx.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        born = pupil.date_of_birth or pupil.expected_date_of_birth
        record = DestructionRecord(
            id=destruction_id, pupil_id=pupil_id,
            destroyed_at=datetime.fromisoformat(tx.now), destroyed_by=actor_id,
            reason=reason, initials=pupil_initials(pupil),
            birth_year=born.year if born else None, retention=retention,
            removed={k: n for k, n in plan.counts().items() if n})
        tx.execute("INSERT INTO destructions (id, pupil_id, destroyed_at, destroyed_by, body) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (destruction_id, pupil_id, tx.now, actor_id, codec.dumps(record)))
        tx.audit("create", "destructions", destruction_id)
    log.info("pupil file destroyed (destruction %s)", destruction_id)
    clear_freed_pages(db)
    return record


def destructions(db: Database) -> list[DestructionRecord]:
    """Every destruction record, the most recent first."""
    return [codec.loads(DestructionRecord, r[0]) for r in db.query(
        "SELECT body FROM destructions ORDER BY destroyed_at DESC, id")]


def clear_freed_pages(db: Database) -> None:
    """Rewrite the store so no freed page keeps deleted content, and empty the WAL.

    ``secure_delete`` has already zeroed the deleted cells; a failure here (a full
    disk: VACUUM needs room for a copy) is logged and the next run clears the rest."""
    conn = db.conn
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except DatabaseError:
        log.warning("store compaction after a destruction failed")


# -- inside the transaction -------------------------------------------------------------
def _take_out_of_shared_concerns(tx: WriteTransaction, db: Database, pupil_id: str,
                                 concern_ids: Iterable[str]) -> None:
    """A new version of each shared concern without this child: the other children's
    record stays whole, and the derived link row goes."""
    repo = ConcernRepository(db)
    for concern_id in concern_ids:
        stored = repo.get(concern_id)
        if stored is None:
            continue
        content: ConcernContent = stored.content
        children = tuple(c for c in content.children if c.pupil_id != pupil_id)
        repo.amend(tx, concern_id, replace(content, children=children), SHARED_CONCERN_REASON,
                   stored.version)


def _remove_derived(tx: WriteTransaction, db: Database, plan: FilePlan) -> None:
    """Rows derived from the file: significance choices, drafts, search entries."""
    removed = plan.removed_ids
    tx.execute("DELETE FROM chronology_significance WHERE pupil_id = ?", (plan.pupil_id,))
    _delete_in(tx, "DELETE FROM chronology_significance WHERE source_id IN ({})", removed)
    for user_id, kind, ref in _draft_keys(db, plan.pupil_id, removed):
        tx.execute("DELETE FROM drafts WHERE user_id = ? AND kind = ? AND ref = ?",
                   (user_id, kind, ref))
    keys = [("pupil", plan.pupil_id), *(("concern", c) for c in plan.concerns)]
    for kind, record_id in keys:
        found = db.query_one("SELECT rowid FROM search_keys WHERE kind = ? AND record_id = ?",
                             (kind, record_id))
        if found is not None:
            tx.execute("DELETE FROM search_index WHERE rowid = ?", (found[0],))
            tx.execute("DELETE FROM search_keys WHERE rowid = ?", (found[0],))


def _lift_append_only(tx: WriteTransaction, db: Database) -> list[tuple[str, str]]:
    """Drop the history tables' append-only triggers; returns (name, SQL) to restore."""
    marks = ", ".join("?" * len(_HISTORY_TABLES))
    triggers = [(str(r[0]), str(r[1])) for r in db.query(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) "
        "AND name LIKE '%\\_append\\_only\\_%' ESCAPE '\\' ORDER BY name", _HISTORY_TABLES)]
    for name, _sql in triggers:
        tx.execute(f'DROP TRIGGER "{name}"')
    return triggers


def _restore_append_only(tx: WriteTransaction, triggers: list[tuple[str, str]]) -> None:
    for _name, sql in triggers:
        tx.execute(sql)


def _remove_records(tx: WriteTransaction, plan: FilePlan) -> None:
    """Children before parents, so every foreign key holds at each step."""
    steps: tuple[tuple[str, str, Sequence[str]], ...] = (
        ("body_map_marks", "map_id", plan.body_maps),
        ("body_map_versions", "body_map_id", plan.body_maps),
        ("body_maps", "id", plan.body_maps),
        ("concern_actions", "concern_id", plan.concerns),
        ("concern_children", "concern_id", plan.concerns),
        ("concern_versions", "concern_id", plan.concerns),
        ("concerns", "id", plan.concerns),
        ("chronology_event_versions", "chronology_event_id", plan.chronology_events),
        ("chronology_events", "id", plan.chronology_events),
        ("referral_versions", "referral_id", plan.referrals),
        ("referrals", "id", plan.referrals),
        ("case_versions", "case_id", plan.cases),
        ("cases", "id", plan.cases),
        ("transfer_versions", "transfer_id", plan.transfers),
        ("transfers", "id", plan.transfers),
        ("sendco_request_versions", "sendco_request_id", plan.sendco_requests),
        ("sendco_requests", "id", plan.sendco_requests),
        ("subject_access_request_versions", "subject_access_request_id",
         plan.subject_access_requests),
        ("subject_access_requests", "id", plan.subject_access_requests),
        ("legal_hold_versions", "legal_hold_id", plan.legal_holds),
        ("legal_holds", "id", plan.legal_holds),
        ("pupil_versions", "pupil_id", (plan.pupil_id,)),
        ("pupils", "id", (plan.pupil_id,)),
        ("families", "id", (plan.family_id,) if plan.family_id else ()),
    )
    for table, column, ids in steps:
        _delete_in(tx, f"DELETE FROM {table} WHERE {column} IN ({{}})", ids)
    for table in ("body_maps", "concerns", "chronology_events", "referrals", "cases",
                  "transfers", "sendco_requests", "subject_access_requests", "legal_holds"):
        for record_id in getattr(plan, table):
            tx.audit("destroy", table, record_id)
    tx.audit("destroy", "pupils", plan.pupil_id)
    if plan.family_id:
        tx.audit("destroy", "families", plan.family_id)


def _delete_in(tx: WriteTransaction, sql: str, ids: Sequence[str]) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        tx.execute(sql.format(", ".join("?" * len(chunk))), chunk)
