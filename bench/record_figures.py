"""The heavy pupil's chronology and referral form, printed from the reference store.

* chronology PDF (goal < 1.5 s): ``chronology_pdf`` with no filter, what the
  chronology tab's Print and Save run on the worker, over every concern, DSL
  decision, body map and referral on the pupil's file;
* referral form PDF (goal < 1 s): ``referral_form_pdf`` of their latest referral,
  a final one drawing on 50 concerns;
* building the chronology alone (goal < 100 ms), against reading the concerns on
  file (``concerns_on_file``), which a chronology cannot skip.

Medians of :data:`RUNS` after one warm-up run.
"""

from __future__ import annotations

from bench.reference_store import ReferenceStore
from bench.timing import Figure, median_after_warm_up
from sgdesk.models.chronology import ChronologyFilter
from sgdesk.services import chronology, concerns, referrals
from sgdesk.services.pdf.chronology_report import chronology_pdf
from sgdesk.services.pdf.referral_report import referral_form_pdf
from sgdesk.services.session import Session

RUNS = 5


def record_figures(session: Session, reference: ReferenceStore
                   ) -> tuple[Figure, Figure, Figure]:
    """(chronology PDF, referral form PDF, chronology build)."""
    heavy, referral = reference.counts.heavy_pupil_id, reference.counts.heavy_referral_id
    entries = len(chronology.pupil_chronology(session, heavy))
    drawn_on = len(referrals.get_referral(session, referral).content.concern_ids)
    pdf = median_after_warm_up(lambda: chronology_pdf(session, heavy, ChronologyFilter()), RUNS)
    form = median_after_warm_up(lambda: referral_form_pdf(session, referral), RUNS)
    build = median_after_warm_up(lambda: chronology.pupil_chronology(session, heavy), RUNS)
    reading = median_after_warm_up(lambda: concerns.concerns_on_file(session, heavy), RUNS)
    return (
        Figure(f"chronology PDF, heavy pupil ({entries} entries)", pdf, under=1.5),
        Figure(f"referral form PDF, heavy pupil ({drawn_on} concerns)", form, under=1.0),
        Figure("chronology build, heavy pupil", build, "reading the concerns on file",
               reading, under=0.1),
    )
