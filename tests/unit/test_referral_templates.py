"""Referral templates: the sandbox holds, a misspelt field fails loudly and says
where, a school's copy wins over the shipped one, typed text never turns into
markup, and every shipped template renders for a demo pupil."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from sgdesk.models.adult_concerns import (
    AdultCapacity,
    AdultConcern,
    AdultConcernKind,
    HarmThreshold,
)
from sgdesk.models.concerns import ChildRole, InvolvedChild, OtherChildMention, view_for_pupil
from sgdesk.models.pupils import Pupil
from sgdesk.models.referrals import (
    Consent,
    ReferralContent,
    ReferralKind,
    ReferralState,
    ReferralTracking,
)
from sgdesk.services.demo_people import make_cohort
from sgdesk.services.referral_templates import (
    FORM_TEMPLATES,
    LETTER_TEMPLATE,
    NOT_RECORDED,
    Box,
    Fields,
    Heading,
    ReferralDocument,
    Table,
    TemplateProblem,
    Text,
    list_templates,
    parse_document,
    referral_fields,
    render_template,
    school_templates_dir,
    shipped_templates_dir,
)
from sgdesk.services.referrals import PackConcern, ReferralPack
from tests.helpers import WHEN, concern_content

PRODUCED = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def _demo_pupil() -> Pupil:
    """A pupil made the way the demo store makes them: every detail filled in."""
    return make_cohort(random.Random(7), 2026).families[0][0]


def _pack(kind: ReferralKind = ReferralKind.CSC, pupil: Pupil | None = None,
          concerns: tuple[PackConcern, ...] = (), adult: AdultConcern | None = None,
          **content: Any) -> ReferralPack:
    pupil = pupil if pupil is not None or adult is not None else _demo_pupil()
    body = ReferralContent(
        kind, pupil.id if pupil else None, tuple(c.concern_id for c in concerns),
        "Jo Bloggs", "Designated Safeguarding Lead", "01234 567890", "Jo Bloggs",
        adult_concern_id="a1" if adult else None, **content,
    )
    return ReferralPack("r1", 2, ReferralState.DRAFT, "Hilltop Primary", body,
                        ReferralTracking(),
                        pupil, adult, concerns, (), "Jo Bloggs",
                        "Designated Safeguarding Lead", PRODUCED, None)


def _concern_about(pupil: Pupil, **text: str) -> PackConcern:
    on_file = view_for_pupil(concern_content(InvolvedChild(pupil.id, ChildRole.SUBJECT),
                                             **text), pupil.id, {})
    return PackConcern("c1", 1, on_file)


def _school_copy(name: str, text: str) -> Path:
    path = school_templates_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _render_own(text: str, fields: dict[str, Any] | None = None) -> ReferralDocument:
    _school_copy("own.txt", text)
    return render_template("own", fields or referral_fields(_pack()))


# -- the sandbox ------------------------------------------------------------------------
@pytest.mark.parametrize("trick", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ child.__class__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ child.items.__self__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__['os'] }}",
    "{{ self.__init__.__globals__ }}",
    "{{ ''|attr('__class__') }}",
    "{{ '{0.__class__}'.format(1) }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
])
def test_sandbox_refuses_python_internals(trick: str) -> None:
    with pytest.raises(TemplateProblem) as problem:
        _render_own(f"# Heading\n{trick}\n")
    assert isinstance(problem.value.__cause__, SecurityError)
    assert "own.txt" in str(problem.value)


def test_filters_that_would_unescape_text_are_switched_off() -> None:
    for name in ("safe", "e", "escape"):
        with pytest.raises(TemplateProblem, match=f"own.txt.*{name}"):
            _render_own(f"{{{{ referral.reason|{name} }}}}\n")


def test_templates_see_plain_data_only() -> None:
    pupil = _demo_pupil()
    fields = referral_fields(_pack(pupil=pupil, concerns=(_concern_about(pupil),),
                                   adult=None))

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, bool)

    assert plain(fields)
    assert fields["child"]["date_of_birth"] == "25/09/2010"


# -- loud mistakes ----------------------------------------------------------------------
def test_a_misspelt_field_names_the_template_line_and_field() -> None:
    with pytest.raises(TemplateProblem) as problem:
        _render_own("# The child\nfield: Name | {{ child.legal_name }}\n"
                    "field: GP | {{ child.gpp }}\n")
    message = str(problem.value)
    assert "own.txt" in message
    assert "line 3" in message
    assert "gpp" in message


def test_a_misspelt_field_in_a_part_names_the_part() -> None:
    _school_copy("parts/referrer.txt", "# Referrer\n\nfield: Name | {{ referrer.nmae }}\n")
    with pytest.raises(TemplateProblem) as problem:
        render_template(FORM_TEMPLATES[ReferralKind.CSC], referral_fields(_pack()))
    assert "referrer.txt, line 3" in str(problem.value)
    assert "nmae" in str(problem.value)


def test_a_syntax_error_names_the_line() -> None:
    with pytest.raises(TemplateProblem, match=r"own.txt, line 2"):
        _render_own("# Heading\n{% iff child %}\n")


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(TemplateProblem, match="no template called"):
        render_template("no_such_form", {})


# -- the school's own copies ------------------------------------------------------------
def test_a_school_copy_overrides_the_shipped_template() -> None:
    name = FORM_TEMPLATES[ReferralKind.CSC]
    shipped = (shipped_templates_dir() / f"{name}.txt").read_text(encoding="utf-8")
    fields = referral_fields(_pack())
    assert render_template(name, fields).title.startswith("Multi-agency referral form")

    _school_copy(f"{name}.txt", shipped.replace(
        "title: Multi-agency referral form: children's social care",
        "title: Anyshire request for support",
    ) + "field: Threshold level | Level 4\n")
    document = render_template(name, fields)

    assert document.title == "Anyshire request for support"
    rows = [row for block in document.blocks if isinstance(block, Fields) for row in block.rows]
    assert rows[-1] == ("Threshold level", "Level 4")
    listed = {t.name: t for t in list_templates()}
    assert listed[name].school_copy
    assert listed[name].path.parent == school_templates_dir()
    assert not listed[LETTER_TEMPLATE].school_copy


def test_a_school_copy_of_a_part_changes_every_form_using_it() -> None:
    shutil.copytree(shipped_templates_dir() / "parts", school_templates_dir() / "parts")
    _school_copy("parts/reason.txt", "# Why we are worried\n{{ referral.reason }}\n")
    for kind in (ReferralKind.CSC, ReferralKind.EARLY_HELP):
        text = render_template(FORM_TEMPLATES[kind],
                               referral_fields(_pack(kind, reason="Marks"))).plain_text()
        assert "Why we are worried\nMarks" in text
        assert "Reason for referral" not in text


def test_every_shipped_template_is_listed() -> None:
    names = {t.name for t in list_templates()}
    assert names == {*FORM_TEMPLATES.values(), LETTER_TEMPLATE}


# -- the markup -------------------------------------------------------------------------
def test_markup_lines_become_blocks() -> None:
    document = parse_document(
        "title: A form\n# One\nfield: A | 1\nfield: B |\n\n## Two\nline one\nline two\n\n"
        "para two\nhead: X | Y\nrow: x | y\nrow: only x\n> ## Opinion\n> first\n>\n> second\n"
    )
    assert document.title == "A form"
    assert document.blocks == (
        Heading("One", 1),
        Fields((("A", "1"), ("B", NOT_RECORDED))),
        Heading("Two", 2),
        Text("line one\nline two"),
        Text("para two"),
        Table(("X", "Y"), (("x", "y"), ("only x", ""))),
        Box((Heading("Opinion", 2), Text("first\n\nsecond"))),
    )


@pytest.mark.parametrize("markup", ["row: a | b\n", "head: A\nrow: a | b\n"])
def test_a_table_row_that_does_not_fit_is_refused(markup: str) -> None:
    with pytest.raises(TemplateProblem, match=r"own\.txt: a row: line"):
        _render_own(markup)


def test_typed_text_never_becomes_markup() -> None:
    typed = "# not a heading\nfield: not | a field\n> not a box\nrow: a | b\ntitle: no\n\nend"
    document = _render_own(
        "title: Safe\n# Facts\n{{ referral.reason }}\nfield: Reason | {{ referral.reason }}\n"
        "> {{ referral.reason }}\n",
        referral_fields(_pack(reason=typed)),
    )
    assert document.title == "Safe"
    heading, text, fields, box = document.blocks
    assert heading == Heading("Facts", 1)
    assert text == Text(typed)
    assert isinstance(fields, Fields) and len(fields.rows) == 1
    assert fields.rows[0][1].startswith("# not a heading, field: not | a field")
    assert box == Box((Text(typed),))


# -- every shipped template -------------------------------------------------------------
@pytest.mark.parametrize("kind", [k for k in ReferralKind if k.about_a_pupil])
def test_every_form_about_a_child_renders_for_a_demo_pupil(kind: ReferralKind) -> None:
    pupil = _demo_pupil()
    concern = _concern_about(pupil, facts="FACTTEXT", child_words="WORDSTEXT",
                             others_reported="OTHERSTEXT", others_source="A parent",
                             opinion="OPINIONTEXT")
    pack = _pack(kind, pupil, (concern,), reason="REASONTEXT", consent=Consent.GIVEN,
                 parents_aware=True)
    document = render_template(FORM_TEMPLATES[kind], referral_fields(pack))
    text = document.plain_text()

    assert document.title
    for expected in ("Courtney Marsh", "25/09/2010", "Brook Street Surgery", "Sarah Marsh",
                     "Lisa Marsh", "REASONTEXT", "FACTTEXT", "WORDSTEXT", "OTHERSTEXT",
                     "OPINIONTEXT", "Hilltop Primary", "Parents consented"):
        assert expected in text, expected
    boxes = [b for b in document.blocks if isinstance(b, Box)]
    assert any("OPINIONTEXT" in t.text for b in boxes for t in b.blocks
               if isinstance(t, Text))


def test_the_lado_form_and_letter_render_from_the_register_alone() -> None:
    adult = AdultConcern(AdultConcernKind.ALLEGATION, "Pat Teacher", AdultCapacity.STAFF,
                         "Year 4 teacher", "Ms Head", "Headteacher", WHEN, WHEN, "Room 4",
                         "A pupil said Pat grabbed his wrist.", "A Year 4 boy",
                         (HarmThreshold.HARMED,))
    pack = _pack(ReferralKind.LADO, adult=adult, reason="REASONTEXT")
    form = render_template(FORM_TEMPLATES[ReferralKind.LADO], referral_fields(pack))
    letter = render_template(LETTER_TEMPLATE, referral_fields(pack))
    assert "Pat Teacher" in form.plain_text()
    assert "Has harmed a child, or may have" in form.plain_text()
    assert "The child" not in [b.text for b in form.blocks if isinstance(b, Heading)]
    assert "Pat Teacher" in letter.plain_text()


def test_key_adults_are_stated_when_the_school_knows_none() -> None:
    def key_adults_text(pupil: Pupil) -> str:
        text = render_template(FORM_TEMPLATES[ReferralKind.CSC],
                               referral_fields(_pack(pupil=pupil))).plain_text()
        return "\n".join(text.split("Key adults in the child's life\n")[1].split("\n")[:2])

    pupil = replace(_demo_pupil(), key_adults=())
    assert key_adults_text(replace(pupil, key_adults_known=False)).startswith(
        "The school knows nothing about key adults in this child's life.\n")
    assert key_adults_text(replace(pupil, key_adults_known=None)).startswith("Not recorded.\n")
    assert "Lisa Marsh" in key_adults_text(_demo_pupil())


def test_another_childs_role_and_withheld_name_stay_off_the_form() -> None:
    pupil = _demo_pupil()
    content = concern_content(InvolvedChild(pupil.id, ChildRole.VICTIM),
                              InvolvedChild("other", ChildRole.WITNESS))
    on_file = view_for_pupil(content, pupil.id, {"other": "Ben Other"})
    assert on_file.other_children == (OtherChildMention("other", None),)
    text = render_template(FORM_TEMPLATES[ReferralKind.CSC], referral_fields(
        _pack(pupil=pupil, concerns=(PackConcern("c1", 1, on_file),)))).plain_text()
    assert "This child's role: Victim" in text
    assert "Other children involved: Another child (name withheld)" in text
    assert "Witness" not in text and "Ben Other" not in text


def test_dates_are_written_the_english_way() -> None:
    pupil = replace(_demo_pupil(), date_of_birth=None,
                    expected_date_of_birth=date(2027, 3, 1))
    text = render_template(FORM_TEMPLATES[ReferralKind.CSC],
                           referral_fields(_pack(pupil=pupil))).plain_text()
    assert "Expected date of birth: 01/03/2027" in text
    assert "Date: 03/11/2026" in text


def test_concerns_are_numbered_oldest_first() -> None:
    pupil = _demo_pupil()
    later = _concern_about(pupil, facts="LATER")
    earlier = _concern_about(pupil, facts="EARLIER")
    earlier = replace(earlier, concern_id="c0", on_file=replace(
        earlier.on_file, content=replace(earlier.on_file.content,
                                         happened_at=WHEN - timedelta(days=3))))
    fields = referral_fields(_pack(pupil=pupil, concerns=(later, earlier)))
    assert [(c["number"], c["facts"]) for c in fields["concerns"]] == [
        (1, "EARLIER"), (2, "LATER")]


def test_a_python_error_in_a_template_names_the_line() -> None:
    with pytest.raises(TemplateProblem, match=r"own.txt, line 2: division by zero"):
        _render_own("# Heading\n{{ 1 / 0 }}\n")
