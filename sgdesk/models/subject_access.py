"""Subject access requests: someone asks for the records the school holds about a
child (UK GDPR Article 15), and the school must answer within one calendar month.

The clock (ICO guidance): the time limit runs from the day the request is received
to the corresponding calendar date of the next month; when the next month has no
such date, the last day of that month (31 January → 28 or 29 February). When that
day is a weekend or a bank holiday, the next working day. School holidays do not
stop it. A complex request may be extended by up to two further months, decided
(and the requester told why) within the first month.

What is disclosed is the child's own information. Other people's are taken out
first: other children, adults in the child's life, whoever gave information that
others reported; and whatever the DSL marks to withhold under an exemption (the
serious harm test, child abuse data, a third party's information…). The log of
what was redacted, where and why names no one: it goes into the disclosure and
stays on record with it.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sgdesk.models.errors import InvalidInput
from sgdesk.models.sharing import SharedKind
from sgdesk.models.working_days import add_working_days, is_counted

#: A complex request may be extended by up to this many further months.
MAX_EXTENSION_MONTHS = 2
#: What a disclosure shows where a third party's name or details were.
THIRD_PARTY = "[redacted: third party]"
#: Reasons the DSL usually gives for withholding; they may type another.
WITHHOLD_REASONS: tuple[str, ...] = (
    "third party",
    "serious harm test",
    "child abuse data not in the child's best interests",
    "prevention or detection of crime",
    "legal professional privilege",
)
MAX_REASON_LENGTH = 120
#: The record kinds a disclosure draws on (register details go as identifying
#: details only, as every printed record shows them).
DISCLOSED_KINDS = frozenset(SharedKind) - {SharedKind.PUPIL_DETAILS}
#: Marking this "field" withholds a whole record.
WHOLE_RECORD = ""


def withheld_marker(reason: str) -> str:
    """What a disclosure shows in place of withheld text: ``[withheld: serious harm test]``."""
    return f"[withheld: {reason}]"


# -- the clock -------------------------------------------------------------------------
def calendar_months_after(day: date, months: int) -> date:
    """The same day of the month ``months`` calendar months later, or the last day of
    that month when it has no such day (31 January + 1 → 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def response_due_on(received_on: date, extension_months: int = 0) -> date:
    """When the response is due: one calendar month after ``received_on`` (plus any
    extension), moved to the next working day if it falls on a weekend or an
    England bank holiday."""
    due = calendar_months_after(received_on, 1 + extension_months)
    return due if is_counted(due) else add_working_days(due, 1)


# -- the request ---------------------------------------------------------------------
class Relationship(enum.Enum):
    """Who is asking, as the child's records see them. Values are stored."""

    CHILD = "child"
    PARENT = "parent"
    REPRESENTATIVE = "representative"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _RELATIONSHIP_LABELS[self]


_RELATIONSHIP_LABELS = {
    Relationship.CHILD: "The child themselves",
    Relationship.PARENT: "Parent or carer with parental responsibility",
    Relationship.REPRESENTATIVE: "Solicitor or other representative",
    Relationship.OTHER: "Someone else acting for the child",
}


@dataclass(frozen=True)
class RequestDetails:
    """What the DSL records about a request when it arrives (and amends later:
    the identity check, an extension). ``received_on`` is the day the request
    arrived, or the day proof of identity did when it had to be asked for."""

    requester_name: str
    relationship: Relationship
    received_on: date
    relationship_detail: str = ""
    identity_checked: bool = False
    identity_how: str = ""
    extension_months: int = 0
    extension_reason: str = ""
    notes: str = ""

    @property
    def extended(self) -> bool:
        return self.extension_months > 0

    @property
    def due_on(self) -> date:
        return response_due_on(self.received_on, self.extension_months)

    @property
    def requester(self) -> str:
        """``Kim Example (Parent or carer with parental responsibility: mother)``."""
        detail = f": {self.relationship_detail}" if self.relationship_detail else ""
        return f"{self.requester_name} ({self.relationship.label}{detail})"

    def problems(self, today: date) -> list[tuple[str, str]]:
        """Every problem as (field, message), in form order."""
        found: list[tuple[str, str]] = []
        if not self.requester_name.strip():
            found.append(("requester_name", "Say who made the request."))
        if self.relationship is Relationship.OTHER and not self.relationship_detail.strip():
            found.append(("relationship_detail", "Say who they are to the child."))
        if self.received_on > today:
            found.append(("received_on", "The day it was received cannot be in the future."))
        if self.identity_checked and not self.identity_how.strip():
            found.append(("identity_how", "Say how their identity was checked (for example, "
                                          "passport seen at reception)."))
        if not 0 <= self.extension_months <= MAX_EXTENSION_MONTHS:
            found.append(("extension_months", "An extension is one or two further months."))
        elif self.extended and not self.extension_reason.strip():
            found.append(("extension_reason", "Say why the request is complex enough to need "
                                              "more time."))
        return found

    def validated(self, today: date) -> RequestDetails:
        """Tidied (spaces collapsed), or the first problem raised."""
        problems = self.problems(today)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return replace(
            self, requester_name=" ".join(self.requester_name.split()),
            relationship_detail=" ".join(self.relationship_detail.split()),
            identity_how=self.identity_how.strip() if self.identity_checked else "",
            extension_reason=self.extension_reason.strip() if self.extended else "",
            notes=self.notes.strip())


def check_extension(before: RequestDetails | None, after: RequestDetails, today: date) -> None:
    """A longer extension is decided within the first month, when the requester must
    be told of it and why; later, the time cannot be extended any more."""
    extends = after.extension_months > (before.extension_months if before else 0)
    if extends and today > response_due_on(after.received_on):
        raise InvalidInput(
            "The time can be extended only within one month of receiving the request (and "
            "the requester told why). The month has passed.", field="extension_months")


@dataclass(frozen=True)
class RedactionOptions:
    """How far a disclosure goes beyond other children (always redacted) and what the
    DSL marks. ``staff_names``: replace staff names with "Staff member n" (staff
    acting in their professional role are not normally withheld, so it starts off);
    ``sources``: take out who gave the information others reported;
    ``family_adults``: take out the names of the household members and key adults
    on the register (not the requester's)."""

    staff_names: bool = False
    sources: bool = True
    family_adults: bool = True

    def changes_from(self, before: RedactionOptions) -> list[str]:
        """What changed, in words, for the version's reason."""
        words = {"staff_names": "staff names replaced",
                 "sources": "sources of reported information redacted",
                 "family_adults": "names of the child's household and key adults redacted"}
        return [f"{text}: {'yes' if getattr(self, name) else 'no'}"
                for name, text in words.items() if getattr(self, name) != getattr(before, name)]


@dataclass(frozen=True)
class WithheldMark:
    """The DSL's decision to withhold a field of a record (or, with
    :data:`WHOLE_RECORD`, the whole record) from this disclosure, and why."""

    kind: SharedKind
    record_id: str
    field: str
    reason: str
    marked_by: str
    marked_at: datetime


def validate_withhold_reason(reason: str) -> str:
    """One short line: it is printed in place of what is withheld."""
    clean = " ".join(reason.split())
    if not clean:
        raise InvalidInput("Say why it is withheld (for example, third party).", field="reason")
    if len(clean) > MAX_REASON_LENGTH:
        raise InvalidInput(f"Keep the reason under {MAX_REASON_LENGTH} characters: it is "
                           "printed where the text would have been.", field="reason")
    return clean


# -- the redaction log -----------------------------------------------------------------
class RedactionKind(enum.Enum):
    """What was taken out. Values are stored; labels are printed."""

    OTHER_CHILD = "other_child"
    FAMILY_ADULT = "family_adult"
    SOURCE = "source"
    STAFF = "staff"
    WITHHELD_TEXT = "withheld_text"
    WITHHELD_RECORD = "withheld_record"

    @property
    def label(self) -> str:
        return _REDACTION_LABELS[self][0]

    @property
    def why(self) -> str:
        """The reason printed for an automatic redaction."""
        return _REDACTION_LABELS[self][1]


_THIRD_PARTY_LAW = "DPA 2018 Sch.2 para 16"
_REDACTION_LABELS = {
    RedactionKind.OTHER_CHILD: (
        "Another child's name or role",
        f"Third party: another child's personal data ({_THIRD_PARTY_LAW})"),
    RedactionKind.FAMILY_ADULT: (
        "Name of an adult in the child's household or life",
        f"Third party: another person's personal data ({_THIRD_PARTY_LAW})"),
    RedactionKind.SOURCE: (
        "Who gave information that others reported",
        f"Third party: it would identify the person who gave the information "
        f"({_THIRD_PARTY_LAW})"),
    RedactionKind.STAFF: (
        "Staff name replaced by \u201cStaff member n\u201d",
        "The school chose to replace staff names"),
    RedactionKind.WITHHELD_TEXT: ("Text withheld", ""),
    RedactionKind.WITHHELD_RECORD: ("Whole record withheld", ""),
}


@dataclass(frozen=True)
class Redaction:
    """One line of the redaction log: what was taken out, where, why, how many
    times. ``where`` and ``why`` name no one; ``record_id`` and ``field`` say
    exactly where for the DSL's screen."""

    kind: RedactionKind
    where: str
    why: str
    count: int = 1
    record_id: str = ""
    field: str = ""

    @property
    def what(self) -> str:
        return self.kind.label + (f" (\u00d7{self.count})" if self.count > 1 else "")

    @property
    def withheld(self) -> bool:
        return self.kind in (RedactionKind.WITHHELD_TEXT, RedactionKind.WITHHELD_RECORD)


@dataclass(frozen=True)
class Disclosure:
    """What was disclosed, when, how and by whom, with the log as it was printed."""

    disclosed_on: date
    method: str
    recorded_by: str
    recorded_at: datetime
    options: RedactionOptions
    records: dict[str, tuple[str, ...]]
    documents: tuple[str, ...]
    redactions: tuple[Redaction, ...]

    @property
    def withheld(self) -> tuple[Redaction, ...]:
        return tuple(r for r in self.redactions if r.withheld)


class RequestStatus(enum.Enum):
    OPEN = "open"
    DISCLOSED = "disclosed"

    @property
    def label(self) -> str:
        return "Open" if self is RequestStatus.OPEN else "Disclosed"


@dataclass(frozen=True)
class SubjectAccessRequest:
    """A request with the DSL's redaction choices and, once answered, the disclosure."""

    pupil_id: str
    details: RequestDetails
    options: RedactionOptions = field(default_factory=RedactionOptions)
    marks: tuple[WithheldMark, ...] = ()
    disclosure: Disclosure | None = None

    @property
    def status(self) -> RequestStatus:
        return RequestStatus.OPEN if self.disclosure is None else RequestStatus.DISCLOSED

    @property
    def due_on(self) -> date:
        return self.details.due_on

    def mark_for(self, record_id: str, field_path: str) -> WithheldMark | None:
        return next((m for m in self.marks
                     if m.record_id == record_id and m.field == field_path), None)

    def with_mark(self, mark: WithheldMark) -> SubjectAccessRequest:
        """Marked (a mark already on that field is replaced: its reason changed)."""
        kept = tuple(m for m in self.marks
                     if (m.record_id, m.field) != (mark.record_id, mark.field))
        return replace(self, marks=(*kept, mark))

    def without_mark(self, record_id: str, field_path: str) -> SubjectAccessRequest:
        return replace(self, marks=tuple(m for m in self.marks
                                         if (m.record_id, m.field) != (record_id, field_path)))


# -- names in "who reported this" ----------------------------------------------------------
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev)\.?"
_NAME_WORD = r"[A-Z][\w'\u2019-]*"
_TITLED = re.compile(rf"(?<!\w){_TITLE}\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})*)")
_CAPITALISED_RUN = re.compile(r"(?<!\w)[A-Z][a-z][\w'\u2019-]*(?:\s+[A-Z][a-z][\w'\u2019-]*)+")
_POSSESSIVE = re.compile(r"['\u2019]s$")


def names_in_source(text: str) -> tuple[str, ...]:
    """The names a "source of what others reported" holds: a titled name and its
    name part ("Mrs Patel", "Patel"), and runs of capitalised words ("Kim Example").
    A word alone ("Mum", "neighbour") is not a name to search the record for."""
    found: list[str] = []
    for match in _TITLED.finditer(text):
        found += [match.group(0), match.group("name")]
    found += [m.group(0) for m in _CAPITALISED_RUN.finditer(text)]
    return tuple(dict.fromkeys(_POSSESSIVE.sub("", " ".join(f.split())) for f in found))


def _alternation(forms: Iterable[str], flags: int) -> re.Pattern[str] | None:
    """Any of ``forms`` as whole words, the longest first; spaces match any spacing."""
    unique = sorted(set(forms), key=lambda f: (-len(f), f))
    if not unique:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in unique)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)


class AdultNames:
    """Takes other adults' names out of a text. A whole name (two words or more)
    goes in any case; a single word of a name only as written, capital first:
    "Mark" goes, "a mark on the cheek" stays, as a name may be an ordinary word."""

    def __init__(self, forms: Iterable[str]) -> None:
        clean = [" ".join(f.split()) for f in forms if f.strip()]
        patterns = (_alternation((f for f in clean if " " in f), re.IGNORECASE),
                    _alternation((f for f in clean if " " not in f and f[:1].isupper()), 0))
        self._patterns = [p for p in patterns if p is not None]

    def redact(self, text: str) -> tuple[str, int]:
        """``text`` with each name as :data:`THIRD_PARTY`, and how many there were."""
        total = 0
        for pattern in self._patterns:
            text, count = pattern.subn(THIRD_PARTY, text)
            total += count
        return text, total
