"""Referrals and every version of them (drafts, finalising, amendments, sending,
feedback, chases, escalation), with the columns lists and clocks need.

The columns are derived from the body on every version, so the overdue-feedback
query reads the ``referrals_awaiting_feedback`` index instead of opening bodies.

Referrals are deliberately not in the full-text search index: search is open to
every role, and LADO referrals (allegations about adults) are the DSL's alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from sgdesk.models.referrals import ReferralBody
from sgdesk.models.working_days import WorkingDayCalendar
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.versioned import StoredVersion, VersionedTable


@dataclass(frozen=True)
class StoredReferral:
    """One referral with every saved version, oldest first."""

    id: str
    created_at: str
    versions: tuple[StoredVersion, ...]


@dataclass(frozen=True)
class AwaitingFeedback:
    """A sent referral with no feedback yet, from the indexed columns."""

    id: str
    version: int
    body: ReferralBody


def _columns(body: ReferralBody, calendar: WorkingDayCalendar) -> dict[str, object]:
    """The indexed columns; the decision is due by the school's working-day
    ``calendar`` (the caller reads it from the settings)."""
    sending, feedback = body.tracking.sending, body.tracking.feedback
    due = body.tracking.decision_due(calendar)
    return {
        "kind": body.content.kind.value,
        "pupil_id": body.content.pupil_id,
        "adult_concern_id": body.content.adult_concern_id,
        "state": body.state.value,
        "sent_at": sending.sent_at.astimezone(UTC).isoformat() if sending else None,
        "decision_due": due.isoformat() if due else None,
        "feedback_on": feedback.received_on.isoformat() if feedback else None,
    }


class ReferralRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "referral")

    def add(self, tx: WriteTransaction, referral_id: str, body: ReferralBody,
            calendar: WorkingDayCalendar) -> None:
        self._versions.insert(tx, referral_id, codec.dumps(body),
                              _columns(body, calendar) | {"created_at": tx.now})

    def amend(self, tx: WriteTransaction, referral_id: str, body: ReferralBody, reason: str,
              base_version: int, calendar: WorkingDayCalendar) -> int:
        return self._versions.amend(tx, referral_id, codec.dumps(body),
                                    _columns(body, calendar), reason, base_version)

    def redate_awaiting_feedback(self, tx: WriteTransaction,
                                 calendar: WorkingDayCalendar) -> None:
        """Work out again when the decision is due on every sent referral still
        awaiting feedback: the school's closure days changed. The column is derived
        from the body, so this is not a new version."""
        rows = self._db.query("SELECT id, body FROM referrals WHERE sent_at IS NOT NULL "
                              "AND feedback_on IS NULL")
        for referral_id, body in rows:
            due = codec.loads(ReferralBody, body).tracking.decision_due(calendar)
            tx.execute("UPDATE referrals SET decision_due = ? WHERE id = ?",
                       (due.isoformat() if due else None, referral_id))

    def current(self, referral_id: str) -> tuple[ReferralBody, int] | None:
        """The latest body and its version number."""
        row = self._db.query_one("SELECT body, version FROM referrals WHERE id = ?",
                                 (referral_id,))
        return (codec.loads(ReferralBody, row[0]), int(row[1])) if row else None

    def is_about_an_adult(self, referral_id: str) -> bool | None:
        """Whether it is a LADO referral (None if there is no such referral): read
        from the column, so a role check needs no body."""
        row = self._db.query_one("SELECT adult_concern_id IS NOT NULL FROM referrals "
                                 "WHERE id = ?", (referral_id,))
        return bool(row[0]) if row else None

    def get(self, referral_id: str) -> StoredReferral | None:
        found = self._with_versions("r.id = ?", [referral_id])
        return found[0] if found else None

    def for_pupil(self, pupil_id: str) -> list[StoredReferral]:
        """The pupil's referrals, oldest first (LADO referrals have no pupil)."""
        return self._with_versions("r.pupil_id = ?", [pupil_id])

    def for_adult_concern(self, adult_concern_id: str) -> list[StoredReferral]:
        """The LADO referrals about one allegation on the register, oldest first."""
        return self._with_versions("r.adult_concern_id = ?", [adult_concern_id])

    def awaiting_feedback(self, due_before: date) -> list[AwaitingFeedback]:
        """Sent referrals without feedback whose decision was due before ``due_before``."""
        rows = self._db.query(
            "SELECT id, version, body FROM referrals WHERE sent_at IS NOT NULL "
            "AND feedback_on IS NULL AND decision_due < ? ORDER BY decision_due, id",
            (due_before.isoformat(),))
        return [AwaitingFeedback(r[0], int(r[1]), codec.loads(ReferralBody, r[2]))
                for r in rows]

    def _with_versions(self, where: str, params: list[str]) -> list[StoredReferral]:
        """Referrals and all their versions in one query; referrals started in the
        same moment stay in the order they were started (rowid)."""
        rows = self._db.query(
            "SELECT r.id, r.created_at, v.number, v.body, v.saved_by, v.saved_at, v.reason "
            "FROM referrals r JOIN referral_versions v ON v.referral_id = r.id "
            f"WHERE {where} ORDER BY r.created_at, r.rowid, v.number", params)
        created: dict[str, str] = {}
        found: dict[str, list[StoredVersion]] = {}
        for row in rows:
            created[row[0]] = row[1]
            found.setdefault(row[0], []).append(StoredVersion(*tuple(row)[2:]))
        return [StoredReferral(rid, created[rid], tuple(versions))
                for rid, versions in found.items()]
