"""CP file transfers sent from here: which still await a receipt, and recording one.

Kept apart from making the transfer bundle (``bundle_sharing``) so the home view
can list transfers without importing the PDF and redaction machinery.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sgdesk.models.address_book import SHARING_ROLES
from sgdesk.models.errors import InvalidInput
from sgdesk.models.sharing import TransferAwaiting, TransferBody, TransferReceipt, validate_receipt
from sgdesk.services.record_dates import day_text
from sgdesk.services.school_identity import require_sharing_role
from sgdesk.services.session import Session
from sgdesk.storage import codec
from sgdesk.storage.database import timestamp
from sgdesk.storage.pupils_repo import PupilRepository
from sgdesk.storage.versioned import VersionedTable


def transfers_awaiting_receipt(session: Session) -> list[TransferAwaiting]:
    """Transfers sent from here with no receipt yet, the earliest due first, for
    the home view (the DSL's and deputies' work: empty for other roles)."""
    if session.user.role not in SHARING_ROLES:
        return []
    rows = session.db.query(
        "SELECT id, pupil_id, moved_on, due_on, body FROM transfers "
        "WHERE direction = 'out' AND receipted_at IS NULL ORDER BY due_on, moved_on")
    names = {p.id: p.display_name for p in PupilRepository(session.db).get_many(
        sorted({str(r["pupil_id"]) for r in rows})).values()}
    today = session.db.clock().astimezone().date()
    found = []
    for row in rows:
        body = codec.loads(TransferBody, row["body"])
        due = date.fromisoformat(row["due_on"])
        found.append(TransferAwaiting(row["id"], row["pupil_id"],
                                      names.get(row["pupil_id"], "a pupil"), body.new_school,
                                      date.fromisoformat(row["moved_on"]), due, body.sent_at,
                                      overdue=today > due))
    return found


def record_receipt(session: Session, transfer_id: str, acknowledged_by: str,
                   acknowledged_at: datetime, how: str) -> None:
    """Close a transfer with the new school's receipt (from a receipt bundle or a
    printed receipt): a new version of the transfer, audited. Refused for a
    transfer that is not on record, came in, or already has its receipt."""
    require_sharing_role(session, "record a receipt for a child protection file")
    session.require_write()
    who, means = validate_receipt(acknowledged_by, how)
    moment = acknowledged_at.astimezone()
    row = session.db.query_one("SELECT version, direction, receipted_at, body FROM transfers "
                               "WHERE id = ?", (transfer_id,))
    if row is None:
        raise InvalidInput("That transfer is not on record here, so its receipt cannot be "
                           "recorded. Nothing was changed.")
    if row["direction"] != "out":
        raise InvalidInput("That file came in to this school: receipts are recorded for "
                           "files sent from here. Nothing was changed.")
    if row["receipted_at"] is not None:
        when = day_text(datetime.fromisoformat(row["receipted_at"]).astimezone().date())
        raise InvalidInput(f"The receipt for that transfer was recorded already (received "
                           f"{when}). Nothing was changed.")
    body = codec.loads(TransferBody, row["body"])
    if moment > session.db.clock():
        raise InvalidInput("The receipt cannot be dated in the future.", field="acknowledged_at")
    if moment.date() < body.sent_at.astimezone().date():
        raise InvalidInput("The receipt cannot be dated before the file was sent.",
                           field="acknowledged_at")
    receipt = TransferReceipt(who, moment, means, session.user.display_name)
    with session.db.write(session.user.id) as tx:
        VersionedTable(session.db, "transfer").amend(
            tx, transfer_id, codec.dumps(replace(body, receipt=receipt)),
            {"receipted_at": timestamp(moment)}, "Receipt recorded", int(row["version"]))
