"""What a subject access disclosure holds: a pupil's records, redacted, and the log
of what was taken out, where and why.

It starts from the partner-share selection (:func:`select_share`): the pupil's
concerns, body maps, hand-recorded chronology events, referrals and cases, every
version, with the pupil's identifying details only; every other child dropped from
the lists that name children and their names in every text turned into a marker;
staff names optionally replaced. Then, for the person asking:

- a record the DSL withholds whole is left out, and links to it are cut;
- a field the DSL marks is replaced, in every version, by "[withheld: reason]",
  and so is the same text wherever it was copied (a referral carries the concerns
  as they were sent);
- who gave the information that others reported is taken out, with the names in
  it wherever they appear (an option, on by default);
- the names of the household members and key adults on the register, other than
  the requester's own, are taken out (an option, on by default);
- every third party's name shows as "[redacted: third party]".

Each of these is logged per record and field. Comparing the texts before and after
is what the log is made from, so it lists what the rows really lost. The printed
documents are made from these rows only (:mod:`.share_printing`), so a page cannot
show what the rows do not.

Everything here reads; nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sgdesk.models.body_maps import BodyMapContent
from sgdesk.models.casework import CaseContent
from sgdesk.models.chronology import PART_MARK, ChronologyEvent
from sgdesk.models.concerns import FIELD_LABELS, ConcernContent
from sgdesk.models.pupils import Pupil
from sgdesk.models.redaction import (
    ANOTHER_CHILD,
    ChildNames,
    TextRedactor,
    name_forms,
    normalised,
)
from sgdesk.models.referrals import ReferralBody
from sgdesk.models.sharing import SharedKind, ShareRequest
from sgdesk.models.subject_access import (
    DISCLOSED_KINDS,
    THIRD_PARTY,
    WHOLE_RECORD,
    AdultNames,
    Redaction,
    RedactionKind,
    SubjectAccessRequest,
    WithheldMark,
    names_in_source,
    withheld_marker,
)
from sgdesk.models.text_fields import ChangeText, field_label, is_list_item, map_texts, texts
from sgdesk.services.record_dates import day_text
from sgdesk.services.session import Session
from sgdesk.services.share_printing import RecordBrief
from sgdesk.services.share_selection import ShareRecord, select_share
from sgdesk.storage import codec
from sgdesk.storage.bundle_tables import table_shapes

Row = dict[str, Any]
#: Who the selection is for and why: a disclosure goes to the person asking.
SAR_RECIPIENT = "The person who made the subject access request"
SAR_PURPOSE = "Subject access request"
SAR_BASIS = "UK GDPR Article 15 (right of access by the data subject)"
#: Withheld text this long or longer is withheld wherever it was copied too.
MIN_COPY_LENGTH = 20
#: The main table, versions table and record type of each kind's body.
_BODIES: dict[SharedKind, tuple[str, str, type]] = {
    SharedKind.CONCERNS: ("concerns", "concern_versions", ConcernContent),
    SharedKind.BODY_MAPS: ("body_maps", "body_map_versions", BodyMapContent),
    SharedKind.CHRONOLOGY: ("chronology_events", "chronology_event_versions",
                            ChronologyEvent),
    SharedKind.REFERRALS: ("referrals", "referral_versions", ReferralBody),
    SharedKind.CASEWORK: ("cases", "case_versions", CaseContent),
}
_NOUNS = {SharedKind.CONCERNS: "Concern", SharedKind.BODY_MAPS: "Body map",
          SharedKind.CHRONOLOGY: "Recorded event", SharedKind.REFERRALS: "Referral",
          SharedKind.CASEWORK: "Case"}
#: Columns beside a body that hold words a person wrote: an amendment's reason is
#: printed with the record; an action's words mirror its concern's body.
_REASON_COLUMN = "reason"
_ACTION_COLUMNS = ("description", "owner")
_REASON_LABEL = "Reasons given for amendments"
_STAFF_ALIAS = re.compile(r"Staff member \d+")
_SNAPSHOT_CONCERN = re.compile(r"^snapshot\.concerns\.(\d+)\.on_file\.content\.(.+)$")
_SNAPSHOT_PUPIL = re.compile(r"^snapshot\.pupil\.(.+)$")


@dataclass(frozen=True)
class FieldPreview:
    """One text field of a record: as held, as it would be disclosed, and why
    they differ."""

    field: str
    label: str
    held: str
    disclosed: str
    redactions: tuple[Redaction, ...]
    withheld_reason: str | None


@dataclass(frozen=True)
class RecordPreview:
    """One of the pupil's records, with its fields (the current version's)."""

    kind: SharedKind
    record_id: str
    title: str
    on: date
    withheld_reason: str | None
    fields: tuple[FieldPreview, ...]

    @property
    def heading(self) -> str:
        """``Concern (Neglect) of 02/11/2026``: names no one."""
        return f"{self.title} of {day_text(self.on)}"

    def field_named(self, path: str) -> FieldPreview | None:
        return next((f for f in self.fields if f.field == path), None)


@dataclass(frozen=True)
class DisclosurePlan:
    """The rows a disclosure is printed from (redacted), the records as the preview
    shows them, and the log."""

    request: ShareRequest
    tables: dict[str, list[Row]]
    redactor: TextRedactor
    printed_by: str
    briefs: tuple[RecordBrief, ...]
    records: tuple[RecordPreview, ...]
    log: tuple[Redaction, ...]

    def disclosed_ids(self) -> dict[str, tuple[str, ...]]:
        """Record ids per kind of what is disclosed, for the record of it."""
        found: dict[str, list[str]] = {}
        for kind, record_id, _pupils, _body in self.briefs:
            found.setdefault(kind.value, []).append(record_id)
        return {kind: tuple(ids) for kind, ids in found.items()}

    def record(self, record_id: str) -> RecordPreview | None:
        return next((r for r in self.records if r.record_id == record_id), None)


def plan_disclosure(session: Session, sar: SubjectAccessRequest, pupil: Pupil) -> DisclosurePlan:
    """Choose and redact ``pupil``'s records for ``sar``, and log what was taken out."""
    request = ShareRequest((sar.pupil_id,), DISCLOSED_KINDS, SAR_RECIPIENT, SAR_PURPOSE,
                           SAR_BASIS, anonymise_staff=sar.options.staff_names).validated()
    share = select_share(session.db, request, session.user.display_name)
    records = [r for r in share.records if r.kind is not SharedKind.PUPIL_DETAILS]
    protected = ChildNames(removed=(), kept=(share.people[sar.pupil_id],)).protected()
    protected |= {normalised(f) for f in name_forms(sar.details.requester_name, "")}
    keys = {shape.name: shape.key for shape in table_shapes(session.db)}
    redacting = _Redacting(sar, share.tables, keys, share.redactor.children, protected,
                           records, pupil)
    for record in records:
        redacting.record(record)
    tables = redacting.tables_left()
    kept = [r for r in records if redacting.whole_mark(r.id) is None]
    main = {table: {row["id"]: row for row in tables.get(table, ())}
            for table, _versions, _shape in _BODIES.values()}
    briefs = tuple((r.kind, r.id, r.pupils, str(main[_BODIES[r.kind][0]][r.id]["body"]))
                   for r in kept)
    previews = tuple(sorted((redacting.preview(r, main) for r in records),
                            key=lambda p: (list(SharedKind).index(p.kind), p.on, p.title)))
    log = tuple(sorted(redacting.log.values(), key=_log_order(previews)))
    return DisclosurePlan(request, tables, share.redactor, share.printed_by, briefs, previews,
                          log)


def _log_order(previews: Iterable[RecordPreview]) -> Callable[[Redaction], tuple[Any, ...]]:
    """The log in the preview's order: record by record, and in each the record
    withheld whole, its children, then its fields in the record's own order, then
    copies of other records (a referral's) and the reasons for amendments."""
    places = {p.record_id: (n, {f.field: i for i, f in enumerate(p.fields)})
              for n, p in enumerate(previews)}
    leading = {WHOLE_RECORD: -2, "children": -1}

    def key(entry: Redaction) -> tuple[Any, ...]:
        place, fields = places.get(entry.record_id, (len(places), {}))
        within = leading.get(entry.field, fields.get(entry.field, len(fields)))
        return place, within, entry.field, entry.kind.value

    return key


def _title(record: ShareRecord, body: str) -> tuple[str, date]:
    """What the record is (labels only, no free text) and its date."""
    noun = _NOUNS[record.kind]
    match record.kind:
        case SharedKind.CONCERNS:
            concern = codec.loads(ConcernContent, body)
            return (f"{noun} ({', '.join(concern.categories)})",
                    concern.happened_at.astimezone().date())
        case SharedKind.BODY_MAPS:
            body_map = codec.loads(BodyMapContent, body)
            marks = len(body_map.marks)
            return (f"{noun} ({marks} mark{'s' if marks != 1 else ''})",
                    body_map.completed_at.astimezone().date())
        case SharedKind.CHRONOLOGY:
            event = codec.loads(ChronologyEvent, body)
            return f"{noun} ({event.kind.label})", event.happened_on
        case SharedKind.REFERRALS:
            referral = codec.loads(ReferralBody, body)
            created = datetime.fromisoformat(record.rows[0][1]["created_at"])
            return f"{noun} ({referral.content.kind.label})", created.astimezone().date()
        case _:
            case = codec.loads(CaseContent, body)
            return f"{case.kind.label} case", case.started_on


def label_of(kind: SharedKind, path: str) -> str:
    """A field's name as the preview and the log give it."""
    if path == _REASON_COLUMN:
        return _REASON_LABEL
    if kind is SharedKind.CONCERNS:
        return field_label(path, FIELD_LABELS)
    if kind is SharedKind.REFERRALS:
        if match := _SNAPSHOT_CONCERN.match(path):
            return (f"Concern {int(match.group(1)) + 1} as sent with the referral: "
                    f"{field_label(match.group(2), FIELD_LABELS)}")
        if match := _SNAPSHOT_PUPIL.match(path):
            return f"Register details as sent with the referral: {field_label(match.group(1))}"
        return field_label(path.removeprefix("content."))
    return field_label(path)


def _markable(path: str) -> bool:
    """A field the DSL may withhold: text a person wrote, in the record itself (a
    referral's copies of the register and concerns follow the originals)."""
    return not is_list_item(path) and not path.startswith("snapshot.")


@dataclass
class _Redacting:
    """The redaction of one disclosure, record by record, with its log."""

    sar: SubjectAccessRequest
    selected: Mapping[str, list[Row]]
    keys: Mapping[str, tuple[str, ...]]
    children: tuple[str, ...]
    protected: frozenset[str]
    records: list[ShareRecord]
    pupil: Pupil
    log: dict[tuple[str, str, RedactionKind, str], Redaction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        options = self.sar.options
        self._rows = {(t, self._key(t, r)): r for t, rows in self.selected.items() for r in rows}
        self._marks = {(m.record_id, m.field): m for m in self.sar.marks}
        self._titles = {r.id: _title(r, r.body) for r in self.records}
        self._kinds = {r.id: r.kind for r in self.records}
        family = self._forms(name_forms(name, "") for name in self._family_names()) \
            if options.family_adults else ()
        sources = self._forms(names_in_source(s) for s in self._sources()) \
            if options.sources else ()
        self._family = AdultNames(family)
        self._source_names = AdultNames(sources)
        self._children = TextRedactor(self.children)
        self._copies = self._withheld_copies()
        self._dropped: set[tuple[str, tuple[Any, ...]]] = set()

    # -- who the third parties are -----------------------------------------------------
    def _forms(self, groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for group in groups for f in group
                                   if normalised(f) and normalised(f) not in self.protected))

    def _family_names(self) -> list[str]:
        names = [m.name for m in self.pupil.household] + [a.name for a in self.pupil.key_adults]
        return [n for n in names if n.strip()]

    def _sources(self) -> list[str]:
        """Every "source of what others reported" in the pupil's concerns, every version."""
        found: list[str] = []
        for record in self.records:
            if record.kind is SharedKind.CONCERNS:
                found += [str(json.loads(row["body"]).get("others_source", ""))
                          for table, row in record.rows if table in _BODY_TABLES]
        return [s for s in found if s.strip()]

    def _withheld_copies(self) -> list[tuple[str, WithheldMark]]:
        """Withheld text long enough to find again, every version's, longest first, as
        the selection holds it (other children already out, as in any copy of it)."""
        found: dict[str, WithheldMark] = {}
        for record in self.records:
            whole = self.whole_mark(record.id)
            for table, row in record.rows:
                if table not in _BODY_TABLES:
                    continue
                stored = self._rows.get((table, self._key(table, row)), row)
                for path, text in texts(json.loads(stored["body"]), _BODY_TABLES[table]).items():
                    mark = whole or self._marks.get((record.id, path))
                    if mark is not None and len(text.strip()) >= MIN_COPY_LENGTH:
                        found.setdefault(text.strip(), mark)
        return sorted(found.items(), key=lambda item: -len(item[0]))

    # -- records -------------------------------------------------------------------------
    def whole_mark(self, record_id: str) -> WithheldMark | None:
        return self._marks.get((record_id, WHOLE_RECORD))

    def record(self, record: ShareRecord) -> None:
        """Redact every row of ``record`` in place, or drop them all if withheld whole."""
        whole = self.whole_mark(record.id)
        if whole is not None:
            self._dropped |= {(t, self._key(t, r)) for t, r in record.rows}
            self._note(record.id, WHOLE_RECORD, RedactionKind.WITHHELD_RECORD, 1,
                       self._reason(whole.reason))
            return
        if record.kind is SharedKind.CONCERNS:
            others = len(json.loads(record.body)["children"]) - 1
            if others:
                self._note(record.id, "children", RedactionKind.OTHER_CHILD, others)
        for table, held in record.rows:
            row = self._rows.get((table, self._key(table, held)))
            if row is None:  # another child's link to the record, dropped already
                continue
            if table in _BODY_TABLES:
                body = json.loads(row["body"])
                row["body"] = codec.dumps(map_texts(body, _BODY_TABLES[table],
                                                    self._changer(record.id, body)))
            if isinstance(row.get(_REASON_COLUMN), str) and table.endswith("_versions"):
                row[_REASON_COLUMN] = self._clean(record.id, _REASON_COLUMN,
                                                  row[_REASON_COLUMN])
            for column in _ACTION_COLUMNS:
                if table == "concern_actions" and isinstance(row.get(column), str):
                    row[column] = self._clean("", column, row[column])

    def _changer(self, record_id: str, body: Mapping[str, Any]) -> ChangeText:
        snapshot = body.get("snapshot") or {}
        sent = [str(c.get("concern_id", "")) for c in snapshot.get("concerns") or ()]

        def change(path: str, text: str) -> str:
            mark = self._marks.get((record_id, path))
            if mark is None and (match := _SNAPSHOT_CONCERN.match(path)):
                index = int(match.group(1))
                if index < len(sent):
                    mark = self._marks.get((sent[index], match.group(2)))
            if mark is not None:
                reason = self._reason(mark.reason)
                self._note(record_id, path, RedactionKind.WITHHELD_TEXT, 1, reason)
                return withheld_marker(reason)
            return self._clean(record_id, path, text)

        return change

    def _clean(self, record_id: str, path: str, text: str) -> str:
        """One text with every third party taken out, each kind logged (an empty
        ``record_id``: a copy that is logged where its original is)."""
        children = text.count(ANOTHER_CHILD)
        staff = len(_STAFF_ALIAS.findall(text)) if self.sar.options.staff_names else 0
        for copy, mark in self._copies:
            if copy in text:
                reason = self._reason(mark.reason)
                text = text.replace(copy, withheld_marker(reason))
                self._note(record_id, path, RedactionKind.WITHHELD_TEXT, 1, reason)
        if self.sar.options.sources and path.rpartition(".")[2] == "others_source" \
                and text.strip():
            self._note(record_id, path, RedactionKind.SOURCE, 1)
            return THIRD_PARTY
        text, sources = self._source_names.redact(text)
        text, family = self._family.redact(text)
        self._note(record_id, path, RedactionKind.SOURCE, sources)
        self._note(record_id, path, RedactionKind.FAMILY_ADULT, family)
        self._note(record_id, path, RedactionKind.OTHER_CHILD, children)
        self._note(record_id, path, RedactionKind.STAFF, staff)
        return text.replace(ANOTHER_CHILD, THIRD_PARTY)

    def _reason(self, reason: str) -> str:
        """A reason as printed: it goes through the same redaction, unlogged."""
        reason = self._source_names.redact(reason)[0]
        reason = self._family.redact(reason)[0]
        return self._children.text(reason).replace(ANOTHER_CHILD, THIRD_PARTY)

    def _note(self, record_id: str, path: str, kind: RedactionKind, count: int,
              why: str = "") -> None:
        """Log ``count`` redactions (one line per record, field, kind and reason: the
        most any one version had)."""
        if count <= 0 or not record_id:
            return
        key = (record_id, path, kind, why)
        before = self.log.get(key)
        if before is not None and before.count >= count:
            return
        title, on = self._titles[record_id]
        where = f"{title} of {day_text(on)}"
        if path:
            where += f": {label_of(self._kinds[record_id], path)}"
        self.log[key] = Redaction(kind, where, why or kind.why, count, record_id, path)

    # -- what is left ----------------------------------------------------------------------
    def tables_left(self) -> dict[str, list[Row]]:
        """The selection less the records withheld whole, with every link to them cut."""
        gone = {r.id for r in self.records if self.whole_mark(r.id) is not None}
        left: dict[str, list[Row]] = {}
        for table, rows in self.selected.items():
            kept = [r for r in rows if (table, self._key(table, r)) not in self._dropped]
            if table == "chronology_significance":
                kept = [r for r in kept if r["source_id"].partition(PART_MARK)[0] not in gone]
            if gone:
                for row in kept:
                    _cut_links(table, row, gone)
            if kept:
                left[table] = kept
        return left

    def preview(self, record: ShareRecord, main: Mapping[str, Mapping[str, Row]]) -> RecordPreview:
        title, on = self._titles[record.id]
        table, _versions, shape = _BODIES[record.kind]
        held = texts(json.loads(record.body), shape)
        disclosed_row = main[table].get(record.id)
        disclosed = texts(json.loads(disclosed_row["body"]), shape) if disclosed_row else {}
        whole = self.whole_mark(record.id)
        fields = tuple(
            FieldPreview(path, label_of(record.kind, path), text, disclosed.get(path, ""),
                         tuple(r for r in self.log.values()
                               if r.record_id == record.id and r.field == path),
                         mark.reason if (mark := self._marks.get((record.id, path))) else None)
            for path, text in held.items() if text.strip() and _markable(path))
        return RecordPreview(record.kind, record.id, title, on,
                             whole.reason if whole else None, fields)

    def _key(self, table: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(row[c] for c in self.keys[table])


#: Tables whose ``body`` is a record of the given type.
_BODY_TABLES: dict[str, type] = {t: shape for main, versions, shape in _BODIES.values()
                                 for t in (main, versions)}


def _cut_links(table: str, row: Row, gone: set[str]) -> None:
    """Cut a row's links to records withheld whole, in its columns and its body."""
    if table in ("body_maps", "body_map_versions"):
        body = json.loads(row["body"])
        if body.get("concern_id") in gone:
            body["concern_id"] = None
            row["body"] = codec.dumps(body)
        if row.get("concern_id") in gone:
            row["concern_id"] = None
    elif table in ("cases", "case_versions"):
        body = json.loads(row["body"])
        if body.get("referral_id") in gone:
            body["referral_id"] = None
            row["body"] = codec.dumps(body)
    elif table in ("referrals", "referral_versions"):
        body = json.loads(row["body"])
        content = body["content"]
        content["concern_ids"] = [c for c in content.get("concern_ids", []) if c not in gone]
        snapshot = body.get("snapshot")
        if snapshot:
            snapshot["concerns"] = [c for c in snapshot.get("concerns", [])
                                    if c.get("concern_id") not in gone]
        row["body"] = codec.dumps(body)

