"""``sgdesk export`` / ``sgdesk import`` / ``sgdesk init --from-handover``, headless."""

from __future__ import annotations

from pathlib import Path

import pytest

from sgdesk.services import pupils
from sgdesk.services.school_identity import school_public_key
from tests.bundle_helpers import key_pair
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, add_pupil, close, log_about, make_store, reopen
from tests.unit.test_bundle_import import _share
from tests.unit.test_cli import run

Capture = pytest.CaptureFixture[str]


def test_handover_by_passphrase_then_set_up_from_it(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path, capsys: Capture) -> None:
    session, _ = make_store(tmp_path / "old")
    add_pupil(session, "Ann", "Smith")
    close(session)
    assert run(monkeypatch, "export", str(tmp_path / "old.sgdesk"), "--login", DSL_LOGIN,
               "--handover", str(tmp_path / "h.age"), "--passphrase", "--password-stdin",
               stdin=f"{DSL_PASSWORD}\nbundle phrase\n") == 0
    assert "Handover to a new DSL (the whole store) written" in capsys.readouterr().out
    assert run(monkeypatch, "init", str(tmp_path / "new"), "--from-handover",
               str(tmp_path / "h.age"), "--name", "Robin New", "--login", "rnew",
               "--recovery-key-file", str(tmp_path / "rk.txt"), "--password-stdin",
               stdin="bundle phrase\nanother good password\n") == 0
    new = reopen(tmp_path / "new.sgdesk", "rnew", "another good password")
    try:
        assert [p.sort_name for p in pupils.list_pupils(new)] == ["Smith, Ann"]
        assert new.school_name == "Hilltop Primary"
    finally:
        close(new)


def test_export_needs_keys_or_a_passphrase(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                           capsys: Capture) -> None:
    close(make_store(tmp_path / "old")[0])
    assert run(monkeypatch, "export", str(tmp_path / "old.sgdesk"), "--handover",
               str(tmp_path / "h.age"), "--password-stdin", stdin=f"{DSL_PASSWORD}\n") == 2
    assert "--to KEY" in capsys.readouterr().err


def test_export_to_a_key_and_a_wrong_identity_is_told(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path, capsys: Capture) -> None:
    close(make_store(tmp_path / "old")[0])
    _, public = key_pair()
    assert run(monkeypatch, "export", str(tmp_path / "old.sgdesk"), "--login", DSL_LOGIN,
               "--handover", str(tmp_path / "h.age"), "--to", public, "--password-stdin",
               stdin=f"{DSL_PASSWORD}\n") == 0
    other, _ = key_pair()
    (tmp_path / "key.txt").write_text(f"# created: now\n{other}\n")
    assert run(monkeypatch, "init", str(tmp_path / "new"), "--from-handover",
               str(tmp_path / "h.age"), "--identity", str(tmp_path / "key.txt"), "--name", "R",
               "--login", "rnew", "--recovery-key-file", str(tmp_path / "rk.txt"),
               "--password-stdin", stdin="another good password\n") == 1
    assert "not encrypted for this school's key" in capsys.readouterr().err
    assert not (tmp_path / "new.sgdesk").exists() and not (tmp_path / "rk.txt").exists()


def test_import_a_share_answering_the_pupil_question(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path, capsys: Capture) -> None:
    sender, _ = make_store(tmp_path / "sender")
    receiver, _ = make_store(tmp_path / "receiver")
    theirs = add_pupil(sender, "Ann", "Smith", upn="A123456789012")
    log_about(sender, theirs)
    add_pupil(receiver, "Ann", "Smith", upn="A123456789012")
    _share(sender, receiver, tmp_path / "share.age")
    assert school_public_key(receiver)
    close(sender)
    close(receiver)
    store = str(tmp_path / "receiver.sgdesk")
    bundle = str(tmp_path / "share.age")
    assert run(monkeypatch, "import", store, bundle, "--login", DSL_LOGIN, "--dry-run",
               "--same", theirs.id, "--password-stdin", stdin=f"{DSL_PASSWORD}\n") == 0
    assert "1 pupil may already be on the register" in capsys.readouterr().out
    assert run(monkeypatch, "import", store, bundle, "--login", DSL_LOGIN, "--password-stdin",
               stdin=f"{DSL_PASSWORD}\n") == 2  # the question needs an answer
    assert run(monkeypatch, "import", store, bundle, "--login", DSL_LOGIN, "--same", theirs.id,
               "--password-stdin", stdin=f"{DSL_PASSWORD}\n") == 0
    assert "Imported 1 records" in capsys.readouterr().out


def test_share_and_transfer_from_the_command_line(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path, capsys: Capture) -> None:
    sender, _ = make_store(tmp_path / "sender")
    receiver, _ = make_store(tmp_path / "receiver")
    ann = add_pupil(sender, "Ann", "Smith", upn="A123456789012")
    log_about(sender, ann, facts="Said she was scared to go home")
    key = school_public_key(receiver)
    close(sender)
    store = str(tmp_path / "sender.sgdesk")
    common = ("--login", DSL_LOGIN, "--to", key, "--password-stdin")
    assert run(monkeypatch, "export", store, "--share", str(tmp_path / "s.age"), "--pupil",
               "a123456789012", "--kinds", "concerns", "--recipient", "Northshire MASH",
               "--purpose", "Strategy discussion", *common, stdin=f"{DSL_PASSWORD}\n") == 0
    assert "Share with a partner agency written" in capsys.readouterr().out
    assert run(monkeypatch, "export", store, "--transfer", str(tmp_path / "t.age"), "--pupil",
               ann.id, "--moved-on", "2026-11-02", "--new-school", "Riverside Academy",
               *common, stdin=f"{DSL_PASSWORD}\n") == 0
    assert run(monkeypatch, "export", store, "--transfer", str(tmp_path / "x.age"), "--pupil",
               ann.id, *common, stdin=f"{DSL_PASSWORD}\n") == 2
    assert "--moved-on" in capsys.readouterr().err
    close(receiver)
    receiving = str(tmp_path / "receiver.sgdesk")
    assert run(monkeypatch, "import", receiving, str(tmp_path / "t.age"), "--login", DSL_LOGIN,
               "--receipt", str(tmp_path / "r.age"), "--password-stdin",
               stdin=f"{DSL_PASSWORD}\n") == 0
    assert "Receipt written" in capsys.readouterr().out
    assert run(monkeypatch, "import", store, str(tmp_path / "r.age"), "--login", DSL_LOGIN,
               "--password-stdin", stdin=f"{DSL_PASSWORD}\n") == 0
    assert "Transfer receipted by Jo Bloggs (Hilltop Primary)" in capsys.readouterr().out
