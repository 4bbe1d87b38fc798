"""Everything the home view lists, read in one go on the worker.

One function, so the screen and the benchmark read exactly the same thing, and
so a new line on the home view (a clock, a list) is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgdesk.models.sharing import TransferAwaiting
from sgdesk.services import casework, concerns, drafts, referrals, sendco_input
from sgdesk.services.casework import DueClock
from sgdesk.services.concerns import HomeLists
from sgdesk.services.drafts import WaitingDraft
from sgdesk.services.referrals import OverdueReferral
from sgdesk.services.retention import RetentionReview, reviews_due
from sgdesk.services.sendco_input import SendcoRequestEntry
from sgdesk.services.session import Session
from sgdesk.services.subject_access_clock import OpenRequest, open_requests
from sgdesk.services.transfers import transfers_awaiting_receipt


@dataclass(frozen=True)
class HomeReading:
    """Everything the home view lists, read in one worker job."""

    lists: HomeLists
    overdue_referrals: list[OverdueReferral]
    drafts: list[WaitingDraft]
    clocks: list[DueClock]
    transfers: list[TransferAwaiting]
    retention: list[RetentionReview]
    access_requests: list[OpenRequest]
    sendco_asked: list[SendcoRequestEntry]
    sendco_answered: list[SendcoRequestEntry]


def read_home(session: Session) -> HomeReading:
    """Worker job: the home view's lists as of today (local time)."""
    today = session.db.clock().astimezone().date()
    return HomeReading(concerns.home_lists(session, today),
                       referrals.overdue_feedback(session, today),
                       drafts.waiting_drafts(session), casework.clocks_due(session, today),
                       transfers_awaiting_receipt(session), reviews_due(session, today),
                       open_requests(session, today), sendco_input.open_requests(session),
                       sendco_input.answered_recently(session))
