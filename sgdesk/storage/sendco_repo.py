"""Questions to the SENDCO and their answers (migration v9), with the columns the
record views and the home view select on: the pupil, the record, when it was
asked and when (if yet) it was answered. Every change is a new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sgdesk.models.sendco import SendcoRequest
from sgdesk.storage import codec
from sgdesk.storage.database import Database, WriteTransaction, timestamp
from sgdesk.storage.versioned import VersionedTable

_SELECT = "SELECT id, version, body FROM sendco_requests"


@dataclass(frozen=True)
class StoredRequest:
    """A request as it stands now, with its version number."""

    id: str
    version: int
    request: SendcoRequest


def _columns(request: SendcoRequest) -> dict[str, Any]:
    return {
        "pupil_id": request.pupil_id,
        "record_kind": request.record_kind.value,
        "record_id": request.record_id,
        "asked_at": timestamp(request.asked_at),
        "answered_at": timestamp(request.answered_at) if request.answered_at else None,
    }


class SendcoRequestRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._versions = VersionedTable(db, "sendco_request")

    def add(self, tx: WriteTransaction, request_id: str, request: SendcoRequest) -> None:
        self._versions.insert(tx, request_id, codec.dumps(request), _columns(request))

    def amend(self, tx: WriteTransaction, request_id: str, request: SendcoRequest, reason: str,
              base_version: int) -> int:
        return self._versions.amend(tx, request_id, codec.dumps(request), _columns(request),
                                    reason, base_version)

    def get(self, request_id: str) -> StoredRequest | None:
        found = self._select("WHERE id = ?", (request_id,))
        return found[0] if found else None

    def for_record(self, record_id: str) -> list[StoredRequest]:
        """The requests about one concern or case, the first asked first."""
        return self._select("WHERE record_id = ? ORDER BY asked_at, rowid", (record_id,))

    def unanswered(self) -> list[StoredRequest]:
        """Every request still waiting for an answer, the longest waiting first."""
        return self._select("WHERE answered_at IS NULL ORDER BY asked_at, rowid")

    def answered_since(self, moment: datetime) -> list[StoredRequest]:
        """Requests answered at or after ``moment``, the latest answered first."""
        return self._select("WHERE answered_at >= ? ORDER BY answered_at DESC, rowid",
                            (timestamp(moment),))

    def _select(self, where: str, params: tuple[str, ...] = ()) -> list[StoredRequest]:
        return [StoredRequest(row[0], int(row[1]), codec.loads(SendcoRequest, row[2]))
                for row in self._db.query(f"{_SELECT} {where}", params)]
