"""Chronology and referral figures on a purpose-built store.

Issue 6: a pupil's chronology of 500 entries — build (goal < 100 ms) and PDF
(goal < 1.5 s) — and a family chronology of three siblings with 1,500 entries.
Issue 7: a referral form PDF drawing on 50 concerns (goal < 1 s).

Each child gets 250 reviewed concerns (a concern line and a DSL decision line
each: 500 entries). Floor for the builds: reading the same concerns as the
pupil's file shows them (``concerns_on_file``), which a chronology cannot skip.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.timing import Figure
from sgdesk.models.chronology import ChronologyFilter
from sgdesk.models.concerns import ChildRole, ConcernContent, Decision, InvolvedChild, Review
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import ReferralKind
from sgdesk.services import chronology, concerns, pupils, referrals
from sgdesk.services.pdf.chronology_report import chronology_pdf
from sgdesk.services.pdf.referral_report import referral_form_pdf
from sgdesk.services.session import Session
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key

CONCERNS_EACH = 250
RUNS = 5
FACTS = ("Arrived without a coat again and said the heating is off at home. Ate two "
         "breakfasts at the club and asked to take toast home for a younger brother.")


def _median(job: Callable[[], object]) -> float:
    job()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        job()
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


def _fill(session: Session) -> tuple[list[str], str]:
    """Three siblings with 250 reviewed concerns each; returns (pupil ids, family id)."""
    ids = [pupils.add_pupil(session, Pupil("", name, "Bench", date_of_birth=born)).id
           for name, born in (("Ada", date(2011, 3, 1)), ("Ben", date(2013, 5, 2)),
                              ("Cy", date(2015, 7, 3)))]
    family_id = pupils.link_family(session, ids, "Bench family")
    start = datetime.now(UTC) - timedelta(days=CONCERNS_EACH * 3)
    for n in range(CONCERNS_EACH * len(ids)):
        when = start + timedelta(days=n)
        content = ConcernContent("Ms Form Tutor", "Form tutor", when, when, "Classroom",
                                 (InvolvedChild(ids[n % 3], ChildRole.SUBJECT),),
                                 ("Neglect",), facts=FACTS, opinion="Looks tired.")
        concern_id = concerns.log_concern(session, content)
        concerns.record_review(session, concern_id, Review(
            Decision.MONITOR, "Pattern building; keep watching", "Bench DSL", "DSL",
            when.date()), 1)
    return ids, family_id


def record_figures() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        raw, _ = new_recovery_key()
        session = create_store(Path(folder) / "bench.sgdesk",
                               NewStoreDetails("Bench School", "Bench DSL", "bench",
                                               "bench password 1"), raw).session
        try:
            ids, family_id = _fill(session)
            ada = ids[0]
            entries = len(chronology.pupil_chronology(session, ada))
            family_entries = len(chronology.family_chronology(session, family_id))
            floor = _median(lambda: concerns.concerns_on_file(session, ada))
            family_floor = _median(lambda: [concerns.concerns_on_file(session, i) for i in ids])
            build = _median(lambda: chronology.pupil_chronology(session, ada))
            family = _median(lambda: chronology.family_chronology(session, family_id))
            pdf = _median(lambda: chronology_pdf(session, ada, ChronologyFilter()))
            chosen = tuple(e.id for e in concerns.concerns_on_file(session, ada)[:50])
            referral = referrals.start_referral(session, ReferralKind.CSC, pupil_id=ada,
                                                concern_ids=chosen)
            form = _median(lambda: referral_form_pdf(session, referral))
        finally:
            session.lock()
            session.store.close()
    reading = "reading the concerns on file"
    return [
        Figure(f"chronology build, {entries} entries", build, "< 100 ms", reading, floor),
        Figure(f"chronology PDF, {entries} entries", pdf, "< 1.5 s"),
        Figure(f"family chronology, {family_entries} entries", family, "",
               reading + " (3 children)", family_floor),
        Figure("referral form PDF, 50 concerns", form, "< 1 s"),
    ]
