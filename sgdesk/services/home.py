"""Everything the home view lists, read in one go on the worker.

One function, so the screen and the benchmark read exactly the same thing, and
so a new line on the home view (a clock, a list) is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sgdesk.models.sharing import TransferAwaiting
from sgdesk.services import casework, concerns, drafts, referrals
from sgdesk.services.casework import DueClock
from sgdesk.services.concerns import HomeLists
from sgdesk.services.drafts import WaitingDraft
from sgdesk.services.referrals import OverdueReferral
from sgdesk.services.session import Session
from sgdesk.services.transfers import transfers_awaiting_receipt


@dataclass(frozen=True)
class HomeReading:
    """Everything the home view lists, read in one worker job."""

    lists: HomeLists
    overdue_referrals: list[OverdueReferral]
    drafts: list[WaitingDraft]
    clocks: list[DueClock]
    transfers: list[TransferAwaiting]


def read_home(session: Session) -> HomeReading:
    """Worker job: the home view's lists as of today (local time)."""
    today = session.db.clock().astimezone().date()
    return HomeReading(concerns.home_lists(session, today),
                       referrals.overdue_feedback(session, today),
                       drafts.waiting_drafts(session), casework.clocks_due(session, today),
                       transfers_awaiting_receipt(session))
