"""The home view: where you are, who you are signed in as, and what needs you.

For the DSL and deputies: concerns awaiting review, referrals whose feedback is
overdue, overdue actions, actions due this week and what was logged recently.
Colleagues who do not review (SENDCO, auditor) see the recently logged concerns.
Every line opens its concern, its referral's tracking, or the form for a CP
file's receipt. The lists are read in one job on the database worker
(:func:`home_lists`, :func:`overdue_feedback`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sgdesk.models.sharing import TransferAwaiting
from sgdesk.services.casework import DueClock
from sgdesk.services.concerns import HomeAction, HomeConcern, HomeLists
from sgdesk.services.drafts import WaitingDraft
from sgdesk.services.referrals import OverdueReferral
from sgdesk.services.retention import RetentionReview
from sgdesk.services.sendco_input import SendcoRequestEntry
from sgdesk.services.subject_access_clock import OpenRequest
from sgdesk.ui.record_text import day_text, moment_text, names_text

#: The most lines a list shows before it scrolls, so all the lists fit on one screen.
VISIBLE_LINES = 6


@dataclass(frozen=True)
class HomeDetails:
    """What the home page shows, read on the database worker after unlocking."""

    school_name: str
    display_name: str
    role_label: str


def concern_line(concern: HomeConcern) -> str:
    parts = [names_text(concern.children), day_text(concern.happened_on),
             ", ".join(concern.categories)]
    return " — ".join(p for p in parts if p)


def action_line(action: HomeAction) -> str:
    owner = f" — owner: {action.owner}" if action.owner else ""
    return (f"Due {day_text(action.due)} — {names_text(action.concern.children)} — "
            f"{action.description}{owner}")


def overdue_referral_line(referral: OverdueReferral) -> str:
    """``Amy Example — Children's social care…, sent 02/11/2026, decision was due 03/11/2026``."""
    return (f"{referral.pupil_name} — {referral.kind.label}, sent "
            f"{day_text(referral.sent_at.astimezone().date())}, decision was due "
            f"{day_text(referral.decision_due)}")


#: The forms a kept draft can be picked up in from the home view, in words.
DRAFT_WORDS = {
    "concern": "A concern",
    "review": "A DSL review",
    "body_map": "A body map",
    "pupil": "Pupil details",
    "referral": "A referral",
}


def draft_line(draft: WaitingDraft) -> str:
    """``A concern about Amy Example — not saved, kept 23/11/2026 15:40``."""
    about = f" about {draft.pupil_name}" if draft.pupil_name else ""
    return (f"{DRAFT_WORDS.get(draft.kind, 'A form')}{about} — not saved, kept "
            f"{moment_text(draft.saved_at)}")


def clock_line(due: DueClock) -> str:
    """``Amy Example — Child in need (section 17): assessment due 12/02/2027`` (or
    ``OVERDUE, was due …``): in words, not colour."""
    when = (f"OVERDUE, was due {day_text(due.clock.due)}" if due.overdue
            else f"due {day_text(due.clock.due)}")
    return f"{due.pupil_name} — {due.kind.label}: {due.clock.name} {when}"


def transfer_line(transfer: TransferAwaiting) -> str:
    """``Amy Example — CP file sent to Riverside Academy: receipt due 09/11/2026``
    (or ``OVERDUE, was due …``)."""
    when = (f"OVERDUE, was due {day_text(transfer.due_on)}" if transfer.overdue
            else f"due {day_text(transfer.due_on)}")
    return f"{transfer.pupil_name} — CP file sent to {transfer.new_school}: receipt {when}"


def retention_line(review: RetentionReview) -> str:
    """``Sam Example (left 31/08/2001) — file review due 01/09/2026``, with
    ``on legal hold`` in words when it is."""
    when = ("review was due" if review.due else "review due") + f" {day_text(review.review_on)}"
    hold = " (on legal hold)" if review.on_hold else ""
    return f"{review.pupil_name} (left {day_text(review.left_on)}) — file {when}{hold}"


def sendco_line(entry: SendcoRequestEntry) -> str:
    """``Amy Example — concern: SENDCO input asked 20/11/2026 by Jo Bloggs, not yet
    given`` (or ``… given 21/11/2026 by Tom Whitlock``)."""
    request = entry.request
    asked = f"SENDCO input asked {moment_text(request.asked_at)} by {request.asked_by}"
    given = (f"given {moment_text(request.answered_at)} by {request.answered_by}"
             if request.answered_at else "not yet given")
    return f"{entry.pupil_name} — {request.record_kind.value}: {asked}, {given}"


class HomeSection(QWidget):
    """A heading, then either a list of lines that open what they are about (a
    concern, a referral) or a calm sentence saying there is nothing."""

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setObjectName("subheading")
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("detail")
        self.empty.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("home_list")
        self.list.setAccessibleName(title)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.list.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(self.list)

    def set_lines(self, lines: list[tuple[str, Any]]) -> None:
        """Each line's text, and what it opens (kept on the item)."""
        self.list.clear()
        for text, opens in lines:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, opens)
            self.list.addItem(item)
        self.empty.setVisible(not lines)
        self.list.setVisible(bool(lines))
        if lines:
            rows = min(len(lines), VISIBLE_LINES)
            height = sum(self.list.sizeHintForRow(r) for r in range(rows))
            self.list.setFixedHeight(height + 2 * self.list.frameWidth() + 2)

    def clear(self) -> None:
        self.set_lines([])


class HomeView(QWidget):
    """Emits :attr:`concern_chosen` (concern id, pupil id whose file it opens on),
    :attr:`referral_chosen` (referral id, the pupil's id) or :attr:`transfer_chosen`
    (the :class:`TransferAwaiting`, whose receipt is to be recorded)."""

    concern_chosen = Signal(str, str)
    referral_chosen = Signal(str, str)
    draft_chosen = Signal(object)
    case_chosen = Signal(str)
    transfer_chosen = Signal(object)
    retention_chosen = Signal(str)
    access_request_chosen = Signal(str)
    sendco_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.school = QLabel()
        self.school.setObjectName("heading")
        self.school.setTextFormat(Qt.TextFormat.PlainText)
        self.school.setAccessibleName("School")
        self.signed_in = QLabel()
        self.signed_in.setTextFormat(Qt.TextFormat.PlainText)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        self.drafts = HomeSection("Unsaved work kept when sgdesk locked", "")
        self.drafts.hide()  # only when there is some
        self.awaiting_review = HomeSection("Concerns awaiting your review",
                                           "Nothing is waiting for review.")
        self.overdue_referrals = HomeSection("Referral feedback overdue",
                                             "No referral is waiting on overdue feedback.")
        self.case_clocks = HomeSection("Casework clocks due or overdue",
                                       "No casework deadline is due in the next two weeks.")
        self.transfers = HomeSection("CP files sent, awaiting receipt",
                                     "Every CP file sent to another school has been receipted.")
        self.retention = HomeSection("Files due for retention review", "")
        self.retention.hide()  # the DSL's, and only when there are some
        self.sendco_input = HomeSection("SENDCO input", "")
        self.sendco_input.hide()  # only when there is some
        self.access_requests = HomeSection("Subject access requests to answer",
                                           "No subject access request is open.")
        self.overdue_actions = HomeSection("Overdue actions", "No actions are overdue.")
        self.due_this_week = HomeSection("Actions due this week",
                                         "No actions are due in the next seven days.")
        self.recently_logged = HomeSection("Recently logged",
                                           "No concerns have been logged yet.")
        #: What only the DSL and deputies see.
        self.reviewer_sections = (self.awaiting_review, self.overdue_referrals,
                                  self.case_clocks, self.transfers, self.access_requests,
                                  self.overdue_actions, self.due_this_week)
        # sections with no calm "nothing here" sentence show only when they have lines
        self.sections = (self.drafts, self.sendco_input, *self.reviewer_sections,
                         self.recently_logged, self.retention)
        body = QWidget()
        lists = QVBoxLayout(body)
        lists.setContentsMargins(0, 0, 8, 0)
        for section in self.sections:
            lists.addWidget(section)
            section.list.itemActivated.connect(self._chosen)
            section.list.itemClicked.connect(self._chosen)
        lists.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.school)
        layout.addWidget(self.signed_in)
        layout.addWidget(rule)
        layout.addWidget(scroll, 1)

    def show_details(self, details: HomeDetails) -> None:
        self.school.setText(details.school_name)
        self.signed_in.setText(f"Signed in as {details.display_name} ({details.role_label})")

    def show_lists(self, lists: HomeLists, reviewer: bool) -> None:
        """Fill the lists; the review queue and actions show for reviewers only."""
        self.awaiting_review.set_lines([(concern_line(c), c) for c in lists.awaiting_review])
        self.overdue_actions.set_lines([(action_line(a), a.concern)
                                        for a in lists.overdue_actions])
        self.due_this_week.set_lines([(action_line(a), a.concern) for a in lists.due_this_week])
        self.recently_logged.set_lines([(concern_line(c), c) for c in lists.recently_logged])
        for section in self.reviewer_sections:
            section.setVisible(reviewer)

    def show_overdue_referrals(self, overdue: list[OverdueReferral]) -> None:
        """Referrals sent whose decision was due and no feedback has come (the service
        gives none to roles that do not make referrals)."""
        self.overdue_referrals.set_lines([(overdue_referral_line(r), r) for r in overdue])

    def show_clocks(self, clocks: list[DueClock]) -> None:
        """Casework deadlines (the service gives none to roles that do not hold cases)."""
        self.case_clocks.set_lines([(clock_line(c), c) for c in clocks])

    def show_retention(self, reviews: list[RetentionReview]) -> None:
        """Leavers' files at or near their review date (the DSL's alone)."""
        self.retention.set_lines([(retention_line(r), r) for r in reviews])
        self.retention.setVisible(bool(reviews))

    def show_sendco_input(self, asked: list[SendcoRequestEntry],
                          answered: list[SendcoRequestEntry], for_sendco: bool) -> None:
        """Questions asked of the SENDCO: for the SENDCO, those waiting for them;
        for the DSL and deputies, those waiting and those answered lately."""
        self.sendco_input.title.setText("SENDCO input asked of you" if for_sendco
                                        else "SENDCO input")
        entries = [*asked, *answered]
        self.sendco_input.set_lines([(sendco_line(e), e) for e in entries])
        self.sendco_input.setVisible(bool(entries))

    def show_access_requests(self, requests: list[OpenRequest]) -> None:
        """Subject access requests still open, with their one-month clock."""
        self.access_requests.set_lines([(r.line, r) for r in requests])

    def show_transfers(self, awaiting: list[TransferAwaiting]) -> None:
        """CP file transfers with no receipt yet (none for other roles): each opens
        the form for recording its receipt."""
        self.transfers.set_lines([(transfer_line(t), t) for t in awaiting])

    def show_drafts(self, waiting: list[WaitingDraft]) -> None:
        """Forms left unsaved that can be picked up again (kinds with no way back
        from here are opened from where they belong, and not listed)."""
        shown = [d for d in waiting if d.kind in DRAFT_WORDS]
        self.drafts.set_lines([(draft_line(d), d) for d in shown])
        self.drafts.setVisible(bool(shown))

    def clear(self) -> None:
        """Forget what was shown, so nothing lingers in the widget tree while locked."""
        self.drafts.hide()
        self.retention.hide()
        self.sendco_input.hide()
        self.school.clear()
        self.signed_in.clear()
        for section in self.sections:
            section.clear()

    def _chosen(self, item: QListWidgetItem) -> None:
        chosen = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(chosen, WaitingDraft):
            self.draft_chosen.emit(chosen)
        elif isinstance(chosen, DueClock):
            self.case_chosen.emit(chosen.pupil_id)
        elif isinstance(chosen, TransferAwaiting):
            self.transfer_chosen.emit(chosen)
        elif isinstance(chosen, SendcoRequestEntry):
            self.sendco_chosen.emit(chosen)
        elif isinstance(chosen, OpenRequest):
            self.access_request_chosen.emit(chosen.id)
        elif isinstance(chosen, RetentionReview):
            self.retention_chosen.emit(chosen.pupil_id)
        elif isinstance(chosen, OverdueReferral):
            self.referral_chosen.emit(chosen.id, chosen.pupil_id)
        else:
            self.concern_chosen.emit(chosen.id, chosen.pupil_id)
