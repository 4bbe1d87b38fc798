"""The pupil register and families. Pupils are never deleted."""

from __future__ import annotations

import uuid
from typing import Any

from sgdesk.models.pupils import Pupil, PupilListEntry, SendStatus
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction
from sgdesk.storage.search_index import SearchIndex
from sgdesk.storage.versioned import StoredVersion, VersionedTable


def _columns(pupil: Pupil) -> dict[str, Any]:
    return {
        "family_id": pupil.family_id,
        "sort_name": f"{pupil.legal_surname}, {pupil.preferred_name or pupil.legal_forename}",
        "year_group": pupil.year_group,
        "send_status": pupil.send_status.value,
        "upn": pupil.upn,
        "date_of_birth": pupil.date_of_birth.isoformat() if pupil.date_of_birth else None,
        "date_left": pupil.date_left.isoformat() if pupil.date_left else None,
    }


def search_text(pupil: Pupil) -> tuple[str, str]:
    names = [pupil.legal_forename, pupil.legal_surname, pupil.preferred_name, *pupil.aliases]
    return " ".join(n for n in names if n), " ".join(
        t for t in (pupil.upn, pupil.year_group, pupil.form) if t
    )


class PupilRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "pupil")

    def add(self, tx: WriteTransaction, pupil: Pupil) -> None:
        self._versions.insert(tx, pupil.id, codec.dumps(pupil), _columns(pupil))
        SearchIndex(self._db).put(tx, "pupil", pupil.id, *search_text(pupil))

    def amend(self, tx: WriteTransaction, pupil: Pupil, reason: str, base_version: int) -> int:
        number = self._versions.amend(tx, pupil.id, codec.dumps(pupil), _columns(pupil), reason,
                                      base_version)
        SearchIndex(self._db).put(tx, "pupil", pupil.id, *search_text(pupil))
        return number

    def get(self, pupil_id: str) -> tuple[Pupil, int] | None:
        row = self._db.query_one("SELECT body, version FROM pupils WHERE id = ?", (pupil_id,))
        return (codec.loads(Pupil, row[0]), int(row[1])) if row else None

    def get_many(self, pupil_ids: list[str]) -> dict[str, Pupil]:
        if not pupil_ids:
            return {}
        marks = ", ".join("?" * len(pupil_ids))
        rows = self._db.query(f"SELECT body FROM pupils WHERE id IN ({marks})", pupil_ids)
        pupils = (codec.loads(Pupil, r[0]) for r in rows)
        return {p.id: p for p in pupils}

    def history(self, pupil_id: str) -> list[StoredVersion]:
        return self._versions.history(pupil_id)

    def by_upn(self, upn: str) -> str | None:
        row = self._db.query_one("SELECT id FROM pupils WHERE upn = ?", (upn,))
        return str(row[0]) if row else None

    def list_entries(self) -> list[PupilListEntry]:
        """Every pupil for the list, with their open concern count, in name order.

        The open concerns are counted first, from the ``concerns_open`` index (their
        ids are in it, so no concern row is read), and joined on: a per-pupil
        subquery would read every concern row (with its JSON body) just to test its
        status — 3.7 s instead of 0.14 s on the reference store."""
        query = """
            SELECT p.id, p.sort_name, p.year_group, p.send_status, p.date_left IS NOT NULL,
                   coalesce(o.n, 0), p.family_id
            FROM pupils p LEFT JOIN (
                SELECT cc.pupil_id, count(*) AS n
                FROM concerns c JOIN concern_children cc ON cc.concern_id = c.id
                WHERE c.status IN ('awaiting_review', 'open') GROUP BY cc.pupil_id
            ) o ON o.pupil_id = p.id
            ORDER BY p.sort_name"""
        return [
            PupilListEntry(r[0], r[1], r[2], SendStatus(r[3]), bool(r[4]), int(r[5]), r[6])
            for r in self._db.query(query)
        ]

    def family_members(self, family_id: str) -> list[str]:
        return [r[0] for r in self._db.query(
            "SELECT id FROM pupils WHERE family_id = ? ORDER BY date_of_birth", (family_id,))]

    def new_family(self, tx: WriteTransaction, label: str) -> str:
        family_id = str(uuid.uuid4())
        tx.execute("INSERT INTO families (id, label, created_at) VALUES (?, ?, ?)",
                   (family_id, label, tx.now))
        tx.audit("create", "families", family_id)
        return family_id

    def family_label(self, family_id: str) -> str:
        row = self._db.query_one("SELECT label FROM families WHERE id = ?", (family_id,))
        return str(row[0]) if row else ""
