"""A printed concern and a pupil's printed concern list, read back with pypdf: the
four kept-apart sections in order, opinion marked, no other child's role or
withheld name, amendments with the original text, long text in full."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from sgdesk.models.concerns import (
    FIELD_LABELS,
    KEPT_APART_SECTIONS,
    Action,
    ActionStatus,
    ChildRole,
    Decision,
    InvolvedChild,
    Review,
)
from sgdesk.models.pupils import SendStatus
from sgdesk.services import concerns
from sgdesk.services.pdf.concern_report import (
    NAME_WITHHELD,
    OPINION_NOTE,
    concern_list_pdf,
    concern_pdf,
)
from sgdesk.services.pdf.layout import PROTECTIVE_MARKING
from sgdesk.services.session import Session
from tests.helpers import WHEN, add_pupil, concern_content, log_about, make_store

ROLE_WORDS = ("victim", "perpetrator", "witness")


@pytest.fixture
def session(store_path: Path) -> Session:
    return make_store(store_path)[0]


def _pages(data: bytes) -> list[str]:
    """Each page's text with runs of white space made one space (cells wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def _text(data: bytes) -> str:
    return "\n".join(_pages(data))


def _positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at < 0]
    return found


def _amendments_at(text: str) -> int:
    """Where the Amendments section starts (the summary also says "see Amendments")."""
    return text.index("Amendments", text.index(FIELD_LABELS["review"]))


def _assert_furniture(pages: list[str]) -> None:
    for number, page in enumerate(pages, start=1):
        assert page.count(PROTECTIVE_MARKING) == 2
        assert f"Page {number} of {len(pages)}" in page
        assert "Produced by Jo Bloggs (Designated Safeguarding Lead) on" in page


def test_four_sections_in_order_each_text_under_its_own_heading(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(
        session, amy,
        facts="FACTTEXT mark on the left arm",
        child_words="WORDSTEXT he did it",
        questions_asked="QUESTIONTEXT what happened",
        others_reported="OTHERSTEXT seen at the bus stop",
        others_source="SOURCETEXT the lunchtime supervisor",
        opinion="OPINIONTEXT seems frightened",
        immediate_action="ACTIONTEXT first aid",
    )
    text = _text(concern_pdf(session, concern_id, amy.id))
    order = [
        FIELD_LABELS["facts"], "FACTTEXT",
        FIELD_LABELS["child_words"], "WORDSTEXT",
        FIELD_LABELS["questions_asked"], "QUESTIONTEXT",
        FIELD_LABELS["others_reported"], "OTHERSTEXT",
        FIELD_LABELS["others_source"], "SOURCETEXT",
        FIELD_LABELS["opinion"], OPINION_NOTE, "OPINIONTEXT",
        FIELD_LABELS["immediate_action"], "ACTIONTEXT",
        FIELD_LABELS["review"], "Awaiting the DSL's review.",
    ]
    positions = _positions(text, order)
    assert positions == sorted(positions)
    assert [f for f in order if f in [FIELD_LABELS[s] for s in KEPT_APART_SECTIONS]] == [
        FIELD_LABELS[s] for s in KEPT_APART_SECTIONS]
    assert "OPINION" in FIELD_LABELS["opinion"]
    assert "Amendments" not in text  # never amended


def test_empty_sections_say_so_rather_than_vanish(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy, facts="Only facts here")
    text = _text(concern_pdf(session, concern_id, amy.id))
    heads = [FIELD_LABELS[s] for s in (*KEPT_APART_SECTIONS, "immediate_action")]
    positions = _positions(text, heads)
    between = [text[a:b] for a, b in zip(positions, [*positions[1:], len(text)], strict=True)]
    assert "Only facts here" in between[0]
    assert "Nothing recorded." not in between[0]
    assert all("Nothing recorded." in part for part in between[1:])


def test_identifiers_summary_and_frame(session: Session) -> None:
    amy = add_pupil(session, "Amelia", "Example", preferred_name="Amy",
                    date_of_birth=date(2014, 3, 9), upn="H801200001001", year_group="Year 6",
                    form="6R", send_status=SendStatus.EHCP, send_since=date(2023, 9, 1))
    content = replace(
        concern_content(InvolvedChild(amy.id, ChildRole.VICTIM)),
        tags=("Playground",), categories=("Bullying", "Physical abuse"),
        noticed_at=WHEN + timedelta(hours=2),
    )
    concern_id = concerns.log_concern(session, content)
    data = concern_pdf(session, concern_id, amy.id)
    pages = _pages(data)
    text = "\n".join(pages)
    for expected in ("Record of concern", "Amelia Example", "Amy", "09/03/2014",
                     "H801200001001", "Year 6 / 6R", "EHCP since 01/09/2023",
                     "When it happened", WHEN.astimezone().strftime("%d/%m/%Y %H:%M"),
                     (WHEN + timedelta(hours=2)).astimezone().strftime("%d/%m/%Y %H:%M"),
                     "Ms Teacher (Class teacher)", "Gate", "This child's role", "Victim",
                     "Other children", "None", "Bullying, Physical abuse", "Playground",
                     "Awaiting the DSL's review"):
        assert expected in text, expected
    _assert_furniture(pages)
    meta = PdfReader(BytesIO(data)).metadata
    assert meta is not None and meta.title == "sgdesk concern record"
    assert not any("Amelia" in str(v) or "Example" in str(v) for v in meta.values())


def test_another_childs_role_and_withheld_name_never_print(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    ben = add_pupil(session, "Benedict", "Zanzibar")
    cat = add_pupil(session, "Catriona", "Quill")
    content = concern_content(
        InvolvedChild(amy.id, ChildRole.SUBJECT),
        InvolvedChild(ben.id, ChildRole.ALLEGED_PERPETRATOR),
        InvolvedChild(cat.id, ChildRole.WITNESS, name_shown_to_others=True),
        facts="A scuffle by the gate.",
    )
    concern_id = concerns.log_concern(session, content)
    # An amendment that only changes another child's role, and one that makes Ben a
    # victim: neither may show on Amy's print, in any version or in "what changed".
    current = concerns.get_concern(session, concern_id).current
    changed = replace(current, children=(
        current.children[0], InvolvedChild(ben.id, ChildRole.VICTIM), current.children[2]))
    concerns.amend_concern(session, concern_id, changed, "Roles corrected", 1)

    amy_text = _text(concern_pdf(session, concern_id, amy.id))
    assert "Subject" in amy_text
    assert not any(word in amy_text.lower() for word in ROLE_WORDS)
    assert "Benedict" not in amy_text and "Zanzibar" not in amy_text
    assert NAME_WITHHELD in amy_text
    assert "Catriona Quill" in amy_text  # the DSL chose to show her name
    assert "No change shown on this pupil's file" in amy_text

    ben_text = _text(concern_pdf(session, concern_id, ben.id))
    assert "Victim" in ben_text and "Alleged perpetrator" in ben_text  # his own, both versions
    assert "witness" not in ben_text.lower() and "subject" not in ben_text.lower()
    assert "Amy" not in ben_text

    amy_list = _text(concern_list_pdf(session, amy.id))
    assert not any(word in amy_list.lower() for word in ROLE_WORDS)
    assert "Benedict" not in amy_list and "Catriona" not in amy_list


def test_amendments_show_every_version_reason_and_original_text(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy, facts="ORIGINAL wording of the facts")
    current = concerns.get_concern(session, concern_id).current
    concerns.amend_concern(session, concern_id,
                           replace(current, facts="CORRECTED wording of the facts",
                                   opinion="Added later"),
                           "Teacher corrected the time & place", 1)
    text = _text(concern_pdf(session, concern_id, amy.id))
    amendments = text[_amendments_at(text):]
    for expected in ("Original record", "Teacher corrected the time & place",
                     f"{FIELD_LABELS['facts']}, {FIELD_LABELS['opinion']}",
                     "Version 2: what changed", "Before (version 1)", "After (version 2)",
                     "ORIGINAL wording of the facts", "CORRECTED wording of the facts"):
        assert expected in amendments, expected
    before = amendments.index("Before (version 1)")
    assert before < amendments.index("ORIGINAL wording") < amendments.index("After (version 2)")
    # The record itself shows the current text; the original only under Amendments.
    assert "ORIGINAL wording" not in text[: _amendments_at(text)]
    assert "CORRECTED wording" in text[: _amendments_at(text)]


def test_dsl_review_with_actions_outcome_and_sign_off(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    concern_id = log_about(session, amy)
    review = Review(
        Decision.NO_FURTHER_ACTION, "Explained by a playground fall; parents told.",
        "Jo Bloggs", "DSL", date(2026, 11, 3),
        (Action("Check in with Amy on Friday", "Head of Year 5", date(2026, 11, 6)),
         Action("Tell the class teacher", "Jo Bloggs", None, ActionStatus.DONE)),
        "Amy settled; no further marks seen.", date(2026, 11, 20),
    )
    concerns.record_review(session, concern_id, review, 1)
    later = replace(review, reasons="Reasons REVISED after speaking to mum.")
    concerns.record_review(session, concern_id, later, 2, reason="Reasons updated")
    text = _text(concern_pdf(session, concern_id, amy.id))
    section = text[text.index(FIELD_LABELS["review"]):_amendments_at(text)]
    for expected in ("No further action", "Reasons REVISED after speaking to mum.",
                     "Check in with Amy on Friday", "Head of Year 5", "06/11/2026", "Open",
                     "Tell the class teacher", "No date", "Done",
                     "Amy settled; no further marks seen.", "20/11/2026",
                     "Jo Bloggs (DSL) on 03/11/2026"):
        assert expected in section, expected
    assert "Closed" in text  # the status
    amendments = text[_amendments_at(text):]
    assert "DSL review recorded" in amendments
    # The first review is printed in full above; a changed review shows what it was.
    assert "Version 2: what changed" not in amendments
    assert "Explained by a playground fall" in amendments[amendments.index("Version 3"):]


def test_five_thousand_words_wrap_across_pages_with_nothing_lost(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    words = [f"w{n}x" for n in range(5000)]
    concern_id = log_about(session, amy, facts=" ".join(words), opinion=" ".join(words[:1500]))
    pages = _pages(concern_pdf(session, concern_id, amy.id))
    assert len(pages) >= 5
    _assert_furniture(pages)
    tokens = re.findall(r"w\d+x", "\n".join(pages))
    assert set(tokens) == set(words)
    assert len(tokens) == 5000 + 1500
    assert tokens[:5000] == words  # in order, facts before opinion


def test_markup_characters_in_user_text_survive(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    tricky = "Tom & Jerry <b>not bold</b> said 3 > 2 & 1 < 2"
    content = replace(concern_content(InvolvedChild(amy.id, ChildRole.SUBJECT), facts=tricky,
                                      child_words=tricky),
                      reporter_name="Mr <Smith> & Co", location="Room <4> & corridor")
    concern_id = concerns.log_concern(session, content)
    current = concerns.get_concern(session, concern_id).current
    concerns.amend_concern(session, concern_id, replace(current, facts=tricky + " again"),
                           "Fix <typo> & spacing", 1)
    text = _text(concern_pdf(session, concern_id, amy.id))
    for expected in (tricky, "Mr <Smith> & Co", "Room <4> & corridor", "Fix <typo> & spacing"):
        assert expected in text, expected
    assert "&amp;" not in text and "&lt;" not in text


def test_list_holds_every_concern_oldest_first_with_the_header_on_each_page(
    session: Session,
) -> None:
    amy = add_pupil(session, "Amy", "Example")
    other = add_pupil(session, "Dylan", "Elsewhere")
    log_about(session, other, facts="NOT-AMY concern")
    # Logged in a shuffled order; printed in the order they happened.
    offsets = [(n * 37) % 60 for n in range(60)]
    for n in offsets:
        content = replace(
            concern_content(InvolvedChild(amy.id, ChildRole.SUBJECT),
                            facts=f"Concern C{n:02d}Z. " + "Seen upset in the corridor. " * 10),
            happened_at=WHEN - timedelta(days=60 - n), noticed_at=WHEN - timedelta(days=60 - n),
        )
        concerns.log_concern(session, content)
    data = concern_list_pdf(session, amy.id)
    pages = _pages(data)
    assert len(pages) > 1
    _assert_furniture(pages)
    text = "\n".join(pages)
    assert "Concerns (60)" in text
    assert re.findall(r"C(\d\d)Z", text) == [f"{n:02d}" for n in range(60)]
    assert "NOT-AMY" not in text
    for page in pages:
        assert "Date happened" in page and "Summary of facts" in page
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    # Facts are summarised, not printed whole.
    assert text.count("Seen upset in the corridor") < 60 * 10


def test_list_row_shows_decision_status_and_amended(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    log_about(session, amy, facts="First & only < facts")
    reviewed = log_about(session, amy, facts="", child_words="I am scared")
    review = Review(Decision.REFER_CSC, "Disclosure of harm.", "Jo Bloggs", "DSL",
                    date(2026, 11, 3))
    concerns.record_review(session, reviewed, review, 1)
    text = _text(concern_list_pdf(session, amy.id))
    for expected in ("First & only < facts", "Not yet reviewed", "Awaiting the DSL's review",
                     "The child's own words (verbatim): I am scared",
                     "Refer to children's social care", "Open", "Yes", "No"):
        assert expected in text, expected


def test_list_of_a_pupil_without_concerns_says_so(session: Session) -> None:
    amy = add_pupil(session, "Amy", "Example")
    pages = _pages(concern_list_pdf(session, amy.id))
    assert "No concerns are on this pupil's file." in pages[0]
    _assert_furniture(pages)
