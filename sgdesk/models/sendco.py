"""The SENDCO's input to a concern or a case: the DSL (or a deputy) asks a
question about a pupil with SEND, and the SENDCO answers it.

Children with SEND are more likely to be abused and less able to tell, and their
signs are too often put down to their condition; so the DSL asks the SENDCO what
they know (how the child communicates, what is usual for them) and the record
keeps the question and the answer side by side. A request is addressed to the
SENDCO role, not to one person: any SENDCO may answer it. A correction of an
answer is a new version; the earlier answer stays in the history.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sgdesk.models.errors import InvalidInput

#: Long enough for a considered answer; a limit keeps a paste of a whole report out.
MAX_TEXT_LENGTH = 4000


class SendcoRecordKind(enum.Enum):
    """The kinds of record the SENDCO can be asked about. Values are stored."""

    CONCERN = "concern"
    CASE = "case"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class SendcoRequest:
    """A question to the SENDCO about one pupil on one concern or case, and the
    answer once given. ``asked_by`` and ``answered_by`` are display names, as the
    record shows them (the version history keeps who saved each version)."""

    pupil_id: str
    record_kind: SendcoRecordKind
    record_id: str
    question: str
    asked_by: str
    asked_at: datetime
    answer: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


def validate_question(text: str) -> str:
    """The question as kept: trimmed; refused when empty or too long."""
    return _validated(text, "question", "Type the question for the SENDCO.")


def validate_answer(text: str) -> str:
    """The SENDCO's answer as kept: trimmed; refused when empty or too long."""
    return _validated(text, "answer", "Type your input before saving it.")


def _validated(text: str, field: str, empty: str) -> str:
    clean = text.strip()
    if not clean:
        raise InvalidInput(empty, field=field)
    if len(clean) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"Keep it to {MAX_TEXT_LENGTH} characters: summarise, and say where "
                           "a longer report is kept.", field=field)
    return clean
