"""Whose records the signed-in user may see: the one place the rule lives.

The DSL, deputy DSLs and the auditor see every pupil. A SENDCO sees the records
of pupils with SEND — SEN support or an EHCP, as the register says today — and
nothing else: not another pupil's register entry, concerns, body maps,
chronology, referrals or cases, nor their name where it appears on a visible
pupil's file. What a SENDCO may write (concerns, body maps, chronology events,
register details) is held to the same pupils.

A concern about several children is visible when any of them is; a SENDCO then
sees it only as a visible child's file shows it (the label-leak rule,
``concerns.concern_on_file``), and the whole concern only when every child in it
is visible to them.

Every service that reads or writes a pupil's records asks here first. A refusal
is :class:`PermissionDenied` in words that name no child and do not say whether
the record exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sgdesk.models.concerns import ConcernOnFile
from sgdesk.models.errors import PermissionDenied
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.users import Role
from sgdesk.services.session import Session
from sgdesk.storage.cases_repo import CaseRepository
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.pupils_repo import PupilRepository
from sgdesk.storage.referrals_repo import ReferralRepository

#: The SEND statuses that put a pupil's records in the SENDCO's sight.
SEND_STATUSES = frozenset({SendStatus.SEN_SUPPORT, SendStatus.EHCP})

NOT_VISIBLE = ("A SENDCO account can open the records of pupils with SEND (SEN support or "
               "an EHCP) only.")
NOT_WHOLE = ("This concern is also about a pupil whose records a SENDCO account cannot "
             "see. Open it from the file of the pupil with SEND instead.")
WRITE_NOT_VISIBLE = ("A SENDCO account can record only about pupils with SEND (SEN support "
                     "or an EHCP). Tell the DSL about any other child.")


def sees_all(session: Session) -> bool:
    """Everyone but a SENDCO sees every pupil's records."""
    return session.user.role is not Role.SENDCO


def has_send(pupil: Pupil) -> bool:
    return pupil.send_status in SEND_STATUSES


def can_see(session: Session, pupil: Pupil) -> bool:
    """Whether ``pupil`` (already read) is in the signed-in user's sight."""
    return sees_all(session) or has_send(pupil)


def visible_ids(session: Session, pupil_ids: Iterable[str]) -> set[str]:
    """The ids among ``pupil_ids`` whose records the user may see (for everyone but
    a SENDCO, all of them, whether on the register or not)."""
    wanted = set(pupil_ids)
    if sees_all(session) or not wanted:
        return wanted
    found = PupilRepository(session.db).get_many(sorted(wanted))
    return {pupil_id for pupil_id, pupil in found.items() if has_send(pupil)}


def pupil_visible(session: Session, pupil_id: str) -> bool:
    return bool(visible_ids(session, [pupil_id]))


def require_pupil_visible(session: Session, pupil_id: str, message: str = NOT_VISIBLE) -> None:
    if not pupil_visible(session, pupil_id):
        raise PermissionDenied(message)


def require_all_visible(session: Session, pupil_ids: Iterable[str],
                        message: str = NOT_VISIBLE) -> None:
    """Refuse unless every one of ``pupil_ids`` is in sight (writes, and whole records)."""
    wanted = set(pupil_ids)
    if visible_ids(session, wanted) != wanted:
        raise PermissionDenied(message)


def require_any_visible(session: Session, pupil_ids: Iterable[str],
                        message: str = NOT_VISIBLE) -> None:
    """Refuse unless at least one of ``pupil_ids`` is in sight (a record about several
    children, or a family). Nobody at all is refused too, for a SENDCO."""
    if not sees_all(session) and not visible_ids(session, pupil_ids):
        raise PermissionDenied(message)


def require_family_visible(session: Session, family_id: str,
                           message: str = NOT_VISIBLE) -> None:
    """A family is in sight when any child linked to it is."""
    if not sees_all(session):
        require_any_visible(session, PupilRepository(session.db).family_members(family_id),
                            message)


def require_concern_visible(session: Session, concern_id: str) -> None:
    """A concern is in sight when any child it is about is (its current version)."""
    if not sees_all(session):
        children = ConcernRepository(session.db).children_of([concern_id])
        require_any_visible(session, children.get(concern_id, []))


def require_case_visible(session: Session, case_id: str) -> None:
    if not sees_all(session):
        content = CaseRepository(session.db).current(case_id)
        require_any_visible(session, [content.pupil_id] if content else [])


def require_referral_visible(session: Session, referral_id: str) -> None:
    """A referral about a pupil is in sight with the pupil; one about an adult
    (LADO) never is for a SENDCO (the referrals service keeps those to the DSL)."""
    if not sees_all(session):
        found = ReferralRepository(session.db).current(referral_id)
        pupil_id = found[0].content.pupil_id if found else None
        require_any_visible(session, [pupil_id] if pupil_id else [])


def names_in_sight(session: Session, on_file: ConcernOnFile) -> ConcernOnFile:
    """``on_file`` without the names of other children the user may not see: what a
    frozen copy (a referral as sent) shows a SENDCO, since it keeps the names the
    DSL chose to show when it was made."""
    if sees_all(session):
        return on_file
    visible = visible_ids(session, [o.pupil_id for o in on_file.other_children])
    return replace(on_file, other_children=tuple(
        o if o.pupil_id in visible else replace(o, shown_name=None)
        for o in on_file.other_children))
