"""The Profile tab: the pupil's register details, read-only, grouped the way a
referral form asks for them. Built afresh for each pupil and thrown away on lock.

A blank detail reads "Not recorded", so a gap is seen as a gap. Key adults have
three states: listed, "The school knows nothing about key adults" (recorded as
unknown), and "Not yet recorded" (nobody has asked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from sgdesk.models.pupils import Address, Pupil, SendStatus
from sgdesk.services.pupils import PupilRecord
from sgdesk.ui.record_text import NOT_RECORDED, day_text, moment_text, yes_no

Rows = list[tuple[str, str]]

KEY_ADULTS_UNKNOWN = "The school knows nothing about key adults."
KEY_ADULTS_NOT_ASKED = "Not yet recorded."


def _value(text: str, caption: str) -> QLabel:
    label = QLabel(text or NOT_RECORDED)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAccessibleName(caption)
    if not text:
        label.setObjectName("detail")
    return label


class ProfileGrid:
    """Sections of caption/value rows on one grid, so values line up down the page."""

    def __init__(self, page: QWidget) -> None:
        self.grid = QGridLayout(page)
        self.grid.setContentsMargins(4, 0, 12, 12)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)

    def section(self, title: str, rows: Rows, note: str = "") -> None:
        heading = QLabel(title)
        heading.setObjectName("subheading")
        if self.grid.rowCount() > 1:
            heading.setContentsMargins(0, 12, 0, 0)
        self.span(heading)
        if note:
            self.span(_value(note, title))
        for caption, text in rows:
            self.row(caption, _value(text, caption))

    def row(self, caption: str, value: QWidget) -> None:
        label = QLabel(f"{caption}:")
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        at = self.grid.rowCount()
        self.grid.addWidget(label, at, 0)
        self.grid.addWidget(value, at, 1)

    def span(self, widget: QWidget) -> None:
        self.grid.addWidget(widget, self.grid.rowCount(), 0, 1, 2)

    def finish(self) -> None:
        self.grid.setRowStretch(self.grid.rowCount(), 1)


def nhs_text(number: str) -> str:
    """NHS numbers are read in groups of 3, 3 and 4."""
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 else number


def _dated(text: str, start: str, end: str) -> str:
    if start and end:
        return f"{text} (from {start} to {end})"
    return f"{text} (from {start})" if start else f"{text} (until {end})" if end else text


def identity_rows(pupil: Pupil) -> Rows:
    born = (("Date of birth", day_text(pupil.date_of_birth)) if pupil.date_of_birth or
            not pupil.expected_date_of_birth else
            ("Expected date of birth", day_text(pupil.expected_date_of_birth)))
    return [born, ("Gender", pupil.gender), ("Ethnicity", pupil.ethnicity),
            ("Religion", pupil.religion), ("UPN", pupil.upn),
            ("NHS number", nhs_text(pupil.nhs_number)), ("GP", pupil.gp)]


def send_rows(pupil: Pupil) -> Rows:
    rows = [("SEND status", pupil.send_status.label)]
    if pupil.send_status is not SendStatus.NONE:
        rows.append(("Since", day_text(pupil.send_since)))
    if pupil.send_status is SendStatus.EHCP or pupil.ehcp_section_d or pupil.ehcp_section_h:
        rows += [("EHCP section D (social care needs)", pupil.ehcp_section_d),
                 ("EHCP section H (social care provision)", pupil.ehcp_section_h)]
    return rows


def household_rows(pupil: Pupil) -> Rows:
    rows = []
    for member in pupil.household:
        born = f", born {day_text(member.date_of_birth)}" if member.date_of_birth else ""
        visitor = " Regular visitor." if member.regular_visitor else ""
        rows.append((member.name,
                     f"{member.relationship}{born}. Lives with the child: "
                     f"{yes_no(member.lives_with_child).lower()}. Parental responsibility: "
                     f"{yes_no(member.parental_responsibility).lower()}.{visitor}"))
    return rows


def key_adults_note(pupil: Pupil) -> str:
    if pupil.key_adults:
        return ""
    if pupil.key_adults_known is False:
        return KEY_ADULTS_UNKNOWN
    return KEY_ADULTS_NOT_ASKED if pupil.key_adults_known is None else "None known."


def agencies_note(pupil: Pupil) -> str:
    lead = next((a.name for a in pupil.agencies if a.is_lead_professional), "")
    if not pupil.agencies:
        return "No other agencies recorded."
    return f"Lead professional: {lead}." if lead else "No lead professional recorded."


def agency_rows(pupil: Pupil) -> Rows:
    return [(a.name, (a.contact or "No contact details recorded")
             + (" — lead professional" if a.is_lead_professional else ""))
            for a in pupil.agencies]


def _newest_first(address: Address) -> tuple[bool, int]:
    """The current address first, then the others, latest move first."""
    return (address.moved_out is not None, -(address.moved_in or date.min).toordinal())


def history_rows(record: PupilRecord) -> Rows:
    return [(f"Version {v.number}",
             f"{moment_text(v.saved_at)} by {v.saved_by} — "
             f"{v.reason or 'Added to the register'}")
            for v in reversed(record.history)]


def build_profile(record: PupilRecord, open_sibling: Callable[[str], None]) -> QWidget:
    """The Profile tab's contents for ``record``; sibling buttons call ``open_sibling``."""
    pupil = record.pupil
    page = QWidget()
    grid = ProfileGrid(page)
    grid.section("Names", [("Legal name", pupil.legal_name),
                           ("Preferred name", pupil.preferred_name),
                           ("Other names and aliases", ", ".join(pupil.aliases))])
    grid.section("Identity", identity_rows(pupil))
    grid.section("Language", [("First language", pupil.first_language),
                              ("Interpreter needed", yes_no(pupil.interpreter_needed))])
    addresses = [(("Current address" if a.moved_out is None else "Earlier address"),
                  _dated(a.text, day_text(a.moved_in), day_text(a.moved_out)))
                 for a in sorted(pupil.addresses, key=_newest_first)]
    grid.section("Address history", addresses, "" if addresses else "No address recorded.")
    grid.section("SEND", send_rows(pupil))
    grid.section("Disability and communication needs", [
        ("Disability", pupil.disability),
        ("Communication needs", pupil.communication_needs)])
    household = household_rows(pupil)
    grid.section("Household and regular visitors", household,
                 "" if household else "Nobody recorded yet.")
    grid.section("Key adults outside the home",
                 [(a.name, " — ".join(t for t in (a.relationship, a.contact) if t))
                  for a in pupil.key_adults], key_adults_note(pupil))
    grid.section("Other agencies involved", agency_rows(pupil), agencies_note(pupil))
    grid.section("Family at the school", [],
                 "" if record.family else "No brothers or sisters at the school are linked "
                                          "to this pupil.")
    for sibling in record.family:
        year = f" ({sibling.year_group})" if sibling.year_group else ""
        button = QPushButton(f"{sibling.display_name}{year}".replace("&", "&&"))
        button.setAccessibleName(f"Open the record of {sibling.display_name}")
        button.clicked.connect(lambda _checked=False, pid=sibling.id: open_sibling(pid))
        line = QHBoxLayout()
        line.addWidget(button)
        line.addStretch(1)
        holder = QWidget()
        holder.setLayout(line)
        line.setContentsMargins(0, 0, 0, 0)
        grid.span(holder)
    grid.section("Register history", history_rows(record))
    grid.finish()
    return page
