"""Receipts for CP file transfers: the new school says it has the file.

When a transfer bundle is imported, the receiving DSL makes a receipt: a small
age bundle encrypted back to the sending school (its key travels in the
transfer's manifest as ``reply_to``), carrying a printable receipt page too,
so a sending school without sgdesk can still read it. A school without sgdesk
on the receiving side prints :func:`receipt_page_pdf`'s blank form instead and
the sender records it by hand (``bundle_sharing.record_receipt``).

Importing a receipt closes the transfer with who acknowledged it and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from sgdesk.models.bundles import BundleKind
from sgdesk.models.errors import BundleRefused
from sgdesk.services.bundle_building import BundleContent, Encryption, WrittenBundle, write_bundle
from sgdesk.services.bundle_reading import OpenedBundle
from sgdesk.services.pdf.layout import STYLES, DocumentFrame, key_value_table, para, render_pdf
from sgdesk.services.record_dates import moment_text
from sgdesk.services.school_identity import require_sharing_role
from sgdesk.services.session import Session
from sgdesk.services.transfers import record_receipt


@dataclass(frozen=True)
class TransferReceived:
    """What a receipt says about a transfer that arrived here."""

    transfer_id: str
    bundle_id: str
    from_school: str
    reply_to: str


def transfer_received(bundle: OpenedBundle) -> TransferReceived:
    """The facts a receipt needs from an imported transfer bundle."""
    details = bundle.manifest.details
    if bundle.manifest.kind is not BundleKind.TRANSFER or not details.get("transfer_id"):
        raise BundleRefused("Only a CP file transfer has a receipt. Nothing was written.",
                            "wrong_kind")
    return TransferReceived(str(details["transfer_id"]), bundle.manifest.bundle_id,
                            bundle.manifest.school, str(details.get("reply_to", "")))


def export_receipt(session: Session, received: TransferReceived, dest: Path) -> WrittenBundle:
    """A receipt bundle for the sending school, encrypted to its key."""
    require_sharing_role(session, "acknowledge a child protection file")
    if not received.reply_to:
        raise BundleRefused("The transfer did not say where to send a receipt. Print the "
                            "receipt page and send it to the school instead.", "no_reply_to")
    now = session.db.clock()
    details = {"transfer_id": received.transfer_id, "bundle_id": received.bundle_id,
               "acknowledged_by": session.user.display_name,
               "acknowledged_at": now.isoformat(), "receiving_school": session.school_name}
    page = receipt_page_pdf(received, session.school_name, session.user.display_name, now)
    content = BundleContent(BundleKind.RECEIPT, pdfs={"receipt.pdf": page}, details=details)
    return write_bundle(session, content, dest,
                        Encryption((received.reply_to,), described_as=received.from_school),
                        log_body={"transfer_id": received.transfer_id})


def take_receipt(session: Session, bundle: OpenedBundle) -> dict[str, Any]:
    """Close the transfer a receipt bundle acknowledges; returns its details."""
    if bundle.manifest.kind is not BundleKind.RECEIPT:
        raise BundleRefused("This is not a receipt. Nothing was written.", "wrong_kind")
    details = bundle.manifest.details
    try:
        transfer_id = str(details["transfer_id"])
        who = f"{details['acknowledged_by']} ({details['receiving_school']})"
        when = datetime.fromisoformat(str(details["acknowledged_at"]))
    except (KeyError, ValueError):
        raise BundleRefused("This receipt is incomplete. Nothing was written.",
                            "malformed") from None
    record_receipt(session, transfer_id, who, when, "receipt bundle")
    return dict(details)


def receipt_page_pdf(received: TransferReceived, receiving_school: str, signed_by: str,
                     at: datetime | None) -> bytes:
    """The printed receipt: filled in when made by sgdesk, with blank lines to
    sign and date when ``at`` is None (a school without sgdesk)."""
    frame = DocumentFrame("Receipt for a child protection file", "sgdesk transfer receipt",
                          signed_by or received.from_school)
    story = [
        *([] if at else [para(
            "For a school without sgdesk: print this page, fill it in and sign it when you "
            "have opened the file, and send it back to the school that sent it (by secure "
            "email or post). They record it to close the transfer.", STYLES.body),
            Spacer(1, 3 * mm)]),
        para("The school below confirms it has received, and can open, the child "
             "protection file sent to it.", STYLES.body),
        Spacer(1, 4 * mm),
        key_value_table([
            ("Sent by", received.from_school),
            ("Received by", receiving_school or "_" * 40),
            ("Transfer reference", received.transfer_id),
            *([("Bundle reference", received.bundle_id)] if received.bundle_id else []),
            ("Acknowledged by", signed_by or "_" * 40),
            ("Date and time", moment_text(at) if at else "_" * 40),
        ]),
        Spacer(1, 8 * mm),
        para("Signature: " + "_" * 40, STYLES.body),
    ]
    return render_pdf(frame, story)
