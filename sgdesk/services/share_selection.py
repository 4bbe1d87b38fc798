"""Choosing what a share or transfer carries, and redacting it.

The chosen pupils' chosen records are read with every version, exactly as the
store holds them (the same tables and columns as a handover), together with the
staff and families they point at, so a bundle is whole: every reference
resolves inside it. Then, before anything leaves:

- another child who is not included is dropped from every list that names a
  child (a concern's children, a referral's mention of them) and every
  occurrence of their names in every text becomes "[another child]"
  (:mod:`sgdesk.models.redaction`). Other children are those linked to the
  records, the shared pupils' siblings, and any pupil on the register named in
  full in the text;
- a link to a record that is not shared is cut (a body map's concern, a case's
  referral, a referral's concerns), so nothing points outside the bundle;
- without the register details chosen, a pupil goes with identifying details
  only (what every printed record shows); an included child with their name and
  date of birth only;
- staff may be anonymised.

Everything here reads; nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.models.casework import CaseContent
from sgdesk.models.chronology import PART_MARK, ChronologyEvent
from sgdesk.models.concerns import ConcernContent
from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import Pupil
from sgdesk.models.redaction import (
    ChildNames,
    MentionIndex,
    Person,
    TextRedactor,
    normalised,
    staff_name_forms,
)
from sgdesk.models.referrals import ReferralBody
from sgdesk.models.sharing import SharedKind, ShareRequest
from sgdesk.storage import codec
from sgdesk.storage.bundle_tables import TableShape, table_shapes
from sgdesk.storage.database import Database
from sgdesk.storage.pupils_repo import PupilRepository

Row = dict[str, Any]
#: What a pupil goes with when their register details are not chosen: what
#: every printed record shows, so the recipient knows whose records these are.
_IDENTIFYING = ("id", "legal_forename", "legal_surname", "preferred_name", "aliases",
                "date_of_birth", "expected_date_of_birth", "upn", "year_group", "form",
                "send_status", "send_since", "family_id", "date_left", "destination_school")
#: What an included child goes with: who they are, nothing else.
_NAMING = ("id", "legal_forename", "legal_surname", "preferred_name", "aliases",
           "date_of_birth", "expected_date_of_birth")
#: JSON keys whose values name staff (who reported, reviewed, completed, owns…).
_STAFF_FIELDS = frozenset({"reporter_name", "reviewed_by", "owner", "completed_by_name",
                           "referrer_name", "dsl_consulted"})
_JSON_COLUMNS = frozenset({"body", "value"})
#: Columns outside the bodies that hold words a person wrote (names, reasons,
#: an action); every other column is a code, a date or an id.
_TEXT_COLUMNS = frozenset({"display_name", "sort_name", "label", "reason", "description",
                           "owner"})
#: The record each table's body holds, so only its text fields are redacted.
_BODIES: dict[str, type] = {
    **dict.fromkeys(("pupils", "pupil_versions"), Pupil),
    **dict.fromkeys(("concerns", "concern_versions"), ConcernContent),
    **dict.fromkeys(("body_maps", "body_map_versions"), BodyMapContent),
    **dict.fromkeys(("chronology_events", "chronology_event_versions"), ChronologyEvent),
    **dict.fromkeys(("referrals", "referral_versions"), ReferralBody),
    **dict.fromkeys(("cases", "case_versions"), CaseContent),
}


@dataclass
class ShareRecord:
    """One record that leaves: its kind, id, the shared pupils whose file it is
    on, and its rows (the main row, every version, the rows derived from it)."""

    kind: SharedKind
    id: str
    pupils: set[str]
    rows: list[tuple[str, Row]]

    @property
    def body(self) -> str:
        """The record's current body (its main row's)."""
        return str(self.rows[0][1]["body"])


@dataclass
class FoundChild:
    """Another child found in the records: how, and on whose file."""

    how: set[str] = field(default_factory=set)
    on_files_of: set[str] = field(default_factory=set)


@dataclass
class SelectedShare:
    """What a share or transfer carries, redacted, and how it was worked out:
    ``records`` (unredacted, for the preview and the printing plan), ``tables``
    (redacted: what leaves), the other children found and the redactor used."""

    request: ShareRequest
    tables: dict[str, list[Row]]
    records: list[ShareRecord]
    people: dict[str, Person]
    others: dict[str, FoundChild]
    redactor: TextRedactor
    cut_links: dict[str, int]
    #: The manifest's details (the purpose redacted too: the DSL may have named a child).
    details: dict[str, Any]
    #: Who the printed pages say produced them: the sender, or their alias.
    printed_by: str

    def record_ids(self) -> dict[str, list[str]]:
        """Record ids per kind, for the log."""
        found: dict[str, list[str]] = {}
        for record in self.records:
            found.setdefault(record.kind.value, []).append(record.id)
        return found

    def removed(self) -> list[str]:
        """The other children redacted (not included), by id."""
        return sorted(i for i in self.others if i not in self.request.include_children)


def select_share(db: Database, request: ShareRequest, sender: str) -> SelectedShare:
    """Choose and redact the rows ``request`` (validated) asks for; ``sender``
    is the display name of the person sending it."""
    shapes = {s.name: s for s in table_shapes(db)}
    people = _register(db)
    missing = [i for i in (*request.pupil_ids, *request.include_children) if i not in people]
    if missing:
        raise InvalidInput("A chosen pupil is not on the register.", field="pupil_ids")
    shared = set(request.pupil_ids)
    records = _gather(db, shapes, request)
    included = set(request.include_children)
    others = _other_children(db, records, people, shared)
    names = ChildNames(removed=tuple(people[i] for i in others if i not in included),
                       kept=tuple(people[i] for i in (*request.pupil_ids, *included)))
    redactor = TextRedactor(names.forms(), *(_staff_forms(db, records, names)
                                             if request.anonymise_staff else ({}, {})))
    removed = {p.pupil_id for p in names.removed}
    cut = _cut_links(records)
    tables = _redacted_tables(db, shapes, records, request, redactor, removed)
    details: dict[str, Any] = {
        "recipient": redactor.text(request.recipient),
        "purpose": redactor.text(request.purpose),
        "legal_basis": request.legal_basis,
        "staff_anonymised": request.anonymise_staff,
    }
    printed_by = redactor.aliases.alias_of(sender) if request.anonymise_staff else sender
    return SelectedShare(request, tables, records, people, others, redactor, cut, details,
                         printed_by)


def _register(db: Database) -> dict[str, Person]:
    """Every pupil's names, for finding mentions and for redaction."""
    people: dict[str, Person] = {}
    for row in db.query("SELECT id, body FROM pupils"):
        body = json.loads(row["body"])
        people[row["id"]] = Person(row["id"], body.get("legal_forename", ""),
                                   body.get("legal_surname", ""),
                                   body.get("preferred_name", ""),
                                   tuple(body.get("aliases", ())))
    return people


def _select(db: Database, shape: TableShape, where: str, params: Sequence[Any]) -> list[Row]:
    order = ", ".join(shape.key) if shape.key else "rowid"
    rows = db.query(f"SELECT {', '.join(shape.columns)} FROM {shape.name} WHERE {where} "
                    f"ORDER BY {order}", params)
    return [dict(zip(shape.columns, tuple(r), strict=True)) for r in rows]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values)) or "NULL"


def _by(rows: Iterable[Row], column: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[column], []).append(row)
    return grouped


def _gather(db: Database, shapes: Mapping[str, TableShape],
            request: ShareRequest) -> list[ShareRecord]:
    """Every record that leaves, unredacted, pupils first."""
    ids = list(request.pupil_ids)
    shared = set(ids)
    records = [ShareRecord(SharedKind.PUPIL_DETAILS, r["id"], {r["id"]}, [("pupils", r)])
               for r in _select(db, shapes["pupils"], f"id IN ({_marks(ids)})", ids)]
    records.sort(key=lambda r: ids.index(r.id))
    wanted = request.kinds
    if SharedKind.CONCERNS in wanted:
        records += _versioned(db, shapes, SharedKind.CONCERNS, "concern",
                              "id IN (SELECT concern_id FROM concern_children WHERE pupil_id "
                              f"IN ({_marks(ids)}))", ids, shared,
                              ("concern_children", "concern_actions"))
    if SharedKind.BODY_MAPS in wanted:
        records += _versioned(db, shapes, SharedKind.BODY_MAPS, "body_map",
                              f"pupil_id IN ({_marks(ids)})", ids, shared, ("body_map_marks",))
    if SharedKind.CHRONOLOGY in wanted:
        families = [str(r[0]) for r in db.query(
            f"SELECT DISTINCT family_id FROM pupils WHERE id IN ({_marks(ids)}) "
            "AND family_id IS NOT NULL", ids)]
        records += _versioned(db, shapes, SharedKind.CHRONOLOGY, "chronology_event",
                              f"pupil_id IN ({_marks(ids)}) OR family_id IN "
                              f"({_marks(families)})", [*ids, *families], shared, (),
                              family_of=_families_of(db, ids))
    if SharedKind.REFERRALS in wanted:
        records += _versioned(db, shapes, SharedKind.REFERRALS, "referral",
                              f"pupil_id IN ({_marks(ids)})", ids, shared, ())
    if SharedKind.CASEWORK in wanted:
        records += _versioned(db, shapes, SharedKind.CASEWORK, "case",
                              f"pupil_id IN ({_marks(ids)})", ids, shared, ())
    pupil_versions = _by(_select(db, shapes["pupil_versions"],
                                 f"pupil_id IN ({_marks(ids)})", ids), "pupil_id")
    # the DSL's significance choices, for the entries drawn from records that go
    leaving = {r.id for r in records}
    choices = _by((c for c in _select(db, shapes["chronology_significance"],
                                      f"pupil_id IN ({_marks(ids)})", ids)
                   if c["source_id"].partition(PART_MARK)[0] in leaving), "pupil_id")
    for record in records[:len(ids)]:
        record.rows += [("pupil_versions", v) for v in pupil_versions.get(record.id, ())]
        record.rows += [("chronology_significance", c) for c in choices.get(record.id, ())]
    included = list(request.include_children)
    for row in _select(db, shapes["pupils"], f"id IN ({_marks(included)})", included):
        versions = _select(db, shapes["pupil_versions"], "pupil_id = ?", [row["id"]])
        records.append(ShareRecord(SharedKind.PUPIL_DETAILS, row["id"], set(),
                               [("pupils", row), *(("pupil_versions", v) for v in versions)]))
    return records


def _families_of(db: Database, ids: Sequence[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in db.query(f"SELECT id, family_id FROM pupils WHERE id IN ({_marks(ids)}) "
                        "AND family_id IS NOT NULL", ids):
        found.setdefault(str(row[1]), set()).add(str(row[0]))
    return found


def _versioned(db: Database, shapes: Mapping[str, TableShape], kind: SharedKind, name: str,
               where: str, params: Sequence[Any], shared: set[str], derived: Sequence[str],
               family_of: Mapping[str, set[str]] | None = None) -> list[ShareRecord]:
    """The records of one versioned kind with every version and derived row. A
    concern keeps only the versions in which a shared pupil is one of the
    children: an earlier version about other children is not on their file."""
    table = f"{name}s"
    main = _select(db, shapes[table], where, params)
    ids = [r["id"] for r in main]
    versions = _by(_select(db, shapes[f"{name}_versions"], f"{name}_id IN ({_marks(ids)})",
                           ids), f"{name}_id")
    parent = {"concern_children": "concern_id", "concern_actions": "concern_id",
              "body_map_marks": "map_id"}
    extra = {t: _by(_select(db, shapes[t], f"{parent[t]} IN ({_marks(ids)})", ids), parent[t])
             for t in derived}
    records = []
    for row in main:
        history = versions.get(row["id"], [])
        if kind is SharedKind.CONCERNS:
            history = [v for v in history if _children_of(v["body"]) & shared]
            pupils = {c["pupil_id"] for c in extra["concern_children"].get(row["id"], ())}
        elif family_of is not None and row["pupil_id"] is None:
            pupils = set(family_of.get(row["family_id"], ()))
        else:
            pupils = {row["pupil_id"]}
        rows = [(table, row), *((f"{name}_versions", v) for v in history),
                *((t, r) for t in derived for r in extra[t].get(row["id"], ()))]
        records.append(ShareRecord(kind, row["id"], pupils & shared, rows))
    return records


def _children_of(body: str) -> set[str]:
    return {c["pupil_id"] for c in json.loads(body).get("children", ())}


# -- who else is in the records --------------------------------------------------------
def _other_children(db: Database, records: Sequence[ShareRecord], people: Mapping[str, Person],
                    shared: set[str]) -> dict[str, FoundChild]:
    """Children other than the shared ones found in the records: linked to them,
    in the same family, or named in full anywhere in their text. Children the DSL
    chose to include are found too (so the preview can list them, ticked); the
    callers redact only those not included."""
    mentions = MentionIndex.of(p for i, p in people.items() if i not in shared)
    found: dict[str, FoundChild] = {}

    def note(pupil_id: str, how: str, on_files_of: Iterable[str]) -> None:
        if pupil_id not in shared and pupil_id in people:
            entry = found.setdefault(pupil_id, FoundChild())
            entry.how.add(how)
            entry.on_files_of.update(on_files_of)

    repo = PupilRepository(db)
    for record in records:
        family = record.rows[0][1]["family_id"] if record.rows[0][0] == "pupils" else None
        if record.pupils and family:
            for sibling in repo.family_members(family):
                note(sibling, "in the same family", record.pupils)
    for record in records:
        if not record.pupils:
            continue
        for table, row in record.rows:
            for column, value in row.items():
                if not isinstance(value, str):
                    continue
                if column in _JSON_COLUMNS:
                    parsed = json.loads(value)
                    for linked in _linked_pupils(parsed):
                        note(linked, "linked to a record", record.pupils)
                    texts: Iterable[str] = _strings(parsed)
                else:
                    texts = (value,)
                for text in texts:
                    for named in mentions.named_in(text):
                        note(named, "named in the text", record.pupils)
            if table == "concern_children":
                note(row["pupil_id"], "linked to a record", record.pupils)
    return found


def _linked_pupils(value: Any) -> Iterable[str]:
    """Every ``pupil_id`` inside a JSON body (a concern's children, a referral's
    mentions of other children, the record's own pupil)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "pupil_id" and isinstance(item, str):
                yield item
            else:
                yield from _linked_pupils(item)
    elif isinstance(value, list):
        for item in value:
            yield from _linked_pupils(item)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _staff_forms(db: Database, records: Sequence[ShareRecord], names: ChildNames
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """Staff name forms → the whole name whose alias replaces them: every user's
    display name and its name-like words (matched in any case), then every name
    in a staff field whole (in any case) and its words (as written). A form that
    is also a name of a child who stays is left alone."""
    protected = names.protected()
    forms: dict[str, str] = {}
    words: dict[str, str] = {}
    for row in db.query("SELECT display_name FROM users ORDER BY created_at, id"):
        whole = " ".join(str(row[0]).split())
        for form in staff_name_forms(whole):
            if normalised(form) not in protected:
                forms.setdefault(form, whole)
    for record in records:
        for _table, row in record.rows:
            for column in _JSON_COLUMNS & row.keys():
                for name in _staff_values(json.loads(row[column])):
                    if not normalised(name):
                        continue
                    whole, *parts = staff_name_forms(name)
                    if normalised(whole) not in protected:
                        forms.setdefault(whole, whole)
                    for part in parts:
                        if normalised(part) not in protected:
                            words.setdefault(part, whole)
    return forms, words


def _staff_values(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _STAFF_FIELDS and isinstance(item, str) and item.strip():
                yield " ".join(item.split())
            else:
                yield from _staff_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _staff_values(item)


# -- redacting -------------------------------------------------------------------------
def _cut_links(records: Sequence[ShareRecord]) -> dict[str, int]:
    """Cut every link to a record that is not shared, in rows and bodies alike;
    returns how many records of each kind lost one (for the preview)."""
    shared = {(r.kind, r.id) for r in records}
    concerns = {i for k, i in shared if k is SharedKind.CONCERNS}
    referrals = {i for k, i in shared if k is SharedKind.REFERRALS}
    counts: dict[str, int] = {}
    for record in records:
        cut = False
        for table, row in record.rows:
            if table in ("body_maps", "body_map_versions"):
                body = json.loads(row["body"])
                if body.get("concern_id") is not None and body["concern_id"] not in concerns:
                    body["concern_id"] = None
                    row["body"] = codec.dumps(body)
                    cut = True
                if table == "body_maps" and row["concern_id"] not in concerns:
                    row["concern_id"] = None
            elif table in ("cases", "case_versions"):
                body = json.loads(row["body"])
                if body.get("referral_id") is not None and body["referral_id"] not in referrals:
                    body["referral_id"] = None
                    row["body"] = codec.dumps(body)
                    cut = True
            elif table in ("referrals", "referral_versions"):
                body = json.loads(row["body"])
                asked = body["content"].get("concern_ids", [])
                kept = [c for c in asked if c in concerns]
                if kept != asked:
                    body["content"]["concern_ids"] = kept
                    row["body"] = codec.dumps(body)
                    cut = True
        if cut:
            counts[record.kind.value] = counts.get(record.kind.value, 0) + 1
    return counts


def _projected(row: Row, fields: Sequence[str], *, naming: bool) -> Row:
    """A pupil row or version with only ``fields`` of its body (every other field
    at its empty default); a version's reason goes too, as it may say what changed."""
    body = {k: v for k, v in json.loads(row["body"]).items() if k in fields}
    out = dict(row, body=codec.dumps(codec.from_jsonable(Pupil, body)))
    if "reason" in out:
        out["reason"] = ""
    if naming and "sort_name" in out:
        out.update(family_id=None, year_group="", send_status="none", upn="", date_left=None)
    return out


def _redacted_tables(db: Database, shapes: Mapping[str, TableShape],
                     records: Sequence[ShareRecord], request: ShareRequest,
                     redactor: TextRedactor, removed: set[str]) -> dict[str, list[Row]]:
    """Every table that leaves, in writing order, each row redacted; then the
    staff and families the rows point at."""
    rows: dict[str, list[Row]] = {}
    details = SharedKind.PUPIL_DETAILS in request.kinds
    for record in records:
        for table, row in record.rows:
            if table == "concern_children" and row["pupil_id"] in removed:
                redactor.redactions += 1
                continue
            if table in ("pupils", "pupil_versions") and not record.pupils:
                row = _projected(row, _NAMING, naming=True)
            elif table in ("pupils", "pupil_versions") and not details:
                row = _projected(row, _IDENTIFYING, naming=False)
            rows.setdefault(table, []).append(row)
    users = sorted(_select(db, shapes["users"], *_in("id", _pointed_at(shapes, rows, "users"))),
                   key=lambda u: (u["created_at"], u["id"]))
    if request.anonymise_staff:
        users = [dict(user, login=f"staff-{number}",
                      display_name=redactor.aliases.alias_of(user["display_name"]))
                 for number, user in enumerate(users, start=1)]
    rows["users"] = users
    rows["families"] = _select(db, shapes["families"],
                               *_in("id", _pointed_at(shapes, rows, "families")))
    tables: dict[str, list[Row]] = {}
    for shape in shapes.values():
        found = rows.get(shape.name)
        if not found:
            continue
        found.sort(key=lambda r: tuple(r[c] for c in shape.key))
        tables[shape.name] = [_redacted_row(shape, r, redactor, removed) for r in found]
    return tables


def _in(column: str, values: Sequence[str]) -> tuple[str, list[str]]:
    return f"{column} IN ({_marks(values)})", list(values)


def _pointed_at(shapes: Mapping[str, TableShape], rows: Mapping[str, list[Row]],
                target: str) -> list[str]:
    found: set[str] = set()
    for table, table_rows in rows.items():
        for ref in shapes[table].references:
            if ref.table == target:
                found.update(r[ref.column] for r in table_rows if r[ref.column] is not None)
    return sorted(found)


def _redacted_row(shape: TableShape, row: Row, redactor: TextRedactor,
                  removed: set[str]) -> Row:
    out: Row = {}
    for column, value in row.items():
        if isinstance(value, str) and column in _JSON_COLUMNS:
            parsed = json.loads(value)
            walked = redactor.json(parsed, removed, _BODIES.get(shape.name, Any))
            out[column] = value if walked == parsed else codec.dumps(walked)
        elif isinstance(value, str) and column in _TEXT_COLUMNS:
            out[column] = redactor.text(value)
        else:
            out[column] = value
    return out
