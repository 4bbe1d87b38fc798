"""A DSL's working session about one child, in its own process, for the canary test.

``python -m tests.faults.canary_session_script OUTPUTS`` with ``SGDESK_HOME``,
``HOME``, ``TMPDIR`` and ``XDG_*`` pointing into a test's folder. Everything goes
through the services the app's screens call, as a DSL would use them:

make the store (the app's usual one, with the app's log), put the canary child
on the register (:data:`tests.conftest.CANARY_NAME`, also written into free
text), log two concerns and decide one, draw a body map with two marks, draft a
referral, finalise and send it, record a chronology event and read the
chronology, open a case, search for the child, leave drafts, print every kind of
record (chronology, referral form and letter, body map, case notes, concern)
to bytes, then print one through Qt's PDF engine and save one protected, as the
print and save buttons do, into ``OUTPUTS`` (outside every folder scanned).

Then it prints ``paused`` and waits for a line on stdin, so the test can look at
the store while it is open (WAL and all); then it signs in wrongly once, locks,
unlocks, reads the child again, locks, and prints ``done``.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from sgdesk.models.body_maps import BodyView, MarkType
from sgdesk.models.casework import CaseContent, CaseKind, Plan
from sgdesk.models.chronology import ChronologyEvent, ChronologyFilter, EventKind
from sgdesk.models.concerns import ChildRole, Decision, InvolvedChild, Review
from sgdesk.models.errors import WrongPassword
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import ReferralKind, Sending, SendMethod
from sgdesk.services import (
    body_maps,
    casework,
    chronology,
    concerns,
    drafts,
    pupils,
    referrals,
    search,
)
from sgdesk.services.app_logging import configure_logging
from sgdesk.services.locations import AppLocations
from sgdesk.services.pdf.body_map_report import body_map_pdf
from sgdesk.services.pdf.case_report import assessment_pdf, case_notes_pdf, plan_pdf
from sgdesk.services.pdf.chronology_report import chronology_pdf
from sgdesk.services.pdf.concern_report import concern_list_pdf, concern_pdf
from sgdesk.services.pdf.protect import protect_pdf
from sgdesk.services.pdf.referral_report import referral_form_pdf, referral_letter_pdf
from sgdesk.services.session import LockedStore, Session
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.storage import kdf, keyslots
from tests.body_map_helpers import map_of, mark_at
from tests.conftest import CANARY_NAME, FAST_KDF
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, SCHOOL, WHEN, concern_content

FORENAME, SURNAME = CANARY_NAME.split()
SAID = f"{CANARY_NAME} said: \u201c{FORENAME} is scared to go home\u201d"


def work(session: Session) -> list[bytes]:
    """Every kind of record about the canary child, and their printed pages."""
    child = pupils.add_pupil(session, Pupil(
        "", FORENAME, SURNAME, preferred_name=FORENAME, date_of_birth=date(2014, 3, 9),
        aliases=(f"{FORENAME[:4]} {SURNAME}",), communication_needs=f"Call her {FORENAME}"))
    involved = InvolvedChild(child.id, ChildRole.SUBJECT)
    first = concerns.log_concern(session, concern_content(involved, facts=SAID))
    second = concerns.log_concern(session, concern_content(
        involved, facts=f"{SURNAME} family did not collect {FORENAME}"))
    concerns.record_review(session, first, Review(
        Decision.REFER_CSC, f"Refer {CANARY_NAME} today", "Jo Bloggs", "DSL", WHEN.date()), 1)
    map_id = body_maps.add_body_map(session, map_of(
        child.id,
        mark_at(BodyView.FRONT, "left forearm, inner", child_explanation=SAID),
        mark_at(BodyView.BACK, "right calf", MarkType.SCRATCH,
                adult_explanation=f"{FORENAME} fell", adult_explainer="Her nan"),
        concern_id=first))
    referral_id = referrals.start_referral(session, ReferralKind.CSC, pupil_id=child.id,
                                           concern_ids=(first,))
    draft = referrals.get_referral(session, referral_id)
    version = referrals.save_draft(session, referral_id, replace(
        draft.content, reason=SAID, harm_type="Physical abuse",
        wishes_and_feelings=f"{FORENAME} wants to stay with her nan",
        child_location_now="In school"), draft.version)
    version = referrals.finalise(session, referral_id, version, missing_acknowledged=True)
    referrals.record_sending(session, referral_id, Sending(
        SendMethod.PHONE, WHEN, "Northshire MASH", "MASH-1"), version)
    chronology.add_event(session, ChronologyEvent.of_kind(
        EventKind.HOUSEHOLD_CHANGE, date(2026, 10, 1), f"{CANARY_NAME}'s father left",
        pupil_id=child.id))
    assert chronology.pupil_chronology(session, child.id)
    case_id = casework.open_case(session, CaseContent(
        CaseKind.S17, child.id, None, "Jo Bloggs", "Sam Supervisor", date(2026, 11, 3),
        referral_id=referral_id, plan=Plan(f"{FORENAME} feels safe at home", ())))
    assert [hit for hit in search.search(session, SURNAME)]
    drafts.save_drafts(session, [
        ("concern", "", {"facts": f"{CANARY_NAME} came in upset again"}),
        ("referral", referral_id, {"reason": SAID}),
    ])
    assert concerns.concerns_on_file(session, child.id)
    return [
        chronology_pdf(session, child.id, ChronologyFilter()),
        referral_form_pdf(session, referral_id), referral_letter_pdf(session, referral_id),
        body_map_pdf(session, map_id), case_notes_pdf(session, case_id),
        assessment_pdf(session, case_id), plan_pdf(session, case_id),
        concern_pdf(session, first, child.id), concern_pdf(session, second, child.id),
        concern_list_pdf(session, child.id),
    ]


def print_and_save(pages: list[bytes], outputs: Path) -> None:
    """What Print… and Save as PDF… do with a rendered document (ui/pdf_output.py)."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPrintSupport import QPrinter

    from sgdesk.ui.pdf_output import paint_pdf_to_printer, write_file_atomically

    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(outputs / "printed.pdf"))
    assert paint_pdf_to_printer(pages[0], printer, max_dpi=72) >= 1
    write_file_atomically(outputs / "saved.pdf", protect_pdf(pages[1], "a long pdf password"))


def main(outputs: Path) -> int:
    kdf.calibrated_params = lambda: FAST_KDF  # type: ignore[assignment]
    keyslots.calibrated_params = lambda: FAST_KDF  # type: ignore[assignment]
    locations = AppLocations.default()
    configure_logging(locations.log_dir)
    path = locations.default_store
    session = create_store(path, NewStoreDetails(SCHOOL, "Jo Bloggs", DSL_LOGIN, DSL_PASSWORD),
                           new_recovery_key()[0]).session
    locations.write_config(last_store=str(path))
    print_and_save(work(session), outputs)
    print("paused", flush=True)
    sys.stdin.readline()
    store: LockedStore = session.store
    session.lock()
    try:
        store.unlock(DSL_LOGIN, "not the password")
    except WrongPassword:
        logging.getLogger("sgdesk").info("the wrong password was refused")
    else:
        raise AssertionError("a wrong password unlocked the store")
    session = store.unlock(DSL_LOGIN, DSL_PASSWORD).session
    assert [p for p in pupils.list_pupils(session) if SURNAME in p.sort_name]
    session.lock()
    store.close()
    logging.getLogger("sgdesk").info("canary session finished")
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
