"""A concern printed inside a share (or a subject access disclosure) counts the other
children its redacted copy left out, rather than saying "Other children: None"
beside a text that says "[another child]"."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.redaction import ANOTHER_CHILD, left_out_children_text
from sgdesk.models.sharing import LegalBasis, SharedKind, ShareRequest
from sgdesk.models.subject_access import THIRD_PARTY, Relationship, RequestDetails
from sgdesk.services import concerns
from sgdesk.services import subject_access as sar
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_sharing import export_share
from sgdesk.services.demo_clock import clock_at
from sgdesk.services.pdf.concern_report import concern_pdf
from sgdesk.services.session import Session
from sgdesk.storage import bundle_file
from tests.bundle_helpers import key_pair
from tests.helpers import add_pupil, concern_content, make_store


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The page text as ``pdftotext`` reads it, spacing as single spaces."""
    source = tmp_path / "printed.pdf"
    source.write_bytes(data)
    done = subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True,
                          check=True, timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())


def other_children_row(text: str) -> str:
    """The concern summary's row (not the concern list's note that names no one)."""
    found = re.search(r"Other children (?!in a concern)(.*?) Categories", text)
    assert found, text
    return found.group(1)


@pytest.fixture
def school(store_path: Path) -> tuple[Session, dict[str, str], str]:
    """Amy's concern with four other children: Ben and Cal (names not shown to
    others), Dee (name shown) and Eve (name shown, and included in the share)."""
    session, _ = make_store(store_path)
    ids = {name: add_pupil(session, name, surname).id for name, surname in (
        ("Amy", "Ash"), ("Ben", "Birch"), ("Cal", "Cedar"), ("Dee", "Dogwood"),
        ("Eve", "Elm"))}
    concern_id = concerns.log_concern(session, concern_content(
        InvolvedChild(ids["Amy"], ChildRole.VICTIM),
        InvolvedChild(ids["Ben"], ChildRole.ALLEGED_PERPETRATOR),
        InvolvedChild(ids["Cal"], ChildRole.WITNESS),
        InvolvedChild(ids["Dee"], ChildRole.WITNESS, name_shown_to_others=True),
        InvolvedChild(ids["Eve"], ChildRole.WITNESS, name_shown_to_others=True),
        facts="Ben Birch pushed Amy while Cal Cedar, Dee Dogwood and Eve Elm watched."))
    return session, ids, concern_id


def test_the_schools_own_print_is_unchanged(
    school: tuple[Session, dict[str, str], str], tmp_path: Path
) -> None:
    session, ids, concern_id = school
    text = pdf_text(concern_pdf(session, concern_id, ids["Amy"]), tmp_path)
    assert other_children_row(text) == (
        "Dee Dogwood; Eve Elm; Another child (name withheld); Another child (name withheld)")


def test_a_shared_concern_counts_the_children_it_leaves_out(
    school: tuple[Session, dict[str, str], str], tmp_path: Path
) -> None:
    session, ids, _concern_id = school
    identity, public = key_pair()
    request = ShareRequest((ids["Amy"],), (SharedKind.CONCERNS,), "Hilltop MASH",
                           "Strategy discussion", LegalBasis.SAFEGUARDING.label,
                           include_children=(ids["Eve"],))
    written = export_share(session, request, tmp_path / "share.age",
                           Encryption((public,), described_as="MASH"))
    members = bundle_file.untar(bundle_file.decrypt(written.path.read_bytes(),
                                                    identities=[identity]))
    text = pdf_text(members["pdf/pupil-1-concern-1.pdf"], tmp_path)
    assert f"{ANOTHER_CHILD} pushed Amy while {ANOTHER_CHILD}, {ANOTHER_CHILD} and Eve Elm" in text
    assert other_children_row(text) == f"Eve Elm; {left_out_children_text(3)}"
    assert other_children_row(text) == "Eve Elm; 3 other children (not named in this copy)"
    for name in ("Ben", "Cal", "Dee", "Birch", "Cedar", "Dogwood"):
        assert name not in text, name


def test_a_disclosed_concern_counts_them_too(
    school: tuple[Session, dict[str, str], str], tmp_path: Path
) -> None:
    session, ids, _concern_id = school
    with clock_at(session, datetime(2026, 11, 9, 12, 0, tzinfo=UTC)):
        sar_id = sar.log_request(session, ids["Amy"], RequestDetails(
            "Kim Ash", Relationship.PARENT, date(2026, 11, 2), relationship_detail="mother",
            identity_checked=True, identity_how="Passport seen at reception"))
    text = pdf_text(sar.disclosure_pdf(session, sar_id), tmp_path)
    assert f"{THIRD_PARTY} pushed Amy" in text
    assert other_children_row(text) == "4 other children (not named in this copy)"


@pytest.mark.parametrize(("count", "said"), [
    (0, ""), (1, "1 other child (not named in this copy)"),
    (2, "2 other children (not named in this copy)"),
])
def test_the_words_for_children_left_out(count: int, said: str) -> None:
    assert left_out_children_text(count) == said
