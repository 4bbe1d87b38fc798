"""The pupil register: adding pupils, amending their details (never overwriting),
recording that they left, and linking siblings into a family."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sgdesk.models.concerns import validate_amendment_reason
from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil, PupilListEntry, validate_nhs_number, validate_upn
from sgdesk.services import access
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec
from sgdesk.storage.pupils_repo import PupilRepository


@dataclass(frozen=True)
class PupilVersionInfo:
    number: int
    saved_by: str
    saved_at: datetime
    reason: str
    pupil: Pupil


@dataclass(frozen=True)
class PupilRecord:
    pupil: Pupil
    version: int
    history: tuple[PupilVersionInfo, ...]
    family: tuple[Pupil, ...]


def validated(pupil: Pupil) -> Pupil:
    """Check what a register entry must have; normalise UPN and NHS number."""
    if not pupil.legal_forename.strip():
        raise InvalidInput("Enter the pupil's legal first name.", field="legal_forename")
    if not pupil.legal_surname.strip():
        raise InvalidInput("Enter the pupil's legal surname.", field="legal_surname")
    if pupil.date_of_birth is None and pupil.expected_date_of_birth is None:
        raise InvalidInput("Enter a date of birth (or the expected date for an unborn child).",
                           field="date_of_birth")
    if pupil.date_of_birth and pupil.date_of_birth > date.today():
        raise InvalidInput("A date of birth cannot be in the future.", field="date_of_birth")
    if pupil.date_left and pupil.date_of_birth and pupil.date_left < pupil.date_of_birth:
        raise InvalidInput("The leaving date is before the date of birth.", field="date_left")
    return replace(pupil, upn=validate_upn(pupil.upn),
                   nhs_number=validate_nhs_number(pupil.nhs_number))


def list_pupils(session: Session) -> list[PupilListEntry]:
    """The register, or for a SENDCO the pupils with SEND on it."""
    entries = PupilRepository(session.db).list_entries()
    if access.sees_all(session):
        return entries
    return [e for e in entries if e.send_status in access.SEND_STATUSES]


def add_pupil(session: Session, pupil: Pupil) -> Pupil:
    """Add a register entry. A SENDCO adds pupils with SEND only: any other would be
    out of their sight the moment it was saved."""
    session.require_write()
    if not access.can_see(session, pupil):
        raise PermissionDenied(access.WRITE_NOT_VISIBLE)
    pupil = validated(replace(pupil, id=pupil.id or str(uuid.uuid4())))
    repo = PupilRepository(session.db)
    if pupil.upn and repo.by_upn(pupil.upn):
        raise InvalidInput("A pupil with that UPN is already on the register.", field="upn")
    with session.db.write(session.user.id) as tx:
        repo.add(tx, pupil)
    return pupil


def amend_pupil(session: Session, pupil: Pupil, reason: str, base_version: int) -> int:
    """Save a new version of the pupil's details; the earlier ones stay. A SENDCO
    may amend a pupil with SEND (and may record that their SEND has ended)."""
    session.require_write()
    access.require_pupil_visible(session, pupil.id, access.WRITE_NOT_VISIBLE)
    reason = validate_amendment_reason(reason)
    pupil = validated(pupil)
    with session.db.write(session.user.id) as tx:
        return PupilRepository(session.db).amend(tx, pupil, reason, base_version)


def record_leaving(session: Session, pupil_id: str, left_on: date, destination: str,
                   base_version: int) -> int:
    """A pupil leaves: they stay on file, with the date and destination school."""
    record = get_pupil(session, pupil_id)
    reason = f"Left the school (destination: {destination})" if destination else "Left the school"
    return amend_pupil(session, replace(record.pupil, date_left=left_on,
                                        destination_school=destination), reason, base_version)


def get_pupil(session: Session, pupil_id: str) -> PupilRecord:
    """The register entry with its history and the siblings in its family that the
    user may see."""
    access.require_pupil_visible(session, pupil_id)
    repo = PupilRepository(session.db)
    found = repo.get(pupil_id)
    if found is None:
        raise InvalidInput("That pupil is not on the register.")
    pupil, version = found
    names = user_names(session)
    history = tuple(
        PupilVersionInfo(v.number, names.get(v.saved_by, "unknown user"),
                         datetime.fromisoformat(v.saved_at), v.reason,
                         codec.loads(Pupil, v.body))
        for v in repo.history(pupil_id)
    )
    family: tuple[Pupil, ...] = ()
    if pupil.family_id:
        members = repo.get_many(repo.family_members(pupil.family_id))
        family = tuple(p for p in members.values()
                       if p.id != pupil.id and access.can_see(session, p))
    return PupilRecord(pupil, version, history, family)


def pupil_id_for(session: Session, id_or_upn: str) -> str:
    """The register id a person typed, or the id of the pupil with that UPN (the
    command line names pupils by UPN: nobody knows an internal id by heart)."""
    text = id_or_upn.strip()
    repo = PupilRepository(session.db)
    found = text if repo.get(text) is not None else repo.by_upn(text.upper())
    if found is None:
        raise InvalidInput(f"No pupil on the register has the id or UPN {text}.")
    access.require_pupil_visible(session, found)
    return found


def family_members(session: Session, family_id: str) -> list[Pupil]:
    """The pupils linked into one family, eldest first (for a family's printed
    chronology, which lists every child even where a child has no entries). A
    SENDCO gets the children with SEND, and is refused a family with none."""
    repo = PupilRepository(session.db)
    ids = repo.family_members(family_id)
    found = repo.get_many(ids)
    members = [found[i] for i in ids if i in found]
    shown = [p for p in members if access.can_see(session, p)]
    if members and not shown:
        raise PermissionDenied(access.NOT_VISIBLE)
    return shown


def link_family(session: Session, pupil_ids: list[str], label: str) -> str:
    """Link siblings at the school into one family (so chronologies can merge)."""
    session.require_write()
    access.require_all_visible(session, pupil_ids, access.WRITE_NOT_VISIBLE)
    if len(pupil_ids) < 2:
        raise InvalidInput("Choose at least two pupils to link as a family.")
    repo = PupilRepository(session.db)
    with session.db.write(session.user.id) as tx:
        family_id = repo.new_family(tx, label.strip() or "Family")
        for pupil_id in pupil_ids:
            found = repo.get(pupil_id)
            if found is None:
                raise InvalidInput("One of those pupils is not on the register.")
            pupil, version = found
            repo.amend(tx, replace(pupil, family_id=family_id), "Linked to family", version)
    return family_id
