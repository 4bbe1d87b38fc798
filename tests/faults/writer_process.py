"""A headless writer for the fault tests, and how to hold it to its word.

Run as ``python -m tests.faults.writer_process STORE LOGIN PASSWORD SEED
[MAX_FILE_BYTES]`` from the project's root (:func:`writer_command`). It unlocks
a real store and writes to it through the services, forever, until it is
killed or a write fails. After each service call *returns* (the write reported
success) it prints one line, ``ok <kind> <id> <version>`` (version 0 for a
pupil), and flushes: that line is the promise the harness checks after a
SIGKILL (:func:`acks_in`, :func:`missing_writes`). ``ready`` is printed once
the store is unlocked. A write that fails ends the process with exit status 1
and a last line ``failed <Error>: <message>``. With ``MAX_FILE_BYTES`` no file
may grow past that size (``RLIMIT_FSIZE``): a full disk without a small
filesystem.

The text each version carries is :func:`note`, so an acknowledged version is
checked for what was written, not only for being there. Every name is made up.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sgdesk.models.body_maps import BodyView, MarkType
from sgdesk.models.chronology import ChronologyEvent, EventKind
from sgdesk.models.concerns import ChildRole, InvolvedChild
from sgdesk.models.errors import SgdeskError
from sgdesk.models.referrals import ReferralKind
from sgdesk.services import body_maps, chronology, concerns, pupils, referrals
from sgdesk.services.session import LockedStore, Session
from tests.body_map_helpers import map_of, mark_at
from tests.helpers import WHEN, add_pupil, concern_content

ROOT = Path(__file__).resolve().parents[2]
FORENAMES = ("Ada", "Bryn", "Cleo", "Dex", "Esme", "Finn", "Gwen", "Hal")
SURNAME = "Drillworth"
#: How often SQLite folds the WAL back into the database, in pages. The app
#: keeps SQLite's 1,000; a short run would then never checkpoint, and the
#: kills must land in checkpoints too.
WAL_AUTOCHECKPOINT_PAGES = 16


def note(version: int) -> str:
    """The text version ``version`` of a record carries (a referral's first version,
    made by starting it, carries none)."""
    return f"Fault drill entry, version {version}"


def reason(version: int) -> str:
    return f"Fault drill correction to version {version}"


Ack = tuple[str, str, int]


def writer_command(store: Path, login: str, password: str, seed: int,
                   max_file_bytes: int | None = None) -> list[str]:
    """The command line that starts a writer (run it with ``cwd=ROOT``)."""
    limit = [] if max_file_bytes is None else [str(max_file_bytes)]
    return [sys.executable, "-m", "tests.faults.writer_process", str(store), login, password,
            str(seed), *limit]


def writer_env() -> dict[str, str]:
    """This process's environment (``SGDESK_HOME`` included), able to import the tests."""
    return os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def acks_in(lines: Iterable[str]) -> list[Ack]:
    """The writes acknowledged in the writer's output. A line is a promise only
    once its newline arrived."""
    acks = []
    for line in lines:
        if line.startswith("ok ") and line.endswith("\n"):
            _, kind, record_id, version = line.split()
            acks.append((kind, record_id, int(version)))
    return acks


def missing_writes(session: Session, acks: Sequence[Ack]) -> list[str]:
    """Every acknowledged write the store does not hold as it was written."""
    versions: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, record_id, version in acks:
        versions[(kind, record_id)].add(version)
    problems = []
    for (kind, record_id), wanted in versions.items():
        try:
            held = texts_of(session, kind, record_id)
        except Exception as exc:  # any failure to read it back is a lost write
            problems.append(f"{kind} {record_id}: {type(exc).__name__}: {exc}")
            continue
        problems += [f"{kind} {record_id} version {v}: {held.get(v)!r}"
                     for v in sorted(wanted) if held.get(v) != expected_text(kind, v)]
    return problems


def texts_of(session: Session, kind: str, record_id: str) -> dict[int, str]:
    """What the store holds of one record the writer made, by version: the text of
    each version (for a pupil, version 0: the surname). Raises if it is missing."""
    if kind == "pupil":
        return {0: pupils.get_pupil(session, record_id).pupil.legal_surname}
    if kind == "concern":
        return {v.number: v.content.facts
                for v in concerns.get_concern(session, record_id).versions}
    if kind == "body_map":
        return {v.number: v.content.notes
                for v in body_maps.get_body_map(session, record_id).versions}
    if kind == "referral":
        return {v.number: v.content.reason
                for v in referrals.get_referral(session, record_id).versions}
    if kind == "event":
        return {v.number: v.content.event
                for v in chronology.get_event(session, record_id).versions}
    raise ValueError(f"unknown kind {kind}")


def expected_text(kind: str, version: int) -> str:
    """What :func:`texts_of` must find for an acknowledged version."""
    if kind == "pupil":
        return SURNAME
    if kind == "referral" and version == 1:
        return ""
    return note(version)


class Writer:
    """Chooses the next write from a seeded generator and remembers what it made
    (id and current version), so it can amend its own records."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.pupil_ids = [p.id for p in pupils.list_pupils(session)]
        self.made: dict[str, dict[str, int]] = {
            "concern": {}, "body_map": {}, "referral": {}, "event": {}}
        self.writes: list[tuple[int, Callable[[], tuple[str, str, int]]]] = [
            (1, self.add_pupil), (4, self.log_concern), (3, self.amend_concern),
            (2, self.add_body_map), (1, self.amend_body_map), (1, self.start_referral),
            (2, self.draft_referral), (2, self.add_event), (1, self.amend_event),
        ]

    def run(self) -> None:
        if not self.pupil_ids:
            self.ack(*self.add_pupil())
        weights = [w for w, _ in self.writes]
        while True:
            write = self.rng.choices([f for _, f in self.writes], weights)[0]
            self.ack(*write())

    def ack(self, kind: str, record_id: str, version: int) -> None:
        if kind in self.made:
            self.made[kind][record_id] = version
        print(f"ok {kind} {record_id} {version}", flush=True)

    def pupil(self) -> str:
        return self.rng.choice(self.pupil_ids)

    def amendable(self, kind: str) -> tuple[str, int] | None:
        made = self.made[kind]
        if not made:
            return None
        record_id = self.rng.choice(sorted(made))
        return record_id, made[record_id]

    # -- the writes: each returns (kind, id, version) once the service returned --------
    def add_pupil(self) -> tuple[str, str, int]:
        pupil = add_pupil(self.session, self.rng.choice(FORENAMES), SURNAME)
        self.pupil_ids.append(pupil.id)
        return "pupil", pupil.id, 0

    def log_concern(self) -> tuple[str, str, int]:
        child = InvolvedChild(self.pupil(), ChildRole.SUBJECT)
        return "concern", concerns.log_concern(
            self.session, concern_content(child, facts=note(1))), 1

    def amend_concern(self) -> tuple[str, str, int]:
        target = self.amendable("concern")
        if target is None:
            return self.log_concern()
        concern_id, version = target
        current = concerns.get_concern(self.session, concern_id).current
        return "concern", concern_id, concerns.amend_concern(
            self.session, concern_id, replace(current, facts=note(version + 1)),
            reason(version), version)

    def add_body_map(self) -> tuple[str, str, int]:
        marks = [mark_at(BodyView.FRONT, "left forearm, inner"),
                 mark_at(BodyView.BACK, "right calf", MarkType.SCRATCH)]
        content = map_of(self.pupil(), *marks[:self.rng.randint(1, 2)], notes=note(1),
                         completed_at=WHEN + timedelta(minutes=self.rng.randint(0, 600)))
        return "body_map", body_maps.add_body_map(self.session, content), 1

    def amend_body_map(self) -> tuple[str, str, int]:
        target = self.amendable("body_map")
        if target is None:
            return self.add_body_map()
        map_id, version = target
        current = body_maps.get_body_map(self.session, map_id).current
        return "body_map", map_id, body_maps.amend_body_map(
            self.session, map_id, replace(current, notes=note(version + 1)), reason(version),
            version)

    def start_referral(self) -> tuple[str, str, int]:
        return "referral", referrals.start_referral(
            self.session, ReferralKind.EARLY_HELP, pupil_id=self.pupil()), 1

    def draft_referral(self) -> tuple[str, str, int]:
        target = self.amendable("referral")
        if target is None:
            return self.start_referral()
        referral_id, version = target
        current = referrals.get_referral(self.session, referral_id).content
        return "referral", referral_id, referrals.save_draft(
            self.session, referral_id, replace(current, reason=note(version + 1)), version)

    def add_event(self) -> tuple[str, str, int]:
        event = ChronologyEvent.of_kind(EventKind.ATTENDANCE_DROP, WHEN.date(), note(1),
                                        pupil_id=self.pupil())
        return "event", chronology.add_event(self.session, event), 1

    def amend_event(self) -> tuple[str, str, int]:
        target = self.amendable("event")
        if target is None:
            return self.add_event()
        event_id, version = target
        current = chronology.get_event(self.session, event_id).current
        return "event", event_id, chronology.amend_event(
            self.session, event_id, replace(current, event=note(version + 1)),
            reason(version), version)


def main(argv: list[str]) -> int:
    path, login, password, seed, *limit = argv
    if limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit[0]), int(limit[0])))
    store = LockedStore(Path(path))
    session = store.unlock(login, password).session
    session.db.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
    print("ready", flush=True)
    try:
        Writer(session, random.Random(int(seed))).run()
    except SgdeskError as exc:
        print(f"failed {type(exc).__name__}: {' '.join(str(exc).split())}", flush=True)
        return 1
    return 0  # pragma: no cover - the loop ends only by a kill or a failure


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
