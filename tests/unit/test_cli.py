"""``sgdesk`` subcommands, run in-process (plus two through a real subprocess)."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import types
from io import BytesIO
from pathlib import Path

import pytest
import sqlcipher3
from pypdf import PdfReader

from sgdesk import __version__, cli
from sgdesk.models.errors import WrongPassword
from sgdesk.services.demo import DEMO_PASSWORD
from sgdesk.storage.keyslots import KeySlotFile, open_password_slot
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, SCHOOL, close, make_store, reopen

NEW_PASSWORD = "a brand new passphrase"
Capture = pytest.CaptureFixture[str]


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(list(argv))


def run_as_dsl(
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    store: Path,
    *rest: str,
    secrets: str = DSL_PASSWORD + "\n",
) -> int:
    """``sgdesk COMMAND STORE [REST] --login <dsl> --password-stdin`` with ``secrets`` on stdin."""
    return run(
        monkeypatch,
        command,
        str(store),
        *rest,
        "--login",
        DSL_LOGIN,
        "--password-stdin",
        stdin=secrets,
    )


def keys_of(path: Path) -> Path:
    return path.with_name(path.name + ".keys")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def unlocks(path: Path, password: str, login: str = DSL_LOGIN) -> bool:
    try:
        close(reopen(path, login, password))
    except WrongPassword:
        return False
    return True


@pytest.fixture
def fresh_store(store_path: Path) -> Path:
    close(make_store(store_path)[0])
    return store_path


def init_args(path: Path, *extra: str) -> list[str]:
    return [
        "init",
        str(path),
        "--school",
        SCHOOL,
        "--name",
        "Jo Bloggs",
        "--login",
        DSL_LOGIN,
        "--password-stdin",
        *extra,
    ]


# -- --version, usage, the app ---------------------------------------------------------
def test_version(capsys: Capture) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sgdesk {__version__}"


def test_version_through_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sgdesk", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"sgdesk {__version__}"


def test_usage_error_is_one_line_and_exit_2(capsys: Capture) -> None:
    assert cli.main(["verify"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("sgdesk: ") and "PATH" in err


def test_no_command_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[bool] = []

    def fake_app_main(argv: list[str] | None = None, store_path: Path | None = None) -> int:
        opened.append(True)
        return 0

    fake = types.ModuleType("sgdesk.ui.app")
    fake.main = fake_app_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sgdesk.ui.app", fake)
    assert cli.main([]) == 0
    assert opened == [True]


# -- init ------------------------------------------------------------------------------
def test_init_writes_the_key_file_before_the_store_and_the_key_resets_a_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store_path: Path, capsys: Capture
) -> None:
    key_file = tmp_path / "recovery-key.txt"
    real_create = cli.create_store

    def create_after_key_is_kept(*args: object, **kwargs: object) -> object:
        assert key_file.exists() and not store_path.exists()
        return real_create(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "create_store", create_after_key_is_kept)
    assert (
        run(
            monkeypatch,
            *init_args(store_path, "--recovery-key-file", str(key_file)),
            stdin=DSL_PASSWORD + "\n",
        )
        == 0
    )
    out = capsys.readouterr().out
    key = key_file.read_text("ascii").strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key not in out and DSL_PASSWORD not in out  # the key went to the file only
    assert unlocks(store_path, DSL_PASSWORD)

    assert (
        run_as_dsl(
            monkeypatch, "passwd", store_path, "--recovery", secrets=f"{key}\n{NEW_PASSWORD}\n"
        )
        == 0
    )
    assert not unlocks(store_path, DSL_PASSWORD)
    assert unlocks(store_path, NEW_PASSWORD)


def test_init_writes_a_private_recovery_sheet(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store_path: Path
) -> None:
    sheet = tmp_path / "sheet.pdf"
    key_file = tmp_path / "key.txt"
    assert (
        run(
            monkeypatch,
            *init_args(
                store_path, "--recovery-sheet", str(sheet), "--recovery-key-file", str(key_file)
            ),
            stdin=DSL_PASSWORD + "\n",
        )
        == 0
    )
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    text = PdfReader(BytesIO(sheet.read_bytes())).pages[0].extract_text().replace("\n", "")
    assert key_file.read_text("ascii").strip() in text
    assert SCHOOL in text and store_path.name in text


def test_init_without_a_place_for_the_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, store_path: Path, capsys: Capture
) -> None:
    assert run(monkeypatch, *init_args(store_path), stdin=DSL_PASSWORD + "\n") == 2
    assert "--recovery-key-file" in capsys.readouterr().err
    assert not store_path.parent.exists()


def test_init_refuses_an_existing_store_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_store: Path, capsys: Capture
) -> None:
    before = snapshot(fresh_store.parent)
    key_file = tmp_path / "key.txt"
    status = run(
        monkeypatch,
        *init_args(fresh_store, "--recovery-key-file", str(key_file)),
        stdin=DSL_PASSWORD + "\n",
    )
    assert status == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already a store" in err
    assert snapshot(fresh_store.parent) == before
    assert not key_file.exists()


def test_init_never_overwrites_a_key_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store_path: Path, capsys: Capture
) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text("precious")
    assert (
        run(
            monkeypatch,
            *init_args(store_path, "--recovery-key-file", str(key_file)),
            stdin=DSL_PASSWORD + "\n",
        )
        == 1
    )
    assert "already exists" in capsys.readouterr().err
    assert key_file.read_text() == "precious"
    assert not store_path.exists()


def _interactive(monkeypatch: pytest.MonkeyPatch, typed: list[str], secrets: list[str]) -> None:
    """Answer ``input()`` and ``getpass()`` prompts in order, as a person would."""
    monkeypatch.setattr("builtins.input", lambda prompt="": typed.pop(0))
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": secrets.pop(0))


def test_init_interactive_shows_the_key_and_wants_its_last_group(
    monkeypatch: pytest.MonkeyPatch, store_path: Path, capsys: Capture
) -> None:
    shown: list[str] = []
    typed = [SCHOOL, "Jo Bloggs", DSL_LOGIN, "ZZZZ"]

    def answer(prompt: str = "") -> str:
        if "last group" in prompt and typed == ["ZZZZ"]:
            shown.append(capsys.readouterr().out)
            assert not store_path.exists()  # nothing is created before confirmation
        if "last group" in prompt and not typed:
            key = re.search(r"(?:[A-Z2-7]{4}-){12}([A-Z2-7]{4})", shown[0])
            assert key is not None
            return key.group(1).lower()  # any case will do
        return typed.pop(0)

    monkeypatch.setattr("builtins.input", answer)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": DSL_PASSWORD)
    assert cli.main(["init", str(store_path)]) == 0
    assert "Recovery key" in shown[0]
    assert "not the last group" in capsys.readouterr().out
    assert unlocks(store_path, DSL_PASSWORD)


def test_init_interactive_without_confirmation_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store_path: Path, capsys: Capture
) -> None:
    sheet = tmp_path / "sheet.pdf"
    _interactive(
        monkeypatch,
        [SCHOOL, "Jo Bloggs", DSL_LOGIN, "AAAA", "BBBB", "CCCC"],
        [DSL_PASSWORD, DSL_PASSWORD],
    )
    assert cli.main(["init", str(store_path), "--recovery-sheet", str(sheet)]) == 1
    assert "not confirmed" in capsys.readouterr().err
    assert not store_path.exists() and not keys_of(store_path).exists()
    assert not sheet.exists()  # no sheet left for a store that was never made


def test_init_interactive_mismatched_passwords(
    monkeypatch: pytest.MonkeyPatch, store_path: Path, capsys: Capture
) -> None:
    _interactive(monkeypatch, [SCHOOL, "Jo Bloggs", DSL_LOGIN], [DSL_PASSWORD, "something else"])
    assert cli.main(["init", str(store_path)]) == 1
    assert "do not match" in capsys.readouterr().err
    assert not store_path.exists()


def test_ctrl_c_is_cancelled(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Path, capsys: Capture
) -> None:
    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.getpass, "getpass", interrupted)
    assert cli.main(["verify", str(fresh_store), "--login", DSL_LOGIN]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == "sgdesk: cancelled"


# -- verify ----------------------------------------------------------------------------
def test_verify_passes_on_a_fresh_store(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Path, capsys: Capture
) -> None:
    assert run_as_dsl(monkeypatch, "verify", fresh_store, secrets=DSL_PASSWORD + "\n") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "PASS"
    assert any("audit chain" in line for line in lines)


def test_verify_fails_when_an_audit_row_is_edited_behind_the_apps_back(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Path, capsys: Capture
) -> None:
    raw_key, _ = open_password_slot(KeySlotFile.load(keys_of(fresh_store)), DSL_LOGIN, DSL_PASSWORD)
    conn = sqlcipher3.connect(str(fresh_store), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{raw_key.hex()}'\"")
    conn.execute("DROP TRIGGER audit_is_append_only_update")
    conn.execute("UPDATE audit SET action = 'nothing to see' WHERE seq = 1")
    conn.close()

    assert run_as_dsl(monkeypatch, "verify", fresh_store, secrets=DSL_PASSWORD + "\n") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "FAIL"
    assert any(line.startswith("FAIL") and "audit chain" in line for line in lines[:-1])


def test_verify_with_a_wrong_password(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Path, capsys: Capture
) -> None:
    before = snapshot(fresh_store.parent)
    assert run_as_dsl(monkeypatch, "verify", fresh_store, secrets="not the password\n") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "sgdesk: That user name and password do not match. Check Caps Lock and try again.\n"
    )
    assert snapshot(fresh_store.parent) == before


def test_verify_through_a_subprocess(fresh_store: Path, sgdesk_home: Path) -> None:
    env = {**os.environ, "SGDESK_HOME": str(sgdesk_home)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sgdesk",
            "verify",
            str(fresh_store),
            "--login",
            DSL_LOGIN,
            "--password-stdin",
        ],
        input=DSL_PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "PASS"
    log_text = (sgdesk_home / "logs" / "sgdesk.log").read_text("utf-8")
    assert "store unlocked" in log_text and DSL_PASSWORD not in log_text


# -- backup, passwd, demo --------------------------------------------------------------
def test_backup_then_verify_the_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_store: Path, capsys: Capture
) -> None:
    dest = tmp_path / "elsewhere" / "copy.sgdesk"
    dest.parent.mkdir()
    assert (
        run_as_dsl(monkeypatch, "backup", fresh_store, str(dest), secrets=DSL_PASSWORD + "\n") == 0
    )
    assert capsys.readouterr().out.strip() == str(dest)
    assert run_as_dsl(monkeypatch, "verify", dest, secrets=DSL_PASSWORD + "\n") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "PASS"


def test_passwd_changes_the_password(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Path, capsys: Capture
) -> None:
    assert (
        run_as_dsl(monkeypatch, "passwd", fresh_store, secrets=f"{DSL_PASSWORD}\n{NEW_PASSWORD}\n")
        == 0
    )
    captured = capsys.readouterr()
    assert NEW_PASSWORD not in captured.out + captured.err
    assert not unlocks(fresh_store, DSL_PASSWORD)
    assert unlocks(fresh_store, NEW_PASSWORD)


def test_passwd_with_a_mistyped_recovery_key(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Path, capsys: Capture
) -> None:
    assert (
        run_as_dsl(
            monkeypatch, "passwd", fresh_store, "--recovery", secrets=f"ABCD-EFGH\n{NEW_PASSWORD}\n"
        )
        == 1
    )
    assert capsys.readouterr().err.startswith("sgdesk: A recovery key is 52 letters")
    assert unlocks(fresh_store, DSL_PASSWORD)


def test_demo_store_opens_with_the_printed_sign_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Capture
) -> None:
    assert run(monkeypatch, "demo", str(tmp_path / "try-me")) == 0
    out = capsys.readouterr().out
    path = tmp_path / "try-me.sgdesk"
    assert str(path) in out
    login = out.split("Sign in as ")[1].split()[0]
    password = out.split("with the password ")[1].strip()
    assert password == DEMO_PASSWORD
    assert unlocks(path, password, login)


def test_demo_store_verifies_without_a_login(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Capture
) -> None:
    path = tmp_path / "demo.sgdesk"
    assert run(monkeypatch, "demo", str(path)) == 0
    assert (
        run(monkeypatch, "verify", str(path), "--password-stdin", stdin=DEMO_PASSWORD + "\n") == 0
    )
    assert capsys.readouterr().out.splitlines()[-1] == "PASS"


# -- not a store -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["missing", "text file"])
def test_not_a_store_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Capture, kind: str
) -> None:
    path = tmp_path / "notes.sgdesk"
    if kind == "text file":
        path.write_text("shopping list")
    assert run_as_dsl(monkeypatch, "verify", path, secrets=DSL_PASSWORD + "\n") == 1
    err = capsys.readouterr().err
    assert err.startswith("sgdesk: ") and err.count("\n") == 1
    assert "notes.sgdesk" in err
    if kind == "text file":
        assert path.read_text() == "shopping list"


# -- the launcher ---------------------------------------------------------------------
def test_the_launcher_opens_the_app_without_loading_the_command_line() -> None:
    """The `sgdesk` command with no arguments must not import the command line's
    modules (bundles, PDFs: ~0.6 s) before the unlock screen."""
    import subprocess

    code = ("import sys, types; from sgdesk import launcher; "
            "fake = types.ModuleType('sgdesk.ui.app'); "
            "fake.main = lambda exit_when_ready=False: print('app', exit_when_ready) or 0; "
            "sys.modules['sgdesk.ui.app'] = fake; "
            "status = launcher.main(['--exit-when-ready']); "
            "print(sorted(m for m in sys.modules if m.startswith('sgdesk.cli')), status)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["app True", "[] 0"]


def test_the_launcher_passes_anything_else_to_the_command_line(capsys: Capture) -> None:
    from sgdesk import launcher

    assert launcher.main(["verify"]) == 2
    assert "PATH" in capsys.readouterr().err
