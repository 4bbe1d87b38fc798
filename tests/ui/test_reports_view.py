"""The Reports window: the period counted on the worker, each part a chart with a table
of the same figures, governors' view by the checkbox (or always, for the auditor and the
SENDCO), the PDF saved from what is on screen, and the Records menu entry."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sgdesk.models.reports import GOVERNORS_NOTE
from sgdesk.models.users import Role
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.reports_dialog import GOVERNORS_ONLY_TEXT, STALE_TEXT, ReportsDialog
from sgdesk.ui.form_helpers import set_next_save_path
from sgdesk.ui.pdf_output import set_next_pdf_password
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_colleague, close, make_store, reopen
from tests.report_helpers import NOW, build_school
from tests.ui.conftest import (
    WindowFactory,
    on_worker,
    shot,
    shown,
    unlocked_on,
    widget_texts,
)


def open_reports(qtbot: QtBot, worker: DbWorker, session: Session) -> ReportsDialog:
    dialog = shown(qtbot, ReportsDialog(worker, session))
    settle(qtbot, dialog)
    return dialog


def settle(qtbot: QtBot, dialog: ReportsDialog) -> None:
    qtbot.waitUntil(lambda: dialog._worker.pending == 0 and not dialog.busy.active)


def show_period(qtbot: QtBot, dialog: ReportsDialog, start: str, end: str) -> None:
    """Type the period as a person would and press Return (Show report is the default)."""
    for field, text in ((dialog.start_field, start), (dialog.end_field, end)):
        field.setFocus()
        field.selectAll()
        qtbot.keyClicks(field, text)
    qtbot.keyClick(dialog.end_field, Qt.Key.Key_Return)
    settle(qtbot, dialog)


def table_cells(dialog: ReportsDialog, title: str) -> list[list[str]]:
    view = next(v for v in dialog.sections if v.section.title == title)
    model = view.table.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_dsl_sees_every_figure_as_a_chart_and_a_table(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    on_worker(worker, lambda: build_school(session))
    dialog = open_reports(qtbot, worker, session)
    # The school year so far, by the store's clock.
    assert (dialog.start_field.text(), dialog.end_field.text()) == ("01/09/2025", "30/06/2026")
    assert not dialog.governors.isChecked() and dialog.governors.isEnabled()

    show_period(qtbot, dialog, "01/09/2025", "31/03/2026")
    report = dialog.report
    assert report is not None and not report.for_governors
    assert (report.start.isoformat(), report.end.isoformat()) == ("2025-09-01", "2026-03-31")
    assert [v.section.title for v in dialog.sections] == [
        "Concerns by month", "Concerns by category", "Concerns by SEND status",
        "Referrals by agency and outcome", "Time from concern to DSL decision",
        "Open Early Help, child in need and child protection cases",
        "Repeat concerns per pupil"]
    assert table_cells(dialog, "Concerns by SEND status") == [
        ["No SEND", "6", "4", "5", "83.3", "66.7"],
        ["SEN support (K)", "8", "5", "7", "87.5", "62.5"],
        ["EHCP", "3", "2", "7", "233.3", "66.7"],
        ["All pupils", "17", "11", "17", "100.0", "64.7"]]
    # Each chart is named, describes its figures in words, and its table holds them.
    for view in dialog.sections:
        chart = view.chart.chart
        assert chart is not None
        assert view.chart.accessibleName() == chart.title
        assert view.table.accessibleName() == f"{view.section.title}: figures"
        cells = {cell for row in table_cells(dialog, view.section.title) for cell in row}
        assert set(chart.texts) <= cells
        assert all(f"{label}: {text}" in view.chart.accessibleDescription()
                   for label, text in zip(chart.labels, chart.texts, strict=True))
    months = next(v for v in dialog.sections if v.section.title == "Concerns by month")
    assert months.chart.accessibleDescription().startswith("Sep 2025: 4; Oct 2025: 2")
    assert "Median time to decision: 1 working day" in widget_texts(dialog)
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    shot(dialog, "reports_dsl")
    dialog.report_area.ensureWidgetVisible(dialog.sections[2])
    shot(dialog, "reports_dsl_send")


def test_for_governors_hides_small_numbers_and_the_pdf_follows_the_screen(
        qtbot: QtBot, worker: DbWorker, session: Session, tmp_path: Path) -> None:
    on_worker(worker, lambda: build_school(session))
    dialog = open_reports(qtbot, worker, session)
    show_period(qtbot, dialog, "01/09/2025", "31/03/2026")
    dialog.governors.click()
    settle(qtbot, dialog)

    assert dialog.report is not None and dialog.report.for_governors
    assert GOVERNORS_NOTE in dialog.notes.text()
    assert table_cells(dialog, "Concerns by SEND status") == [
        ["No SEND", "withheld", "<5", "5", "withheld", "withheld"],
        ["SEN support (K)", "8", "5", "7", "87.5", "62.5"],
        ["EHCP", "<5", "<5", "7", "withheld", "withheld"],
        ["All pupils", "17", "11", "17", "100.0", "64.7"]]
    texts = widget_texts(dialog)
    assert "233.3" not in " ".join(texts)
    shot(dialog, "reports_governors")

    target = tmp_path / "report.pdf"
    set_next_save_path(target)
    set_next_pdf_password("")
    dialog.save_button.click()
    qtbot.waitUntil(target.exists)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Safeguarding oversight report for governors" in text
    assert "No SEND withheld <5 5 withheld withheld" in text
    assert "EHCP <5 <5 7 withheld withheld" in text


def test_a_period_changed_but_not_shown_cannot_be_printed(
        qtbot: QtBot, worker: DbWorker, session: Session) -> None:
    on_worker(worker, lambda: build_school(session))
    dialog = open_reports(qtbot, worker, session)
    dialog.end_field.setFocus()
    qtbot.keyClicks(dialog.end_field, "x")
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    assert dialog.message.text() == STALE_TEXT

    show_period(qtbot, dialog, "31/03/2026", "01/09/2025")
    assert "must not be before its start" in dialog.message.text()
    assert not dialog.save_button.isEnabled()
    show_period(qtbot, dialog, "01/09/2025", "31/02/2026")
    assert "no such date" in dialog.message.text()
    shot(dialog, "reports_bad_period")
    show_period(qtbot, dialog, "01/09/2025", "31/03/2026")
    assert dialog.message.isHidden() and dialog.save_button.isEnabled()


def test_the_auditor_sees_governors_view_only(
        qtbot: QtBot, worker: DbWorker, made: tuple[Session, str], store_path: Path) -> None:
    session = made[0]
    on_worker(worker, lambda: build_school(session))
    on_worker(worker, lambda: add_colleague(session, "auditor", Role.AUDITOR))
    on_worker(worker, lambda: close(session))
    auditor = on_worker(worker, lambda: reopen(store_path, "auditor", "colleague password"))
    auditor.db.clock = lambda: NOW
    try:
        dialog = open_reports(qtbot, worker, auditor)
        assert dialog.governors.isChecked() and not dialog.governors.isEnabled()
        assert GOVERNORS_ONLY_TEXT in widget_texts(dialog)
        show_period(qtbot, dialog, "01/09/2025", "31/03/2026")
        assert dialog.report is not None and dialog.report.for_governors
        assert table_cells(dialog, "Open Early Help, child in need and child protection "
                                   "cases") == [["Early Help", "<5"],
                                                ["Child in need (s17)", "<5"],
                                                ["Child protection (s47)", "<5"]]
        shot(dialog, "reports_auditor")
        dialog.reject()
    finally:
        on_worker(worker, lambda: close(auditor))


def test_the_records_menu_opens_reports_for_every_role(
        qtbot: QtBot, make_window: WindowFactory, store_path: Path) -> None:
    session, _ = make_store(store_path)
    add_colleague(session, "sendco", Role.SENDCO)
    close(session)
    window = unlocked_on(qtbot, make_window, store_path, "sendco", "colleague password")
    assert window.reports_action.isEnabled()
    window.reports_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ReportsDialog)))
    dialog = next(d for d in window.findChildren(ReportsDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.report is not None)
    assert dialog.report is not None and dialog.report.for_governors
    assert not dialog.governors.isEnabled()
    window.lock()
    assert not window.reports_action.isEnabled() and not dialog.isVisible()
