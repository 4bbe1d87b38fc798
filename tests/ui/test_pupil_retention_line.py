"""The record view's header and the leaving form tell the retention review date the
school's periods give (read on the worker with the rest of the file), not a fixed
date of birth + 25 years."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from sgdesk.models.pupils import SendStatus
from sgdesk.models.retention import RetentionKind
from sgdesk.services import retention
from sgdesk.services.session import Session
from sgdesk.ui.dialogs.leaving_dialog import LeavingDialog
from sgdesk.ui.pupil_record_view import PupilRecordView
from sgdesk.ui.worker import DbWorker
from tests.helpers import add_pupil
from tests.ui.conftest import on_worker, shot, shown


def test_the_header_and_the_leaving_form_use_the_schools_periods(
    qtbot: QtBot, worker: DbWorker, session: Session
) -> None:
    def set_up() -> tuple[str, str]:
        retention.set_retention_years(session, RetentionKind.CP_FILE, 30)
        amy = add_pupil(session, "Amy", "Ash", date_of_birth=date(2014, 3, 9))
        ben = add_pupil(session, "Ben", "Birch", date_of_birth=date(2014, 3, 9),
                        send_status=SendStatus.EHCP)
        return amy.id, ben.id

    amy_id, ben_id = on_worker(worker, set_up)
    view = shown(qtbot, PupilRecordView(worker))
    view.start(session)
    view.show_pupil(amy_id)
    qtbot.waitUntil(lambda: view.name.text() == "Amy Ash" and worker.pending == 0)
    assert view.retention.text() == (
        "Kept until its retention review on 09/03/2044 "
        "(Child protection file: date of birth + 30 years).")
    view.show_pupil(ben_id)
    qtbot.waitUntil(lambda: view.name.text() == "Ben Birch" and worker.pending == 0)
    assert view.retention.text() == (
        "Kept until its retention review on 09/03/2045 "
        "(SEN-related records: date of birth + 31 years).")
    shot(view, "pupil_retention_line")

    dialog = shown(qtbot, LeavingDialog(worker, session, ben_id))
    qtbot.waitUntil(lambda: worker.pending == 0 and dialog.panel.action_button.isEnabled())
    assert dialog.retention_note.text() == (
        "Ben Birch's record stays on file after they leave and is never deleted. "
        "Kept until its retention review on 09/03/2045 "
        "(SEN-related records: date of birth + 31 years).")
    shot(dialog, "leaving_retention_note")
