"""Taking a share or transfer into a store in use: added beside, never over."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sgdesk.models.bundles import BundleKind
from sgdesk.models.errors import BundleRefused, Cancelled
from sgdesk.services import concerns, pupils, search
from sgdesk.services.bundle_building import BundleContent, Encryption, write_bundle
from sgdesk.services.bundle_import import apply_import, open_for_import, plan_import
from sgdesk.services.school_identity import school_public_key
from sgdesk.services.session import Session
from sgdesk.storage.bundle_tables import dump_rows, table_shapes
from tests.bundle_helpers import snapshot
from tests.helpers import add_pupil, close, log_about, make_store

SHARED = ("users", "families", "pupils", "pupil_versions", "concerns", "concern_versions",
          "concern_children", "concern_actions")


def _share(sender: Session, receiver: Session, dest: Path) -> bytes:
    """The sender's register and concerns as a share, sealed to the receiver."""
    shapes = {s.name: s for s in table_shapes(sender.db)}
    content = BundleContent(BundleKind.SHARE, tables={
        t: list(dump_rows(sender.db, shapes[t])) for t in SHARED})
    written = write_bundle(sender, content, dest, Encryption((school_public_key(receiver),)))
    return written.path.read_bytes()


@pytest.fixture
def stores(tmp_path: Path):  # type: ignore[no-untyped-def]
    sender, _ = make_store(tmp_path / "sender")
    receiver, _ = make_store(tmp_path / "receiver")
    yield sender, receiver
    close(sender)
    close(receiver)


def _amend_facts(session: Session, concern_id: str, facts: str) -> None:
    latest = concerns.get_concern(session, concern_id).versions[-1]
    concerns.amend_concern(session, concern_id, replace(latest.content, facts=facts),
                           "corrected", latest.number)


def test_a_share_arrives_and_the_same_bundle_again_adds_nothing(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = stores
    ann = add_pupil(sender, "Ann", "Smith")
    log_about(sender, ann, facts="Bruise on the left forearm")
    data = _share(sender, receiver, tmp_path / "share.age")
    plan = plan_import(receiver, open_for_import(receiver, data))
    assert plan.new_records == {"pupils": 1, "concerns": 1} and not plan.questions
    outcome = apply_import(receiver, plan, {})
    assert outcome.records_added == 2
    assert [p.sort_name for p in pupils.list_pupils(receiver)] == ["Smith, Ann"]
    assert [h.kind for h in search.search(receiver, "forearm")] == ["concern"]
    staff = receiver.db.query_one("SELECT display_name, removed_at FROM users WHERE id = ?",
                                  (sender.user.id,))
    assert staff[0] == "Jo Bloggs (Hilltop Primary)" and staff[1] is not None
    before = snapshot(receiver)
    again = plan_import(receiver, open_for_import(receiver, data))
    assert again.already_imported_at is not None and not again.adds_anything
    assert apply_import(receiver, again, {}).log_id is None
    assert snapshot(receiver) == before


def test_a_later_version_is_added_and_a_differing_one_goes_beside(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = stores
    ann = add_pupil(sender, "Ann", "Smith")
    concern_id = log_about(sender, ann, facts="first account")
    first = _share(sender, receiver, tmp_path / "one.age")
    apply_import(receiver, plan_import(receiver, open_for_import(receiver, first)), {})
    _amend_facts(sender, concern_id, "the sender's correction")
    _amend_facts(receiver, concern_id, "the receiver's own note")
    second = _share(sender, receiver, tmp_path / "two.age")
    plan = plan_import(receiver, open_for_import(receiver, second))
    assert (plan.new_versions, plan.beside_versions) == (0, 1)
    apply_import(receiver, plan, {})
    history = concerns.get_concern(receiver, concern_id).versions
    assert [v.content.facts for v in history] == [
        "first account", "the receiver's own note", "the sender's correction"]
    assert history[-1].reason.startswith("Imported from Hilltop Primary (their version 2)")
    third = plan_import(receiver, open_for_import(receiver, second))
    assert not third.adds_anything


def test_a_pupil_with_the_same_upn_is_asked_about_not_assumed(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = stores
    theirs = add_pupil(sender, "Ann", "Smith", upn="A123456789012")
    log_about(sender, theirs, facts="disclosed at break")
    ours = add_pupil(receiver, "Annie", "Smith", upn="A123456789012")
    data = _share(sender, receiver, tmp_path / "share.age")
    plan = plan_import(receiver, open_for_import(receiver, data))
    assert [(q.local_id, q.why) for q in plan.questions] == [(ours.id, "the same UPN")]
    with pytest.raises(Exception, match="Say for each pupil"):
        apply_import(receiver, plan, {})
    apply_import(receiver, plan, {theirs.id: True})
    assert [p.sort_name for p in pupils.list_pupils(receiver)] == ["Smith, Annie"]
    on_file = concerns.concerns_on_file(receiver, ours.id)
    assert len(on_file) == 1


def test_answering_no_adds_a_new_pupil(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = stores
    theirs = add_pupil(sender, "Sam", "Lee")
    add_pupil(receiver, "Sam", "Lee")
    plan = plan_import(receiver, open_for_import(
        receiver, _share(sender, receiver, tmp_path / "s.age")))
    assert plan.questions[0].why == "the same name and date of birth"
    apply_import(receiver, plan, {theirs.id: False})
    assert len(pupils.list_pupils(receiver)) == 2


def test_cancelling_leaves_nothing(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = stores
    log_about(sender, add_pupil(sender, "Ann", "Smith"))
    plan = plan_import(receiver, open_for_import(
        receiver, _share(sender, receiver, tmp_path / "s.age")))
    before = snapshot(receiver)
    with pytest.raises(Cancelled):
        apply_import(receiver, plan, {}, cancelled=lambda: True)
    assert snapshot(receiver) == before


def test_a_handover_is_not_merged_into_a_store_in_use(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sgdesk.services.handover_export import export_handover
    sender, receiver = stores
    written = export_handover(sender, tmp_path / "h.age",
                              Encryption((school_public_key(receiver),)))
    bundle = open_for_import(receiver, written.path.read_bytes())
    with pytest.raises(BundleRefused) as refused:
        plan_import(receiver, bundle)
    assert refused.value.reason == "wrong_kind"


def test_a_pupil_matched_once_is_not_asked_about_again(stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sender, receiver = stores
    theirs = add_pupil(sender, "Ann", "Smith", upn="A123456789012")
    concern_id = log_about(sender, theirs, facts="first")
    ours = add_pupil(receiver, "Annie", "Smith", upn="A123456789012")
    first = _share(sender, receiver, tmp_path / "one.age")
    plan = plan_import(receiver, open_for_import(receiver, first))
    apply_import(receiver, plan, {theirs.id: True})
    again = plan_import(receiver, open_for_import(receiver, first))
    assert not again.questions and not again.adds_anything
    _amend_facts(sender, concern_id, "second")
    later = plan_import(receiver, open_for_import(
        receiver, _share(sender, receiver, tmp_path / "two.age")))
    assert not later.questions and (later.new_versions, later.beside_versions) == (1, 0)
    apply_import(receiver, later, {})
    (entry,) = concerns.concerns_on_file(receiver, ours.id)
    assert concerns.get_concern(receiver, entry.id).current.facts == "second"
