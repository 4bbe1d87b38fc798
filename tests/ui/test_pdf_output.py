"""Printing and saving PDFs: pages painted from memory, files written whole, passwords applied."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from sgdesk.models.errors import WriteFailed
from sgdesk.ui import form_helpers, pdf_output


def small_pdf(pages: int) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        pdf.drawString(72, 760, f"Test page {number}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_paint_pdf_to_printer_prints_every_page(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    pages = pdf_output.paint_pdf_to_printer(small_pdf(3), pdf_printer(out), max_dpi=72)
    assert pages == 3
    assert len(PdfReader(out).pages) == 3


def test_paint_rejects_bytes_that_are_not_a_pdf(qtbot, tmp_path: Path) -> None:
    with pytest.raises(WriteFailed):
        pdf_output.paint_pdf_to_printer(b"not a pdf", pdf_printer(tmp_path / "x.pdf"))


def test_print_pdf_uses_the_chosen_printer(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    pdf_output.set_next_printer(pdf_printer(out))
    assert pdf_output.print_pdf(None, small_pdf(1))
    assert len(PdfReader(out).pages) == 1
    pdf_output.set_next_printer(None)
    assert not pdf_output.print_pdf(None, small_pdf(1))


def test_save_pdf_with_a_password_writes_an_encrypted_file(qtbot, tmp_path: Path) -> None:
    form_helpers.set_next_save_path(tmp_path / "sheet")
    pdf_output.set_next_pdf_password("a long pdf password")
    saved = pdf_output.save_pdf(None, small_pdf(2), "sheet.pdf")
    assert saved == tmp_path / "sheet.pdf"
    reader = PdfReader(saved)
    assert reader.is_encrypted
    assert reader.decrypt("a long pdf password")
    assert len(reader.pages) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temporary left behind
    assert saved.stat().st_mode & 0o077 == 0


def test_save_pdf_without_password_and_cancel(qtbot, tmp_path: Path) -> None:
    data = small_pdf(1)
    form_helpers.set_next_save_path(tmp_path / "plain.pdf")
    pdf_output.set_next_pdf_password("")
    assert pdf_output.save_pdf(None, data, "plain.pdf") == tmp_path / "plain.pdf"
    assert (tmp_path / "plain.pdf").read_bytes() == data

    form_helpers.set_next_save_path(tmp_path / "cancelled.pdf")
    pdf_output.set_next_pdf_password(None)
    assert pdf_output.save_pdf(None, data, "x.pdf") is None
    form_helpers.set_next_save_path(None)
    assert pdf_output.save_pdf(None, data, "x.pdf", offer_password=False) is None
    assert not (tmp_path / "cancelled.pdf").exists()


def test_save_pdf_into_a_missing_folder_warns_and_returns_none(qtbot, tmp_path: Path) -> None:
    form_helpers.set_next_save_path(tmp_path / "no such folder" / "x.pdf")
    form_helpers.set_next_answer(True)  # the warning box
    assert pdf_output.save_pdf(None, small_pdf(1), "x.pdf", offer_password=False) is None


def test_password_dialog_needs_a_long_matching_password(qtbot) -> None:
    dialog = pdf_output.PdfPasswordDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.password, "a long pdf password")
    qtbot.keyClicks(dialog.repeat, "a long pdf passwore")
    qtbot.mouseClick(dialog.panel.action_button, Qt.MouseButton.LeftButton)
    assert "not the same" in dialog.form.error_text("repeat")
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.repeat.setText("a long pdf password")
    assert dialog.chosen_password() == "a long pdf password"
    dialog.protect.setChecked(False)
    assert dialog.form.error_text("repeat") == ""
    assert dialog.chosen_password() == ""
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.panel.action_button, Qt.MouseButton.LeftButton)
