"""Sharing records with partners, and sending a CP file to a child's new school.

A **partner share** is what the DSL chooses: which pupils, which kinds of their
records, to whom, why, and on what legal basis. Other children named in those
records are redacted unless the DSL includes them; staff names may be replaced
by "Staff member 1", "Staff member 2"… (see :mod:`sgdesk.models.redaction`).
The preview says exactly what will leave before anything does.

A **CP file transfer** sends one pupil's whole child-protection file to their
new school. It must go within :data:`TRANSFER_SCHOOL_DAYS` school days of the
move (the clock starts afresh in a holiday: school days skip term holidays), and
stays on the DSL's home view until the new school's receipt is recorded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sgdesk.models.errors import InvalidInput
from sgdesk.models.working_days import SchoolDayCalendar, add_school_days

#: Keeping children safe in education: the CP file goes to the new school within
#: five school days of an in-year move, or of the start of a new term.
TRANSFER_SCHOOL_DAYS = 5
TRANSFER_PURPOSE = "Child protection file transfer to the pupil's new school"


class SharedKind(enum.Enum):
    """The kinds of record a share can carry. Values are logged; labels are shown."""

    PUPIL_DETAILS = "pupil_details"
    CONCERNS = "concerns"
    BODY_MAPS = "body_maps"
    CHRONOLOGY = "chronology"
    REFERRALS = "referrals"
    CASEWORK = "casework"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    SharedKind.PUPIL_DETAILS: "Register details (addresses, household, agencies\u2026)",
    SharedKind.CONCERNS: "Concerns",
    SharedKind.BODY_MAPS: "Body maps",
    SharedKind.CHRONOLOGY: "Chronology events recorded by hand",
    SharedKind.REFERRALS: "Referrals",
    SharedKind.CASEWORK: "Casework",
}
EVERY_KIND = frozenset(SharedKind)


class LegalBasis(enum.Enum):
    """The usual lawful bases for sharing safeguarding information. A share may
    also state another basis in the DSL's own words."""

    SAFEGUARDING = "safeguarding"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    CONSENT = "consent"
    COURT_ORDER = "court_order"

    @property
    def label(self) -> str:
        return _BASIS_LABELS[self]


_BASIS_LABELS = {
    LegalBasis.SAFEGUARDING: (
        "Safeguarding: UK GDPR Art 6(1)(e) public task and Art 9(2)(g) substantial public "
        "interest, DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)"),
    LegalBasis.LEGAL_OBLIGATION: (
        "Legal obligation (such as a section 47 enquiry): UK GDPR Art 6(1)(c) and "
        "Art 9(2)(g), DPA 2018 Sch 1 para 18"),
    LegalBasis.VITAL_INTERESTS: (
        "Vital interests (a risk to life): UK GDPR Art 6(1)(d) and Art 9(2)(c)"),
    LegalBasis.CONSENT: (
        "Consent of the parent or child: UK GDPR Art 6(1)(a) and explicit consent, "
        "Art 9(2)(a)"),
    LegalBasis.COURT_ORDER: (
        "Court order or legal proceedings: UK GDPR Art 6(1)(c) and Art 9(2)(f)"),
}
LEGAL_BASIS_CHOICES: tuple[str, ...] = tuple(b.label for b in LegalBasis)


@dataclass(frozen=True)
class ShareRequest:
    """What the DSL chose to share. ``include_children`` are other children named
    in those records whom the DSL chose to leave named (the preview lists who is
    found); every other child is redacted. ``legal_basis`` is normally one of
    :data:`LEGAL_BASIS_CHOICES`."""

    pupil_ids: tuple[str, ...]
    kinds: frozenset[SharedKind]
    recipient: str
    purpose: str
    legal_basis: str
    include_children: tuple[str, ...] = ()
    anonymise_staff: bool = False

    def validated(self) -> ShareRequest:
        """Tidied (spaces collapsed, ids de-duplicated), or the first problem raised."""
        problems = share_problems(self)
        if problems:
            name, message = problems[0]
            raise InvalidInput(message, field=name)
        return ShareRequest(
            tuple(dict.fromkeys(self.pupil_ids)), frozenset(self.kinds),
            " ".join(self.recipient.split()), self.purpose.strip(),
            " ".join(self.legal_basis.split()), tuple(dict.fromkeys(self.include_children)),
            self.anonymise_staff)


def share_problems(request: ShareRequest) -> list[tuple[str, str]]:
    """Every problem as (field, message), in the order a form shows the fields."""
    found: list[tuple[str, str]] = []
    if not request.pupil_ids:
        found.append(("pupil_ids", "Choose at least one pupil whose records to share."))
    if not request.kinds:
        found.append(("kinds", "Choose at least one kind of record to share."))
    if set(request.include_children) & set(request.pupil_ids):
        found.append(("include_children", "A pupil whose records are shared is named "
                                          "already: untick them under other children."))
    if not request.recipient.strip():
        found.append(("recipient", "Say who the records are going to."))
    if not request.purpose.strip():
        found.append(("purpose", "Say why they are being shared (for example, a strategy "
                                 "discussion)."))
    if not request.legal_basis.strip():
        found.append(("legal_basis", "Choose the legal basis for sharing."))
    return found


# -- the preview ---------------------------------------------------------------------
@dataclass(frozen=True)
class PreviewRecord:
    """One record that will leave, as the preview lists it."""

    kind: SharedKind
    record_id: str
    on: date
    title: str
    versions: int


@dataclass(frozen=True)
class OtherChild:
    """Another child found in the shared records: the DSL may include them.
    ``kept_parts`` are parts of their name that stay even when redacted, because
    a child whose records are shared (or who is included) has them too."""

    pupil_id: str
    name: str
    found_as: tuple[str, ...]
    included: bool
    kept_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PupilPreview:
    """One shared pupil: their records, the children found in them, their PDFs."""

    pupil_id: str
    name: str
    records: tuple[PreviewRecord, ...]
    other_children: tuple[OtherChild, ...]
    pdfs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SharePreview:
    """Exactly what will leave. ``redactions`` counts names struck out and other
    children removed from lists; ``staff`` pairs each staff name with the alias it
    becomes (empty unless anonymising); ``counts`` is rows per table."""

    pupils: tuple[PupilPreview, ...]
    redactions: int
    staff: tuple[tuple[str, str], ...]
    counts: dict[str, int]
    notes: tuple[str, ...] = ()

    @property
    def other_children(self) -> tuple[OtherChild, ...]:
        """Every other child found, once each, in the order first found."""
        seen: dict[str, OtherChild] = {}
        for pupil in self.pupils:
            for child in pupil.other_children:
                seen.setdefault(child.pupil_id, child)
        return tuple(seen.values())

    @property
    def pdfs(self) -> tuple[str, ...]:
        return tuple(name for p in self.pupils for name, _ in p.pdfs)


# -- CP file transfers ---------------------------------------------------------------
def transfer_due_on(moved_on: date, calendar: SchoolDayCalendar) -> date:
    """The fifth school day after the move on the school's calendar (weekends,
    bank holidays, closure days, term holidays and INSET days do not count)."""
    return add_school_days(moved_on, TRANSFER_SCHOOL_DAYS, calendar)


@dataclass(frozen=True)
class TransferReceipt:
    """The new school's confirmation: who, when, and how it came (a receipt
    bundle, a printed receipt, an email…), and who recorded it here."""

    acknowledged_by: str
    acknowledged_at: datetime
    how: str
    recorded_by: str


@dataclass(frozen=True)
class TransferBody:
    """A CP file transfer as stored (each change a new version)."""

    new_school: str
    bundle_id: str
    bundle_sha256: str
    sent_at: datetime
    sent_by: str
    receipt: TransferReceipt | None = None


@dataclass(frozen=True)
class TransferAwaiting:
    """A transfer with no receipt yet, for the home view."""

    id: str
    pupil_id: str
    pupil_name: str
    new_school: str
    moved_on: date
    due_on: date
    sent_at: datetime
    overdue: bool = False


def validate_receipt(acknowledged_by: str, how: str) -> tuple[str, str]:
    """Both tidied, or :class:`InvalidInput` naming the empty one."""
    who = " ".join(acknowledged_by.split())
    means = " ".join(how.split())
    if not who:
        raise InvalidInput("Say who at the new school acknowledged the file.",
                           field="acknowledged_by")
    if not means:
        raise InvalidInput("Say how the receipt came (a receipt file, a printed receipt\u2026).",
                           field="how")
    return who, means
