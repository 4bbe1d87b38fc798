"""Retention for the DSL: review dates, the review list, legal holds, destruction.

Every function is the Designated Safeguarding Lead's alone and checks the role
itself (reads too), except :func:`reviews_due`, which the home view calls for
whoever is signed in and which is simply empty for anyone but the DSL, and
:func:`file_retention`, one pupil's review date for whoever may see that pupil.
Destruction is refused for a pupil still on roll, before the review date, or
while a legal hold is in place, and needs the pupil's name typed as shown: one
slip must never destroy a file. The removal itself is ``storage.destruction``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sgdesk.models.errors import InvalidInput, PermissionDenied
from sgdesk.models.pupils import Pupil, SendStatus, add_years
from sgdesk.models.retention import (
    DestructionRecord,
    LegalHold,
    RetentionKind,
    RetentionRules,
    check_confirmation,
    destruction_refusal,
    governing_kind,
    review_date,
    review_window_end,
    validate_destruction_reason,
    validate_hold_reason,
)
from sgdesk.models.users import Role
from sgdesk.services import access
from sgdesk.services.session import Session
from sgdesk.services.users import user_names
from sgdesk.storage import codec, destruction
from sgdesk.storage.pupils_repo import PupilRepository
from sgdesk.storage.settings_repo import KeyValueTable
from sgdesk.storage.versioned import VersionedTable

#: The ``settings`` key holding the years per kind (``{"cp_file": 25, "sen": 31}``).
SETTINGS_KEY = "retention_years"


@dataclass(frozen=True)
class RetentionReview:
    """A leaver whose file is due for review (``due``: the date has come) or comes due
    within :data:`~sgdesk.models.retention.REVIEW_NOTICE_DAYS` days."""

    pupil_id: str
    pupil_name: str
    date_of_birth: date | None
    left_on: date
    review_on: date
    kind: RetentionKind
    years: int
    on_hold: bool
    due: bool


@dataclass(frozen=True)
class FileRetention:
    """When one pupil's file comes up for review (``None`` with no date of birth), and
    the period that sets it in words (``SEN-related records: date of birth + 31 years``)."""

    review_on: date | None
    retention: str


@dataclass(frozen=True)
class HoldEntry:
    """A legal hold as the list shows it: the pupil and who placed and lifted it, by name."""

    hold: LegalHold
    pupil_name: str
    placed_by_name: str
    lifted_by_name: str


@dataclass(frozen=True)
class DestructionEntry:
    record: DestructionRecord
    destroyed_by_name: str


@dataclass(frozen=True)
class DestructionPreview:
    """What destroying a file would remove, shown before the DSL confirms. ``refusal``
    says why it may not be destroyed today ("" when it may)."""

    pupil_id: str
    pupil_name: str
    review_on: date | None
    retention: str
    removed: dict[str, int]
    shared_concerns: int
    refusal: str


def _require_dsl(session: Session) -> None:
    if session.user.role is not Role.DSL:
        raise PermissionDenied("Only the Designated Safeguarding Lead can manage retention, "
                               "legal holds and the destruction of records.")


def _today(session: Session) -> date:
    return session.db.clock().astimezone().date()


# -- rules --------------------------------------------------------------------------------
def retention_rules(session: Session) -> RetentionRules:
    """The years per kind this school uses (the defaults until the DSL changes one)."""
    stored = KeyValueTable(session.db, "settings").get(SETTINGS_KEY, {})
    return RetentionRules.from_stored(stored if isinstance(stored, dict) else {})


def set_retention_years(session: Session, kind: RetentionKind, years: int) -> RetentionRules:
    """Change one kind's period (audited as a settings change); returns the new rules."""
    _require_dsl(session)
    session.require_write()
    rules = retention_rules(session).with_years(kind, years)
    with session.db.write(session.user.id) as tx:
        KeyValueTable(session.db, "settings").put(tx, SETTINGS_KEY, rules.stored())
    return rules


def retention_words(kind: RetentionKind, rules: RetentionRules) -> str:
    """``Child protection file: date of birth + 25 years``."""
    return f"{kind.label}: date of birth + {rules.years_for(kind)} years"


def file_retention(session: Session, pupil_id: str) -> FileRetention:
    """The pupil's review date under this school's periods, SEN history included.

    For anyone who may see the pupil (the record view, the leaving form), not the
    DSL alone: it is the date the screens tell, and the DSL's review list and the
    destruction check use the same rule."""
    access.require_pupil_visible(session, pupil_id)
    return _retention_of(session, _pupil(session, pupil_id))


def _retention_of(session: Session, pupil: Pupil) -> FileRetention:
    rules = retention_rules(session)
    had_send = bool(_had_send(session, [pupil.id]))
    return FileRetention(review_date(pupil, rules, had_send),
                         retention_words(governing_kind(pupil, rules, had_send), rules))


# -- the review list ----------------------------------------------------------------------
def reviews_due(session: Session, today: date) -> list[RetentionReview]:
    """Leavers whose review date has passed or falls within 90 days of ``today``, the
    earliest first. For the home view: empty for anyone but the DSL.

    Only leavers born early enough to be due under the shortest period are read
    (the ``date_of_birth`` column does that), so the list stays fast however many
    leavers the store holds."""
    if session.user.role is not Role.DSL:
        return []
    rules = retention_rules(session)
    end = review_window_end(today)
    shortest = min(rules.years_for(kind) for kind in RetentionKind)
    # one day's slack: a 29 February birthday is reviewed on 28 February
    born_by = add_years(end, -shortest) + timedelta(days=1)
    rows = session.db.query(
        "SELECT body FROM pupils WHERE date_left IS NOT NULL "
        "AND (date_of_birth IS NULL OR date_of_birth <= ?)", (born_by.isoformat(),))
    leavers = [codec.loads(Pupil, r[0]) for r in rows]
    had_send = _had_send(session, [p.id for p in leavers if p.send_status is SendStatus.NONE])
    held = _pupils_on_hold(session)
    found = []
    for pupil in leavers:
        on = review_date(pupil, rules, pupil.id in had_send)
        if on is None or on > end or pupil.date_left is None:
            continue
        kind = governing_kind(pupil, rules, pupil.id in had_send)
        found.append(RetentionReview(pupil.id, pupil.display_name, pupil.date_of_birth,
                                     pupil.date_left, on, kind, rules.years_for(kind),
                                     pupil.id in held, on <= today))
    return sorted(found, key=lambda r: (r.review_on, r.pupil_name))


def _had_send(session: Session, pupil_ids: list[str]) -> set[str]:
    """Those of ``pupil_ids`` an earlier register version shows with SEN support or an EHCP."""
    found: set[str] = set()
    for start in range(0, len(pupil_ids), 500):
        chunk = pupil_ids[start:start + 500]
        found |= {str(r[0]) for r in session.db.query(
            "SELECT DISTINCT pupil_id FROM pupil_versions WHERE pupil_id IN "
            f"({', '.join('?' * len(chunk))}) "
            "AND json_extract(body, '$.send_status') <> ?", (*chunk, SendStatus.NONE.value))}
    return found


def _pupils_on_hold(session: Session) -> set[str]:
    return {str(r[0]) for r in session.db.query(
        "SELECT DISTINCT pupil_id FROM legal_holds WHERE lifted_on IS NULL")}


def _pupil(session: Session, pupil_id: str) -> Pupil:
    found = PupilRepository(session.db).get(pupil_id)
    if found is None:
        raise InvalidInput("That pupil is not on the register.")
    return found[0]


# -- legal holds --------------------------------------------------------------------------
def place_hold(session: Session, pupil_id: str, reason: str) -> LegalHold:
    """Keep the pupil's file whatever its review date says, until the hold is lifted."""
    _require_dsl(session)
    session.require_write()
    clean = validate_hold_reason(reason)
    _pupil(session, pupil_id)
    today = _today(session)
    hold = LegalHold(str(uuid.uuid4()), pupil_id, clean, session.user.id, today)
    with session.db.write(session.user.id) as tx:
        VersionedTable(session.db, "legal_hold").insert(
            tx, hold.id, codec.dumps(hold),
            {"pupil_id": pupil_id, "placed_on": today.isoformat(), "lifted_on": None})
    return hold


def lift_hold(session: Session, hold_id: str, reason: str) -> LegalHold:
    """Lift a hold, with the reason (a new version of the hold: the original stays)."""
    _require_dsl(session)
    session.require_write()
    row = session.db.query_one("SELECT body, version FROM legal_holds WHERE id = ?", (hold_id,))
    if row is None:
        raise InvalidInput("That legal hold is not on record.")
    today = _today(session)
    lifted = codec.loads(LegalHold, row[0]).lifted(session.user.id, today, reason)
    with session.db.write(session.user.id) as tx:
        VersionedTable(session.db, "legal_hold").amend(
            tx, hold_id, codec.dumps(lifted),
            {"pupil_id": lifted.pupil_id, "placed_on": lifted.placed_on.isoformat(),
             "lifted_on": today.isoformat()},
            lifted.lift_reason, int(row[1]))
    return lifted


def holds(session: Session) -> list[HoldEntry]:
    """Every legal hold: those in place first, then lifted ones; the newest first in each."""
    _require_dsl(session)
    found = [codec.loads(LegalHold, r[0]) for r in session.db.query(
        "SELECT body FROM legal_holds ORDER BY lifted_on IS NOT NULL, placed_on DESC, rowid DESC")]
    pupils = PupilRepository(session.db).get_many(sorted({h.pupil_id for h in found}))
    names = user_names(session)
    return [HoldEntry(h, pupils[h.pupil_id].display_name if h.pupil_id in pupils else "",
                      names.get(h.placed_by, "unknown user"),
                      names.get(h.lifted_by, "unknown user") if h.lifted_by else "")
            for h in found]


# -- destruction --------------------------------------------------------------------------
def _refusal_and_rules(session: Session, pupil: Pupil
                       ) -> tuple[str, date | None, str]:
    """(why not today or "", the review date, the period applied in words)."""
    kept = _retention_of(session, pupil)
    held = session.db.query_one(
        "SELECT count(*) FROM legal_holds WHERE pupil_id = ? AND lifted_on IS NULL",
        (pupil.id,))
    refusal = destruction_refusal(pupil, kept.review_on, _today(session),
                                  int(held[0]) if held else 0)
    return refusal, kept.review_on, kept.retention


def destruction_preview(session: Session, pupil_id: str) -> DestructionPreview:
    """What destroying the file would remove, and whether it may be destroyed today."""
    _require_dsl(session)
    pupil = _pupil(session, pupil_id)
    refusal, on, retention = _refusal_and_rules(session, pupil)
    plan = destruction.plan_destruction(session.db, pupil_id)
    counts = {key: n for key, n in plan.counts().items() if n}
    return DestructionPreview(pupil_id, pupil.display_name, on, retention, counts,
                              len(plan.shared_concerns), refusal)


def destroy_file(session: Session, pupil_id: str, reason: str,
                 confirm_text: str) -> DestructionRecord:
    """Destroy a leaver's file at or after its review date, with no hold in place.

    ``confirm_text`` must be the pupil's name as shown (``display_name``). The file's
    content is removed from the store's pages; the destruction record stays."""
    _require_dsl(session)
    session.require_write()
    pupil = _pupil(session, pupil_id)
    refusal, _on, retention = _refusal_and_rules(session, pupil)
    if refusal:
        raise InvalidInput(refusal)
    if session.db.query_one("SELECT 1 FROM subject_access_requests WHERE pupil_id = ? "
                            "AND closed_on IS NULL", (pupil_id,)) is not None:
        # the ICO: records asked for must not be destroyed while the request is open
        raise InvalidInput("A subject access request for this pupil is still open. Respond "
                           "to it first; nothing has been destroyed.")
    clean = validate_destruction_reason(reason)
    check_confirmation(confirm_text, pupil.display_name)
    return destruction.destroy_pupil_file(session.db, session.user.id, pupil_id, clean,
                                          retention)


def destructions(session: Session) -> list[DestructionEntry]:
    """The destruction log, the most recent first."""
    _require_dsl(session)
    names = user_names(session)
    return [DestructionEntry(r, names.get(r.destroyed_by, "unknown user"))
            for r in destruction.destructions(session.db)]
