"""Handover: the whole store to a new DSL, and back out identical."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.errors import BundleRefused, InvalidInput, PermissionDenied, WrongPassword
from sgdesk.models.users import Role
from sgdesk.services import adult_concerns, concerns, pupils, search
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD, create_demo_store
from sgdesk.services.handover_export import export_handover
from sgdesk.services.store_creation import NewStoreDetails
from tests.bundle_helpers import (
    NEW_DSL,
    assert_same_content,
    key_pair,
    round_trip,
    set_up_from,
    snapshot,
)
from tests.helpers import (
    DSL_LOGIN,
    DSL_PASSWORD,
    add_colleague,
    add_pupil,
    close,
    concern_content,
    log_about,
    make_store,
    reopen,
)
from tests.unit.test_adult_concerns import low_level


def test_the_demo_store_arrives_whole_every_kind_of_record(tmp_path: Path) -> None:
    demo = create_demo_store(tmp_path / "demo")
    old = reopen(demo, DEMO_DSL_LOGIN, DEMO_PASSWORD)
    adult_concerns.record_adult_concern(old, low_level())  # the demo has none yet
    before, new = round_trip(old, tmp_path)
    try:
        for table in ("pupils", "concern_versions", "body_maps", "chronology_events",
                      "referrals", "cases", "adult_concerns", "settings", "audit"):
            assert before[table], f"the demo store should exercise {table}"
        assert_same_content(before, new)
        some_pupil = before["pupils"][0]["sort_name"].split(",")[0]
        assert any(r.kind == "pupil" for r in search.search(new, some_pupil))
    finally:
        close(new)
        close(old)


def test_old_ways_in_do_not_travel_and_the_new_dsl_signs_in(tmp_path: Path) -> None:
    old, _ = make_store(tmp_path / "old")
    _before, new = round_trip(old, tmp_path)
    path = new.store.path
    close(new)
    with pytest.raises(WrongPassword):
        reopen(path, DSL_LOGIN, DSL_PASSWORD)
    again = reopen(path, NEW_DSL.login, NEW_DSL.password)
    try:
        assert again.user.role is Role.DSL
        assert again.school_name == "Hilltop Primary"
    finally:
        close(again)
        close(old)


def test_a_passphrase_handover_opens_with_the_passphrase(tmp_path: Path) -> None:
    old, _ = make_store(tmp_path / "old")
    add_pupil(old, "Ada", "Lovelace")
    written = export_handover(old, tmp_path / "h.age", Encryption(passphrase="pass phrase 123"))
    data = written.path.read_bytes()
    with pytest.raises(BundleRefused) as refused:
        open_bundle(data, identities=[key_pair()[0]])
    assert refused.value.reason == "needs_passphrase"
    with pytest.raises(BundleRefused) as refused:
        open_bundle(data, passphrase="wrong")
    assert refused.value.reason == "wrong_passphrase"
    new = set_up_from(open_bundle(data, passphrase="pass phrase 123"), tmp_path / "new")
    try:
        assert [p.sort_name for p in pupils.list_pupils(new)] == ["Lovelace, Ada"]
    finally:
        close(new)
        close(old)


def test_only_the_dsl_hands_over(tmp_path: Path) -> None:
    old, _ = make_store(tmp_path / "old")
    add_colleague(old, "deputy", Role.DEPUTY_DSL)
    close(old)
    deputy = reopen(old.store.path, "deputy", "colleague password")
    try:
        with pytest.raises(PermissionDenied):
            export_handover(deputy, tmp_path / "h.age", Encryption((key_pair()[1],)))
        assert not (tmp_path / "h.age").exists()
    finally:
        close(deputy)


def test_the_new_dsl_cannot_take_an_old_user_name(tmp_path: Path) -> None:
    old, _ = make_store(tmp_path / "old")
    identity, public = key_pair()
    written = export_handover(old, tmp_path / "h.age", Encryption((public,)))
    bundle = open_bundle(written.path.read_bytes(), identities=[identity])
    details = NewStoreDetails("", "Someone", DSL_LOGIN, "another good password")
    with pytest.raises(InvalidInput) as refused:
        from sgdesk.services.handover_import import create_store_from_handover
        create_store_from_handover(tmp_path / "new", bundle, details, b"\0" * 32)
    assert refused.value.field == "login"
    assert not list(tmp_path.glob("new*"))
    close(old)


def test_a_share_bundle_is_not_a_handover(tmp_path: Path) -> None:
    from sgdesk.models.bundles import BundleKind
    from sgdesk.services.bundle_building import BundleContent, write_bundle
    old, _ = make_store(tmp_path / "old")
    identity, public = key_pair()
    written = write_bundle(old, BundleContent(BundleKind.SHARE), tmp_path / "s.age",
                           Encryption((public,)))
    bundle = open_bundle(written.path.read_bytes(), identities=[identity])
    with pytest.raises(BundleRefused) as refused:
        set_up_from(bundle, tmp_path / "new")
    assert refused.value.reason == "wrong_kind"
    assert not list(tmp_path.glob("new*"))
    close(old)


# -- generated stores -------------------------------------------------------------------
NAMES = st.text(st.characters(categories=("L",), max_codepoint=0x17F), min_size=1,
                max_size=12)
STEP = st.one_of(
    st.tuples(st.just("pupil"), NAMES, NAMES),
    st.tuples(st.just("concern"), st.integers(0, 20), st.text(min_size=1, max_size=200)),
    st.tuples(st.just("amend"), st.integers(0, 20), st.text(min_size=1, max_size=80)),
    st.tuples(st.just("pair"), st.integers(0, 20), st.integers(0, 20)),
)


def _apply(session, step, made: list, logged: list) -> None:  # type: ignore[no-untyped-def]
    kind, a, b = step
    if kind == "pupil":
        made.append(add_pupil(session, a.strip() or "A", b.strip() or "B"))
    elif kind == "concern" and made:
        logged.append(log_about(session, made[a % len(made)], facts=b.strip() or "x"))
    elif kind == "amend" and logged:
        concern_id = logged[a % len(logged)]
        latest = concerns.get_concern(session, concern_id).versions[-1]
        concerns.amend_concern(session, concern_id,
                               replace(latest.content, facts=b.strip() or "y"), "corrected",
                               latest.number)
    elif kind == "pair" and len(made) > 1 and a % len(made) != b % len(made):
        first, second = made[a % len(made)], made[b % len(made)]
        logged.append(concerns.log_concern(session, concern_content(
            InvolvedChild(first.id, ChildRole.SUBJECT),
            InvolvedChild(second.id, ChildRole.WITNESS))))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=25))
# U+0085 and U+2028 end a line for str.splitlines() but not for JSON Lines
@example(steps=[("pupil", "A", "A"), ("concern", 0, "0\x850\u2028x")])
def test_any_store_comes_back_identical(steps: list) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        old, _ = make_store(Path(folder) / "old")
        made: list = []  # type: ignore[type-arg]
        logged: list[str] = []
        for step in steps:
            _apply(old, step, made, logged)
        before, new = round_trip(old, Path(folder))
        try:
            assert_same_content(before, new)
            assert snapshot(new)["pupils"] == before["pupils"]
        finally:
            close(new)
            close(old)


@pytest.mark.parametrize("stage", ["Reading records", "Encrypting"])
def test_cancelling_an_export_leaves_no_file_and_no_log(tmp_path: Path, stage: str) -> None:
    from sgdesk.models.errors import Cancelled

    old, _ = make_store(tmp_path / "old")
    add_pupil(old, "Ada", "Lovelace")
    seen: list[str] = []
    try:
        with pytest.raises(Cancelled):
            export_handover(old, tmp_path / "h.age",
                            Encryption((key_pair()[1],)),
                            progress=lambda s, _f: seen.append(s),
                            cancelled=lambda: stage in seen)
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("old")) == []
        assert old.db.query("SELECT * FROM bundle_log") == []
    finally:
        close(old)
