"""A CP file transfer, imported at the new school, receipted back to the old one."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.errors import BundleRefused, InvalidInput
from sgdesk.services import concerns
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_import import apply_import, open_for_import, plan_import
from sgdesk.services.bundle_sharing import export_transfer
from sgdesk.services.school_identity import school_public_key
from sgdesk.services.transfer_receipts import (
    export_receipt,
    receipt_page_pdf,
    take_receipt,
    transfer_received,
)
from sgdesk.services.transfers import transfers_awaiting_receipt
from tests.helpers import add_pupil, close, log_about, make_store


def test_transfer_import_receipt_closes_the_clock(tmp_path: Path) -> None:
    old, _ = make_store(tmp_path / "old")
    new, _ = make_store(tmp_path / "new")
    try:
        ann = add_pupil(old, "Ann", "Smith")
        log_about(old, ann, facts="Told her teacher about home")
        export_transfer(old, ann.id, date(2026, 11, 2), "Riverside Academy",
                        tmp_path / "t.age", Encryption((school_public_key(new),)))
        assert [t.pupil_id for t in transfers_awaiting_receipt(old)] == [ann.id]
        bundle = open_for_import(new, (tmp_path / "t.age").read_bytes())
        blank = "".join(p.extract_text() for p in PdfReader(
            BytesIO(bundle.pdfs["receipt-to-return.pdf"])).pages)
        assert "Riverside Academy" in blank and "print this page" in blank
        (tmp_path / "blank.pdf").write_bytes(bundle.pdfs["receipt-to-return.pdf"])
        apply_import(new, plan_import(new, bundle), {})
        assert len(concerns.concerns_on_file(new, ann.id)) == 1
        written = export_receipt(new, transfer_received(bundle), tmp_path / "r.age")
        receipt = open_for_import(old, written.path.read_bytes())
        with pytest.raises(BundleRefused) as refused:
            plan_import(old, receipt)
        assert refused.value.reason == "receipt"
        details = take_receipt(old, receipt)
        assert details["receiving_school"] == "Hilltop Primary"
        assert transfers_awaiting_receipt(old) == []
        with pytest.raises(InvalidInput):
            take_receipt(old, receipt)  # a second receipt for the same transfer
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(receipt.pdfs["receipt.pdf"]))
                       .pages)
        assert "Receipt for a child protection file" in text and "Jo Bloggs" in text
    finally:
        close(old)
        close(new)


def test_a_blank_receipt_page_for_a_school_without_sgdesk() -> None:
    from sgdesk.services.transfer_receipts import TransferReceived
    page = receipt_page_pdf(TransferReceived("t-1", "b-1", "Hilltop Primary", ""), "", "", None)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(page)).pages)
    assert "Transfer reference" in text and "t-1" in text and "Signature" in text
