"""How a concern's parts read in words, on screen and in print alike: its status,
a DSL review, one field of a version (what "what changed" compares), and the other
children as this pupil's file may name them — never their role."""

from __future__ import annotations

from datetime import datetime

from sgdesk.models.concerns import ActionStatus, ConcernOnFile, Review
from sgdesk.services.record_dates import day_text, moment_text

AWAITING_REVIEW = "Awaiting the DSL's review"
ANOTHER_CHILD = "Another child"

#: A concern's status (as the storage columns hold it) in words.
STATUS_WORDS = {"awaiting_review": AWAITING_REVIEW, "open": "Open", "closed": "Closed"}

_ACTION_STATUS_WORDS = {ActionStatus.OPEN: "Open", ActionStatus.DONE: "Done",
                        ActionStatus.CANCELLED: "Cancelled"}


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " ").capitalize())


def action_status_words(status: ActionStatus) -> str:
    return _ACTION_STATUS_WORDS[status]


def review_text(review: Review) -> str:
    """The review as lines of plain text: decision, reasons, actions, outcome, sign-off."""
    lines = [f"Decision: {review.decision.label}", f"Reasons: {review.reasons}"]
    lines += [f"Action: {a.description} — owner {a.owner}"
              + (f", due {day_text(a.due)}" if a.due else "")
              + f" ({action_status_words(a.status)})" for a in review.actions]
    if review.outcome:
        lines.append(f"Outcome: {review.outcome}")
    if review.closed_on:
        lines.append(f"Closed on: {day_text(review.closed_on)}")
    lines.append(f"Signed off by: {review.reviewed_by}, {review.reviewer_role}, "
                 f"{day_text(review.reviewed_on)}")
    return "\n".join(lines)


def other_children_text(on_file: ConcernOnFile) -> str:
    """Other children as this pupil's file may show them: never their role."""
    if not on_file.other_children:
        return "None"
    return "; ".join(c.shown_name or ANOTHER_CHILD for c in on_file.other_children)


def field_text(on_file: ConcernOnFile, name: str) -> str:
    """One field of a version as plain text, as this pupil's file shows it."""
    value = getattr(on_file.content, name)
    if name == "children":
        return f"This child's role: {on_file.this_child_role.label}"
    if name == "review":
        return review_text(value) if value else AWAITING_REVIEW
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
