"""Referral forms and letters from templates a school can copy and edit, safely.

A referral form is written as a template in ``resources/templates/`` (Jinja2
syntax), one per kind of referral plus the letters. A school changes a form by
copying the template into its own templates folder (``<data folder>/templates``,
see :func:`school_templates_dir`) and editing the copy; a copy overrides the
shipped template of the same name, and the shipped one stays as it was.
``resources/templates/README.md`` is the guide for whoever edits one.

Why this is safe to let a school edit:

- templates run in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`, which
  refuses attribute access to Python internals (``''.__class__.__mro__`` raises
  :class:`~jinja2.exceptions.SecurityError`);
- templates never see a Python object of sgdesk's: :func:`referral_fields` turns
  the referral into plain dicts, lists, strings (dates already written out as
  text), booleans and None, so there is nothing to reach through even if the
  sandbox had a gap;
- a misspelt field fails loudly (``StrictUndefined``) with a
  :class:`TemplateProblem` naming the template and line, never a silent blank on
  a form sent to children's social care.

Output is a tiny line markup (documented in the README), parsed into a
:class:`ReferralDocument` that the PDF module lays out. Autoescaping is on, with
an escape made for that markup (:func:`_escaped_value`): whatever a user typed
is printed as text and can never start a heading, a field or a box, however it
begins and whatever it contains.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from sgdesk.models.adult_concerns import AdultConcern
from sgdesk.models.concerns import ConcernOnFile
from sgdesk.models.pupils import Pupil, SendStatus
from sgdesk.models.referrals import (
    Consent,
    ReferralContent,
    ReferralKind,
    ReferralTracking,
    SendMethod,
)
from sgdesk.services.locations import AppLocations
from sgdesk.services.record_dates import day_text, moment_text
from sgdesk.services.referrals import ReferralPack
from sgdesk.services.resources import resources_dir

TEMPLATE_SUFFIX = ".txt"
#: The shipped form for each kind of referral, by template name.
FORM_TEMPLATES: dict[ReferralKind, str] = {
    ReferralKind.CSC: "referral_csc",
    ReferralKind.EARLY_HELP: "referral_early_help",
    ReferralKind.POLICE: "referral_police",
    ReferralKind.LADO: "referral_lado",
    ReferralKind.PREVENT: "referral_prevent",
}
LETTER_TEMPLATE = "letter_written_confirmation"

NOT_RECORDED = "Not recorded"
NAME_WITHHELD = "Another child (name withheld)"

# -- the markup's escape: private-use characters no one types ---------------------------
_VALUE_START = "\ue000"  # a value begins here, so a line starting with one is plain text
_VALUE_NEWLINE = "\ue00a"  # a line break inside a value
_VALUE_BAR = "\ue07c"  # a "|" inside a value, never a column separator
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# filters that would hand the markup unescaped text
_UNSAFE_FILTERS = ("safe", "e", "escape", "forceescape", "xmlattr", "urlize")


class TemplateProblem(ValueError):
    """A template that cannot be used: not found, not valid, or asking for a field
    that does not exist. The message names the template and, where known, the line."""


@dataclass(frozen=True)
class TemplateInfo:
    """One template a DSL can use: ``school_copy`` when the school's own copy
    overrides the shipped template (or is a template of the school's own)."""

    name: str
    path: Path
    school_copy: bool


# -- the structured document a template renders to --------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str
    level: Literal[1, 2]


@dataclass(frozen=True)
class Fields:
    """Label–value rows printed as a two-column table."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Text:
    """Text as typed: a blank line inside it starts a new paragraph."""

    text: str


@dataclass(frozen=True)
class Box:
    """A boxed section, set apart from the rest (the opinion box)."""

    blocks: tuple[Heading | Text, ...]


type Block = Heading | Fields | Table | Text | Box


@dataclass(frozen=True)
class ReferralDocument:
    title: str
    blocks: tuple[Block, ...]

    def plain_text(self) -> str:
        """The document as plain lines, in order (for checks and previews)."""
        return "\n".join(_plain_lines(self.blocks))


def _plain_lines(blocks: Iterable[Block]) -> Iterator[str]:
    for block in blocks:
        match block:
            case Heading(text=text) | Text(text=text):
                yield text
            case Fields(rows=rows):
                yield from (f"{label}: {value}" for label, value in rows)
            case Table(header=header, rows=rows):
                yield from (" | ".join(row) for row in (header, *rows))
            case Box(blocks=inner):
                yield from _plain_lines(inner)


# -- where templates are ----------------------------------------------------------------
def shipped_templates_dir() -> Path:
    return resources_dir() / "templates"


def school_templates_dir(locations: AppLocations | None = None) -> Path:
    """The school's own templates: a copy here overrides the shipped one of the same
    name. The folder need not exist."""
    return (locations or AppLocations.default()).data_dir / "templates"


def _search_path(locations: AppLocations | None) -> list[Path]:
    return [school_templates_dir(locations), shipped_templates_dir()]


def list_templates(locations: AppLocations | None = None) -> list[TemplateInfo]:
    """Every usable template by name (the school's copies first in the search, so
    they win); shared parts in sub-folders are not listed."""
    found: dict[str, TemplateInfo] = {}
    school, shipped = _search_path(locations)
    for folder, is_school in ((shipped, False), (school, True)):
        if folder.is_dir():
            for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
                found[path.stem] = TemplateInfo(path.stem, path, is_school)
    return sorted(found.values(), key=lambda info: info.name)


# -- rendering --------------------------------------------------------------------------
def _escaped_value(value: object) -> Markup:
    """Autoescape for the line markup: applied to every ``{{ … }}``. Text already
    escaped (a macro's output) passes; anything else is marked as a value, with its
    line breaks and bars escaped so it cannot make markup of its own."""
    if isinstance(value, Markup):
        return value
    text = _PRIVATE_USE.sub("", "" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\n", _VALUE_NEWLINE).replace("|", _VALUE_BAR)
    return Markup(_VALUE_START + text)


def _environment(locations: AppLocations | None) -> SandboxedEnvironment:
    """A new sandbox per render, so a school's copy saved a moment ago is used."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(p) for p in _search_path(locations)], encoding="utf-8"),
        autoescape=True,
        finalize=_escaped_value,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    for name in _UNSAFE_FILTERS:
        env.filters.pop(name, None)
    return env


def render_template(name: str, fields: Mapping[str, Any],
                    locations: AppLocations | None = None) -> ReferralDocument:
    """Render template ``name`` (without its suffix) with ``fields`` (plain data
    only, from :func:`referral_fields`) into a structured document."""
    env = _environment(locations)
    file_name = name + TEMPLATE_SUFFIX
    try:
        output = env.get_template(file_name).render(fields)
    except TemplateNotFound as exc:
        raise TemplateProblem(f"There is no template called {exc.name}.") from exc
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        # a school's template can also fail as Python does ({{ 1 / 0 }}, {{ list[9] }})
        raise TemplateProblem(_problem_text(file_name, exc)) from exc
    try:
        return parse_document(output)
    except TemplateProblem as exc:
        raise TemplateProblem(f"Template {file_name}: {exc}") from exc


def _problem_text(file_name: str, exc: Exception) -> str:
    """Where in which template it went wrong: a syntax error knows its line; an
    error while rendering (a misspelt field) is found in the traceback, where Jinja
    puts the template's own file and line."""
    where_name, line = file_name, None
    if isinstance(exc, TemplateSyntaxError):
        where_name, line = exc.name or file_name, exc.lineno
    else:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(TEMPLATE_SUFFIX):
                where_name, line = Path(frame.filename).name, frame.lineno
                break
    where = f"Template {where_name}" + (f", line {line}" if line else "")
    message = exc.message if isinstance(exc, TemplateError) else str(exc)
    return f"{where}: {message or type(exc).__name__}"


# -- the markup -------------------------------------------------------------------------
def _decoded(text: str) -> str:
    return (text.replace(_VALUE_START, "").replace(_VALUE_NEWLINE, "\n")
            .replace(_VALUE_BAR, "|").strip())


def _one_line(text: str) -> str:
    """A value for a heading, field or table cell: its lines joined by commas."""
    return ", ".join(line.strip() for line in _decoded(text).split("\n") if line.strip())


def _cells(rest: str) -> tuple[str, ...]:
    return tuple(_one_line(cell) for cell in rest.split("|"))


class _Builder:
    """Collects blocks, joining runs of field rows, table rows, text lines and box
    lines into one block each."""

    def __init__(self) -> None:
        self.title = ""
        self.blocks: list[Block] = []
        self._fields: list[tuple[str, str]] = []
        self._table: tuple[tuple[str, ...], list[tuple[str, ...]]] | None = None
        self._text: list[str] = []
        self._box: list[Heading | Text] | None = None
        self._box_text: list[str] = []

    def line(self, raw: str) -> None:
        line = raw.rstrip()
        if line.startswith(">"):
            self._box_line(line[1:].strip())
            return
        self._end_box()
        if not line.strip():
            self._end_text()
        elif line.startswith("title:"):
            self.flush()
            self.title = _one_line(line[6:])
        elif line.startswith(("# ", "## ")):
            self.flush()
            if line.startswith("## "):
                self.blocks.append(Heading(_one_line(line[3:]), 2))
            else:
                self.blocks.append(Heading(_one_line(line[2:]), 1))
        elif line.startswith("field:"):
            self._end_other("fields")
            label, _, value = line[6:].partition("|")
            self._fields.append((_one_line(label), _one_line(value) or NOT_RECORDED))
        elif line.startswith("head:"):
            self.flush()
            self._table = (_cells(line[5:]), [])
        elif line.startswith("row:"):
            self._end_other("table")
            if self._table is None:
                raise TemplateProblem("a row: line comes before any head: line")
            header, rows = self._table
            cells = _cells(line[4:])
            if len(cells) > len(header):
                raise TemplateProblem("a row: line has more columns than its head: line")
            rows.append(cells + ("",) * (len(header) - len(cells)))
        else:
            self._end_other("text")
            self._text.append(line.strip())

    def _box_line(self, line: str) -> None:
        if self._box is None:
            self.flush()
            self._box = []
        if line.startswith("## "):
            self._end_box_text()
            self._box.append(Heading(_one_line(line[3:]), 2))
        else:
            self._box_text.append(line)

    def _end_box_text(self) -> None:
        text = _decoded("\n".join(self._box_text))
        if text and self._box is not None:
            self._box.append(Text(text))
        self._box_text = []

    def _end_box(self) -> None:
        if self._box is not None:
            self._end_box_text()
            if self._box:
                self.blocks.append(Box(tuple(self._box)))
            self._box = None

    def _end_text(self) -> None:
        text = _decoded("\n".join(self._text))
        if text:
            self.blocks.append(Text(text))
        self._text = []

    def _end_other(self, keep: str) -> None:
        if keep != "text":
            self._end_text()
        if keep != "fields" and self._fields:
            self.blocks.append(Fields(tuple(self._fields)))
            self._fields = []
        if keep != "table" and self._table is not None:
            header, rows = self._table
            self.blocks.append(Table(header, tuple(rows)))
            self._table = None

    def flush(self) -> None:
        self._end_box()
        self._end_other("")


def parse_document(output: str) -> ReferralDocument:
    """Turn a template's output into blocks (the markup is in the README)."""
    builder = _Builder()
    for line in output.split("\n"):
        builder.line(line)
    builder.flush()
    return ReferralDocument(builder.title, tuple(builder.blocks))


# -- the fields a template sees ---------------------------------------------------------
def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def referral_fields(pack: ReferralPack) -> dict[str, Any]:
    """Everything a template may use, as plain data: strings (empty when not
    recorded; dates written dd/mm/yyyy), lists, dicts, booleans and None. The
    README lists every field; keep the two in step."""
    content = pack.content
    # a final referral is dated when it was finalised; a draft, today
    dated = day_text((pack.register_as_of or pack.produced_at).astimezone().date())
    return {
        "school": {"name": pack.school_name},
        "kind": {"value": content.kind.value, "label": content.kind.label},
        "draft": pack.state == "draft",
        "version": pack.version,
        "today": day_text(pack.produced_at.astimezone().date()),
        "produced_by": f"{pack.produced_by} ({pack.produced_by_role})",
        "referrer": {
            "name": content.referrer_name,
            "role": content.referrer_role,
            "contact": content.referrer_contact,
            "school": pack.school_name,
            "date": dated,
            "dsl_consulted": content.dsl_consulted,
        },
        "referral": _content_fields(content),
        "child": _child_fields(pack.pupil) if pack.pupil else None,
        "concerns": [_concern_fields(number, on_file)
                     for number, on_file in enumerate(_oldest_first(pack), start=1)],
        "adult": _adult_fields(pack.adult_concern) if pack.adult_concern else None,
        "sending": _sending_fields(pack.tracking, pack.decision_due),
        "missing_information": list(pack.missing),
    }


def _oldest_first(pack: ReferralPack) -> list[ConcernOnFile]:
    """The chosen concerns in the order they happened, as a chronology reads."""
    return sorted((c.on_file for c in pack.concerns),
                  key=lambda on_file: on_file.content.happened_at)


def _content_fields(content: ReferralContent) -> dict[str, Any]:
    return {
        "reason": content.reason,
        "harm_type": content.harm_type,
        "risk_assessment": content.risk_assessment,
        "impact_on_child": content.impact_on_child,
        "parental_capacity": content.parental_capacity,
        "alleged_perpetrator": content.alleged_perpetrator,
        "child_location_now": content.child_location_now,
        "strengths": content.strengths,
        "wishes_and_feelings": content.wishes_and_feelings,
        "previous_involvement": content.previous_involvement,
        "parents_aware": _yes_no(content.parents_aware),
        "consent": content.consent.label if content.consent else "",
        "consent_given": content.consent is Consent.GIVEN,
        "consent_reason": content.consent_reason,
        "sharing_without_consent": content.sharing_without_consent_sch1_para18,
        "action_taken": content.action_taken,
    }


def _child_fields(pupil: Pupil) -> dict[str, Any]:
    address = pupil.current_address
    lead = next((a.name for a in pupil.agencies if a.is_lead_professional), "")
    if pupil.key_adults:
        key_adults_status = "listed"
    elif pupil.key_adults_known is False:
        key_adults_status = "none_known"
    else:
        key_adults_status = "not_recorded"
    return {
        "legal_name": pupil.legal_name,
        "forename": pupil.legal_forename,
        "surname": pupil.legal_surname,
        "preferred_name": pupil.preferred_name,
        "aliases": ", ".join(pupil.aliases),
        "date_of_birth": day_text(pupil.date_of_birth),
        "expected_date_of_birth": day_text(pupil.expected_date_of_birth),
        "gender": pupil.gender,
        "ethnicity": pupil.ethnicity,
        "religion": pupil.religion,
        "first_language": pupil.first_language,
        "interpreter_needed": _yes_no(pupil.interpreter_needed),
        "address": address.text if address else "",
        "address_since": day_text(address.moved_in) if address else "",
        "upn": pupil.upn,
        "nhs_number": pupil.nhs_number,
        "gp": pupil.gp,
        "year_group": pupil.year_group,
        "form": pupil.form,
        "send_status": pupil.send_status.label,
        "ehcp": pupil.send_status is SendStatus.EHCP,
        "send_since": day_text(pupil.send_since),
        "ehcp_section_d": pupil.ehcp_section_d,
        "ehcp_section_h": pupil.ehcp_section_h,
        "disability": pupil.disability,
        "communication_needs": pupil.communication_needs,
        "left_on": day_text(pupil.date_left),
        "destination_school": pupil.destination_school,
        "household": [
            {"name": m.name, "relationship": m.relationship,
             "date_of_birth": day_text(m.date_of_birth),
             "lives_with_child": _yes_no(m.lives_with_child),
             "regular_visitor": _yes_no(m.regular_visitor),
             "parental_responsibility": _yes_no(m.parental_responsibility)}
            for m in pupil.household
        ],
        "parental_responsibility": [
            {"name": m.name, "relationship": m.relationship}
            for m in pupil.parental_responsibility
        ],
        "key_adults": [{"name": k.name, "relationship": k.relationship, "contact": k.contact}
                       for k in pupil.key_adults],
        "key_adults_status": key_adults_status,
        "agencies": [{"name": a.name, "contact": a.contact,
                      "lead_professional": _yes_no(a.is_lead_professional)}
                     for a in pupil.agencies],
        "lead_professional": lead,
    }


def _concern_fields(number: int, on_file: ConcernOnFile) -> dict[str, Any]:
    """One selected concern as the child's own file shows it: this child's role
    only, other children unnamed unless the DSL chose to show them."""
    content = on_file.content
    review = content.review
    return {
        "number": number,
        "happened_at": moment_text(content.happened_at),
        "noticed_at": moment_text(content.noticed_at),
        "location": content.location,
        "reporter": content.reporter_name,
        "reporter_role": content.reporter_role,
        "child_role": on_file.this_child_role.label,
        "other_children": ", ".join(o.shown_name or NAME_WITHHELD
                                    for o in on_file.other_children),
        "categories": ", ".join(content.categories),
        "facts": content.facts,
        "child_words": content.child_words,
        "questions_asked": content.questions_asked,
        "others_reported": content.others_reported,
        "others_source": content.others_source,
        "opinion": content.opinion,
        "immediate_action": content.immediate_action,
        "decision": review.decision.label if review else "",
        "decision_reasons": review.reasons if review else "",
    }


def _adult_fields(adult: AdultConcern) -> dict[str, Any]:
    return {
        "name": adult.adult_name,
        "works_as": adult.adult_capacity.label,
        "position": adult.adult_position,
        "raised_by": adult.raised_by,
        "raised_by_role": adult.raised_by_role,
        "happened_at": moment_text(adult.happened_at),
        "raised_at": moment_text(adult.raised_at),
        "location": adult.location,
        "what_happened": adult.what_happened,
        "children": adult.children,
        "thresholds": [t.label for t in adult.thresholds],
        "action_taken": adult.action_taken,
        "lado_consulted_on": day_text(adult.lado_consulted_on),
        "lado_name": adult.lado_name,
        "lado_advice": adult.lado_advice,
    }


def _sending_fields(tracking: ReferralTracking, decision_due: date | None) -> dict[str, Any]:
    sending = tracking.sending
    if sending is None:
        return {"sent": False, "method": "", "by_phone": False, "sent_at": "", "sent_on": "",
                "recipient": "", "reference": "", "decision_due": ""}
    return {
        "sent": True,
        "method": sending.method.label,
        "by_phone": sending.method is SendMethod.PHONE,
        "sent_at": moment_text(sending.sent_at),
        "sent_on": day_text(sending.sent_at.astimezone().date()),
        "recipient": sending.recipient,
        "reference": sending.reference,
        "decision_due": day_text(decision_due),
    }
