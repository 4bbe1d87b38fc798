"""The checks every amendment to a child's record makes before it is saved."""

from __future__ import annotations

from typing import Protocol

from sgdesk.models.errors import InvalidInput


class ChildRecord(Protocol):
    @property
    def pupil_id(self) -> str: ...


def check_amendment[R: ChildRecord](current: R | None, content: R, *, record: str,
                                   stays_with: str) -> R:
    """The record exists, stays with its child (``stays_with`` says what to do
    instead) and something changed; returns the current version."""
    if current is None:
        raise InvalidInput(f"That {record} does not exist.")
    if content.pupil_id != current.pupil_id:
        raise InvalidInput(stays_with, field="pupil_id")
    if content == current:
        raise InvalidInput("Nothing has changed, so there is nothing to amend.", field="reason")
    return current
