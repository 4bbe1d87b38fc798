"""``sgdesk``: no arguments opens the app; subcommands do admin work headless.

Every failure is one line on stderr, ``sgdesk: <message>``, and a non-zero exit:
1 when the work failed, 2 when the command line itself was wrong. The messages
are the typed errors' own words (:mod:`sgdesk.models.errors`). Secrets are read
with ``getpass`` (or, with ``--password-stdin``, one per line from stdin) and
never printed; the one exception is the recovery key, shown once by ``init``.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn, TextIO

from sgdesk import __version__
from sgdesk.cli_bundles import open_handover
from sgdesk.models.errors import InvalidInput, SgdeskError, WriteFailed
from sgdesk.models.recovery_key import last_group, parse_recovery_key
from sgdesk.services import maintenance, users
from sgdesk.services.app_logging import configure_logging, describe_exception_safely
from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD, create_demo_store
from sgdesk.services.handover_import import create_store_from_handover
from sgdesk.services.locations import AppLocations
from sgdesk.services.pdf.recovery_sheet import render_recovery_sheet
from sgdesk.services.session import LockedStore, Session
from sgdesk.services.store_creation import (
    NewStoreDetails,
    create_store,
    new_recovery_key,
    new_store_path,
)

log = logging.getLogger(__name__)

EXIT_FAILED = 1
EXIT_USAGE = 2
_CONFIRM_ATTEMPTS = 3


class UsageError(Exception):
    """The command line is wrong (exit 2), as opposed to the work failing (exit 1)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and no ``SystemExit`` mid-test."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


# -- reading answers -----------------------------------------------------------------
class Answers:
    """Where answers come from: the terminal, or stdin one line per secret.

    With ``--password-stdin`` nothing is asked: every non-secret value must be an
    option, and each secret is one line of stdin (a new password once, not twice).
    """

    def __init__(self, from_stdin: bool, stdin: TextIO) -> None:
        self.from_stdin = from_stdin
        self._stdin = stdin

    def text(self, prompt: str, given: str | None, option: str) -> str:
        if given:
            return given
        if self.from_stdin:
            raise UsageError(f"{option} is required with --password-stdin")
        return input(prompt)

    def secret(self, prompt: str) -> str:
        if not self.from_stdin:
            return getpass.getpass(prompt)
        line = self._stdin.readline()
        if not line:
            raise UsageError(
                f"standard input ended before the {prompt.rstrip(': ').lower()} was given"
            )
        return line.rstrip("\r\n")

    def new_secret(self, prompt: str) -> str:
        """A new password: asked twice at a terminal, so a typo cannot lock anyone out."""
        first = self.secret(prompt)
        if not self.from_stdin and getpass.getpass("Type it again: ") != first:
            raise InvalidInput(
                "The two passwords do not match. Nothing was changed.", field="password"
            )
        return first


# -- the command line ----------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sgdesk",
        description="sgdesk: an offline, encrypted safeguarding records workbench. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"sgdesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser(
        "init",
        help="create a new store",
        description="Create a new store and its first user, the DSL. The recovery key is "
        "shown once; interactively you confirm it by typing its last group. With "
        "--password-stdin, stdin gives the new password (one line) and --school, --name, "
        "--login and at least one of --recovery-sheet / --recovery-key-file are required: "
        "they are written before the store is created.",
    )
    init.add_argument("path", type=Path, metavar="PATH", help="the store file to create")
    init.add_argument("--school", help="the school's name")
    init.add_argument("--name", help="your name, as colleagues know you")
    init.add_argument("--login", help="your user name")
    init.add_argument(
        "--recovery-sheet",
        type=Path,
        metavar="FILE.pdf",
        help="also write the printable recovery sheet here (never overwritten)",
    )
    init.add_argument(
        "--recovery-key-file",
        type=Path,
        metavar="FILE",
        help="also write the recovery key here, readable only by you",
    )
    init.add_argument(
        "--from-handover",
        type=Path,
        metavar="BUNDLE",
        help="set the store up from a handover bundle (the school's name comes from it); "
        "its passphrase is asked first (the first stdin line), unless --identity is given",
    )
    init.add_argument("--identity", type=Path, metavar="KEYFILE",
                      help="an age identity file (age-keygen) that opens the handover")
    _password_stdin(init, "the new password")
    init.set_defaults(run=_init)

    verify = commands.add_parser(
        "verify",
        help="check a store's encryption, schema and audit chain",
        description="Unlock the store and check every page's authentication, the schema "
        "version and the audit chain. The last line is PASS or FAIL (exit 1). "
        "With --password-stdin, stdin gives the password.",
    )
    _store_and_login(verify)
    _password_stdin(verify, "the password")
    verify.set_defaults(run=_verify)

    backup = commands.add_parser(
        "backup",
        help="write an encrypted copy of a store",
        description="Write an encrypted copy of the store and its key file to DEST; the "
        "same passwords and recovery key open it. With --password-stdin, stdin gives "
        "the password.",
    )
    _store_and_login(backup)
    backup.add_argument("dest", type=Path, metavar="DEST", help="the copy's file name")
    _password_stdin(backup, "the password")
    backup.set_defaults(run=_backup)

    passwd = commands.add_parser(
        "passwd",
        help="change your password, or reset one with the recovery key",
        description="Change your own password (current, then new), or with --recovery "
        "set a new password for --login using the store's recovery key. With "
        "--password-stdin, stdin gives: current password, then new password; or with "
        "--recovery: recovery key, then new password.",
    )
    _store_and_login(passwd)
    passwd.add_argument(
        "--recovery",
        action="store_true",
        help="you have forgotten the password: use the recovery key",
    )
    _password_stdin(passwd, "the secrets")
    passwd.set_defaults(run=_passwd)

    demo = commands.add_parser(
        "demo",
        help="create a demo store of fictional pupils",
        description="Create a demo store (made-up school, made-up people) and print its "
        "sign-in. Never put real records in a demo store.",
    )
    demo.add_argument("path", type=Path, metavar="PATH", help="the store file to create")
    demo.set_defaults(run=_demo)

    from sgdesk.cli_bundles import add_bundle_commands

    add_bundle_commands(commands, _store_and_login, _password_stdin)
    return parser


def _store_and_login(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="PATH", help="the store file")
    parser.add_argument("--login", help="your user name (asked if not given)")


def _password_stdin(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read {what} from stdin, one per line, instead of asking",
    )


def main(argv: list[str] | None = None) -> int:
    """The ``sgdesk`` console script. Returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    _start_logging()
    if args.command is None:
        from sgdesk.ui.app import main as run_app

        return run_app()
    run: Callable[[argparse.Namespace, Answers], int] = args.run
    answers = Answers(getattr(args, "password_stdin", False), sys.stdin)
    try:
        return run(args, answers)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except SgdeskError as exc:
        log.info("%s failed: %s", args.command, type(exc).__name__)
        return _fail(str(exc))
    except (KeyboardInterrupt, EOFError):
        print(file=sys.stderr)
        return _fail("cancelled")
    except Exception as exc:
        log.error(
            "%s crashed: %s", args.command, describe_exception_safely(type(exc), exc.__traceback__)
        )
        return _fail(
            f"unexpected error ({type(exc).__name__}); the log in "
            f"{AppLocations.default().log_dir} says where"
        )


def _fail(message: str, status: int = EXIT_FAILED) -> int:
    print(f"sgdesk: {' '.join(message.split())}", file=sys.stderr)
    return status


def _start_logging() -> None:
    with suppress(OSError):  # a log that cannot be written must not stop the work
        configure_logging(AppLocations.default().log_dir)


# -- commands ------------------------------------------------------------------------
def _init(args: argparse.Namespace, answers: Answers) -> int:
    if answers.from_stdin and not (args.recovery_sheet or args.recovery_key_file):
        raise UsageError(
            "--password-stdin needs --recovery-sheet or --recovery-key-file, "
            "so the recovery key is kept somewhere"
        )
    path = new_store_path(args.path)
    for wanted in (args.recovery_key_file, args.recovery_sheet):
        if wanted is not None:
            _refuse_existing(wanted)
    handover = (open_handover(args.from_handover, args.identity, answers)
                if args.from_handover else None)
    school = (handover.manifest.school if handover
              else answers.text("School name: ", args.school, "--school"))
    name = answers.text("Your name: ", args.name, "--name")
    login = answers.text("Your user name: ", args.login, "--login")
    details = NewStoreDetails(school, name, login, answers.new_secret("New password: "))
    details = details.validated()  # before the key is shown: no key for a store never made
    raw, key = new_recovery_key()
    written: list[Path] = []
    try:
        if args.recovery_key_file:
            write_new_private_file(args.recovery_key_file, (key + "\n").encode("ascii"))
            written.append(args.recovery_key_file)
            print(f"Recovery key written to {args.recovery_key_file}")
        if args.recovery_sheet:
            sheet = render_recovery_sheet(details.school_name, path.name, key, details.display_name)
            write_new_private_file(args.recovery_sheet, sheet)
            written.append(args.recovery_sheet)
            print(
                f"Recovery sheet written to {args.recovery_sheet}: print it, then delete the file"
            )
        if not answers.from_stdin:
            _confirm_recovery_key(key)
        session = (create_store_from_handover(path, handover, details, raw) if handover
                   else create_store(path, details, raw)).session
    except BaseException:
        for orphan in written:  # a key to a store that was never made only confuses
            orphan.unlink(missing_ok=True)
        raise
    session.lock()
    session.store.close()
    print(f"Created {path}. Sign in as {details.login}.")
    return 0


def _confirm_recovery_key(key: str) -> None:
    print("\nRecovery key (shown only now; it opens the store if every password is forgotten):\n")
    print(f"    {key}\n")
    print("Write it down exactly as shown and keep it in the school safe.")
    expected = last_group(key)
    for _ in range(_CONFIRM_ATTEMPTS):
        typed = input("To confirm you have it, type its last group: ")
        if typed.strip().upper() == expected:
            return
        print("That is not the last group of the key.")
    raise InvalidInput(
        "The recovery key was not confirmed, so no store was created.", field="recovery_key"
    )


def _verify(args: argparse.Namespace, answers: Answers) -> int:
    with _signed_in(args, answers) as (session, _):
        report = maintenance.verify_store(session)
    for line in report.lines():
        print(line)
    print("PASS" if report.ok else "FAIL")
    return 0 if report.ok else EXIT_FAILED


def _backup(args: argparse.Namespace, answers: Answers) -> int:
    with _signed_in(args, answers) as (session, _):
        written = maintenance.backup_store(session, args.dest)
    print(written)
    return 0


def _passwd(args: argparse.Namespace, answers: Answers) -> int:
    if args.recovery:
        return _reset_with_recovery(args, answers)
    with _signed_in(args, answers, prompt="Current password: ") as (session, current):
        users.change_password(session, current, answers.new_secret("New password: "))
    print("Password changed.")
    return 0


def _reset_with_recovery(args: argparse.Namespace, answers: Answers) -> int:
    store = LockedStore(args.path)
    try:
        key = answers.secret("Recovery key: ")
        parse_recovery_key(key)  # a typo is reported before a new password is asked for
        login = answers.text("User name to reset: ", args.login, "--login")
        result = store.reset_password_with_recovery(
            key, login, answers.new_secret("New password: ")
        )
        result.session.lock()
    finally:
        store.close()
    print(f"Password for {login} reset. Sign in with the new password.")
    return 0


def _demo(args: argparse.Namespace, _answers: Answers) -> int:
    path = create_demo_store(args.path)
    print(f"Demo store created at {path}.")
    print(f"Sign in as {DEMO_DSL_LOGIN} with the password {DEMO_PASSWORD}")
    return 0


# -- helpers -------------------------------------------------------------------------
@contextmanager
def _signed_in(
    args: argparse.Namespace, answers: Answers, prompt: str = "Password: "
) -> Iterator[tuple[Session, str]]:
    """Claim and unlock the store for one command, giving the session and the password
    it was opened with; lock and release the store afterwards."""
    store = LockedStore(args.path)
    try:
        login = args.login or (store.demo.login if store.demo else None)
        login = answers.text("User name: ", login, "--login")
        password = answers.secret(prompt)
        result = store.unlock(login, password)
        if result.migration_backup is not None:
            print(
                f"The store was upgraded; the old version is kept at {result.migration_backup}",
                file=sys.stderr,
            )
        try:
            yield result.session, password
        finally:
            result.session.lock()
    finally:
        store.close()


def write_new_private_file(path: Path, data: bytes) -> None:
    """Write a new file only its owner can read, whole or not at all, never over an
    existing one: a temporary sibling is filled, then hard-linked into place (the
    link fails if the name is taken). Where hard links are impossible (FAT memory
    sticks) it is renamed into place after a last check."""
    _refuse_existing(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except OSError:  # the name was taken meanwhile, or no hard links here
            _refuse_existing(path)
            os.replace(tmp, path)
    except OSError as exc:
        raise WriteFailed(f"Could not write {path}: {exc.strerror or exc}.") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise InvalidInput(f"{path} already exists. Nothing was written; choose another name.")
