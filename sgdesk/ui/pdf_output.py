"""Getting a PDF sgdesk rendered onto paper or into a file, without plaintext temp files.

Printing loads the PDF into Qt's PDF engine from memory (a QBuffer) and paints each
page onto the printer. Saving writes atomically (QSaveFile: a temporary sibling
renamed into place) and offers to protect the file with a password first, because
a PDF on disk travels further than the encrypted store it came from.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QFileDevice,
    QIODevice,
    QRectF,
    QSaveFile,
    QSize,
    QStandardPaths,
)
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QWidget,
)

from sgdesk.models.errors import WriteFailed
from sgdesk.models.users import validate_new_password
from sgdesk.ui.form_helpers import (
    FormPanel,
    check_repeat,
    choose_save_path,
    collect_errors,
    dialog_layout,
    password_edit,
    warn,
)

log = logging.getLogger(__name__)

MAX_PRINT_DPI = 300
_next_password: list[str | None] = []
_next_printer: list[QPrinter | None] = []


def set_next_pdf_password(password: str | None) -> None:
    """Tests: the next password question answers ``password`` ("" = no password,
    ``None`` = cancel) without showing the dialog."""
    _next_password.append(password)


def set_next_printer(printer: QPrinter | None) -> None:
    """Tests: the next :func:`print_pdf` uses ``printer`` (``None`` = cancel) without
    showing the print dialog."""
    _next_printer.append(printer)


class PdfPasswordDialog(QDialog):
    """Asks whether to protect a PDF with a password, and which one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Protect the PDF")
        layout = dialog_layout(self, "A saved PDF can be copied and opened anywhere. With a "
                                     "password, only someone who knows it can open the file.")
        self.protect = QCheckBox("&Protect the PDF with a password (recommended)")
        self.protect.setChecked(True)
        layout.addWidget(self.protect)
        self.panel = FormPanel("&Save")
        self.form = self.panel.form
        self.password = self.form.add_field("password", "Pass&word:", password_edit(),
                                            hint="At least 10 characters.")
        self.repeat = self.form.add_field("repeat", "&Repeat password:", password_edit())
        self.form.set_validator(self._errors)
        layout.addWidget(self.panel)
        self.panel.submitted.connect(self.accept)
        self.panel.cancelled.connect(self.reject)
        self.protect.toggled.connect(self._protect_toggled)

    def chosen_password(self) -> str:
        """The password to protect with, or "" to save without one."""
        return self.password.text() if self.protect.isChecked() else ""

    def _errors(self) -> dict[str, str]:
        if not self.protect.isChecked():
            return {}
        return collect_errors(lambda: validate_new_password(self.password.text()),
                              lambda: check_repeat(self.password.text(), self.repeat.text()))

    def _protect_toggled(self, protect: bool) -> None:
        self.form.setEnabled(protect)
        self.form.refresh()


def ask_pdf_password(parent: QWidget | None) -> str | None:
    """The password to protect with, an empty string for none, or ``None`` if the
    person cancelled."""
    if _next_password:
        return _next_password.pop(0)
    dialog = PdfPasswordDialog(parent)
    return dialog.chosen_password() if dialog.exec() == QDialog.DialogCode.Accepted else None


def save_pdf(parent: QWidget | None, data: bytes, suggested_name: str, *,
             offer_password: bool = True) -> Path | None:
    """Ask where to save ``data`` (and, if offered, for a password), then write it.

    ``suggested_name`` must never carry personal data: it may be shown in recent-file
    lists and directory listings. Returns the path written, or ``None`` if cancelled
    or the write failed (the person has been told).
    """
    start = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)) / suggested_name
    path = choose_save_path(parent, "Save PDF", start, "PDF files (*.pdf)")
    if path is None:
        return None
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    password = ask_pdf_password(parent) if offer_password else ""
    if password is None:
        return None
    if password:
        # pypdf takes ~130 ms to import: load it when a PDF is protected, not at launch.
        from sgdesk.services.pdf.protect import protect_pdf

        data = protect_pdf(data, password)
    try:
        write_file_atomically(path, data)
    except WriteFailed as exc:
        warn(parent, "PDF not saved", exc)
        return None
    log.info("PDF saved (%d bytes, password protected: %s)", len(data), bool(password))
    return path


def write_file_atomically(path: Path, data: bytes) -> None:
    """All of ``data`` at ``path``, or the old file untouched: never half a file.
    Readable by its owner only, like the store itself."""
    out = QSaveFile(str(path))
    if not out.open(QIODevice.OpenModeFlag.WriteOnly):
        raise WriteFailed(f"Could not write {path.name}: {out.errorString()}.")
    out.setPermissions(QFileDevice.Permission.ReadOwner | QFileDevice.Permission.WriteOwner)
    if out.write(QByteArray(data)) != len(data) or not out.commit():
        error = out.errorString()
        out.cancelWriting()
        raise WriteFailed(f"Could not write {path.name}: {error}.")


def print_pdf(parent: QWidget | None, data: bytes) -> bool:
    """Ask which printer, then print ``data``. ``False`` if cancelled or it failed."""
    if _next_printer:
        printer = _next_printer.pop(0)
        if printer is None:
            return False
    else:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    try:
        paint_pdf_to_printer(data, printer)
    except WriteFailed as exc:
        warn(parent, "Not printed", exc)
        return False
    return True


def paint_pdf_to_printer(data: bytes, printer: QPrinter, *, max_dpi: int = MAX_PRINT_DPI) -> int:
    """Render every page of ``data`` onto ``printer``, scaled to fit, and return the
    number of pages. Pages are rasterised at up to ``max_dpi`` in memory only."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    _wait_until_loaded(document)
    pages = document.pageCount()
    if document.status() != QPdfDocument.Status.Ready or pages < 1:
        raise WriteFailed("The PDF could not be read for printing.")
    dpi = min(printer.resolution(), max_dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise WriteFailed("The printer could not be started.")
    try:
        for index in range(pages):
            if index:
                printer.newPage()
            _paint_page(painter, document, index, dpi)
    finally:
        painter.end()
        document.close()
    return pages


def _wait_until_loaded(document: QPdfDocument) -> None:
    if document.status() != QPdfDocument.Status.Loading:
        return
    loop = QEventLoop()
    document.statusChanged.connect(loop.quit)
    while document.status() == QPdfDocument.Status.Loading:
        loop.exec()


def _paint_page(painter: QPainter, document: QPdfDocument, index: int, dpi: int) -> None:
    points = document.pagePointSize(index)
    image = document.render(index, QSize(round(points.width() * dpi / 72),
                                         round(points.height() * dpi / 72)))
    area = QRectF(painter.viewport())
    scale = min(area.width() / image.width(), area.height() / image.height())
    target = QRectF(area.x(), area.y(), image.width() * scale, image.height() * scale)
    painter.drawImage(target, image)
