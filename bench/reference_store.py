"""The reference store: ten school years of a 1,500-pupil secondary school
(7,500 pupils, 120,000 concerns, 8,000 body maps, 4,000 referrals at ``scale=1``),
as a real encrypted store.

Rows go in through the repositories and the codec, so they have exactly the shape
the services write (main row, version rows, derived rows, full-text index, one
audit row per record or version), but in big transactions (see
:mod:`bench.reference_common`). Reviewed concerns get a second version holding the
review, as :func:`sgdesk.services.concerns.record_review` would save it; body maps
and referrals are made by :mod:`bench.reference_body_maps` and
:mod:`bench.reference_referrals`. The store's key slot has the real Argon2id
parameters, calibrated on this machine when it was built.

Stores are cached by scale under ``~/.cache/sgdesk-bench`` (or
``$SGDESK_BENCH_CACHE``) so reruns reuse them. One pupil (the "heavy" one, with a
full register entry) has exactly :data:`HEAVY_PUPIL_CONCERNS` concerns, several
body maps and a few referrals: the record the benchmark opens and prints.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.reference_body_maps import add_body_maps
from bench.reference_common import (
    DSL_NAME,
    HEAVY_PUPIL_CONCERNS,
    LOGIN,
    PASSWORD,
    TODAY,
    Enrolment,
    FiledConcern,
    batches,
)
from bench.reference_referrals import add_referrals
from sgdesk.models.concerns import (
    Action,
    ActionStatus,
    ChildRole,
    ConcernContent,
    InvolvedChild,
    Review,
)
from sgdesk.models.pupils import Address, HouseholdMember, KeyAdult, Pupil
from sgdesk.services.demo_people import BACKGROUNDS
from sgdesk.services.demo_scenarios import (
    GROUP_SCENARIOS,
    PRONOUNS,
    REPORTERS,
    SCENARIOS,
    GroupScenario,
    Scenario,
)
from sgdesk.services.session import LockedStore, Session
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.pupils_repo import PupilRepository

FULL_PUPILS = 7_500
FULL_CONCERNS = 120_000
ON_ROLL = 1_500
YEARS = 10
#: Bump when the shape of what is built changes, so old caches are not reused.
FORMAT = 2


@dataclass(frozen=True)
class Counts:
    """What the store holds, and the records the benchmark opens: the heavy pupil,
    their latest referral, and another pupil to open in between."""

    pupils: int
    concerns: int
    body_maps: int
    referrals: int
    heavy_pupil_id: str
    heavy_referral_id: str
    other_pupil_id: str


@dataclass(frozen=True)
class ReferenceStore:
    path: Path
    scale: float
    counts: Counts
    build_seconds: float

    def unlock(self) -> Session:
        """Signed in; a copy made before a schema upgrade is dropped at once (the
        cache can always be rebuilt, and each copy is as big as the store)."""
        store = LockedStore(self.path)
        try:
            result = store.unlock(LOGIN, PASSWORD)
        except BaseException:
            store.close()
            raise
        if result.migration_backup is not None:
            for leftover in (result.migration_backup,
                             result.migration_backup.with_name(
                                 result.migration_backup.name + ".keys")):
                leftover.unlink(missing_ok=True)
        return result.session

    @property
    def size_bytes(self) -> int:
        """The database and its write-ahead log on disk."""
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def cache_dir() -> Path:
    return Path(os.environ.get("SGDESK_BENCH_CACHE",
                               Path.home() / ".cache" / "sgdesk-bench"))


def reference_store(scale: float, *, rebuild: bool = False) -> ReferenceStore:
    """The cached store for ``scale``, built first if missing, stale or ``rebuild``."""
    folder = cache_dir() / f"scale-{scale:g}"
    manifest = folder / "manifest.json"
    path = folder / "reference.sgdesk"
    if not rebuild and manifest.exists():
        data = json.loads(manifest.read_text())
        if data.get("format") == FORMAT:
            counts = Counts(**{f.name: data[f.name] for f in fields(Counts)})
            return ReferenceStore(path, scale, counts, data["build_seconds"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    counts = _build(path, scale)
    seconds = round(time.perf_counter() - started, 1)
    manifest.write_text(json.dumps({"format": FORMAT, **asdict(counts),
                                    "build_seconds": seconds}))
    return ReferenceStore(path, scale, counts, seconds)


class _Builder:
    """Draws pupils and concerns from a seeded generator and writes them in batches,
    then the body maps and referrals made from them."""

    def __init__(self, session: Session, scale: float) -> None:
        self.session = session
        self.scale = scale
        self.rng = random.Random(20261123)
        self.pupil_count = max(int(FULL_PUPILS * scale), 50)
        self.concern_count = max(int(FULL_CONCERNS * scale), HEAVY_PUPIL_CONCERNS * 2)
        self.start = date(TODAY.year - YEARS, 9, 1)

    def enrolments(self) -> list[Enrolment]:
        """Pupils spread over ten years of intake; a fifth are on roll now."""
        rng = self.rng
        on_roll = max(self.pupil_count * ON_ROLL // FULL_PUPILS, 10)
        found = []
        for n in range(self.pupil_count):
            background = rng.choices(BACKGROUNDS, [b.weight for b in BACKGROUNDS])[0]
            girl = rng.random() < 0.5
            forename = rng.choice(background.girls if girl else background.boys)
            if n < on_roll:
                joined = TODAY - timedelta(days=rng.randrange(0, 5 * 365))
                left = TODAY
            else:
                joined = self.start + timedelta(days=rng.randrange(0, (YEARS - 5) * 365))
                left = joined + timedelta(days=rng.randrange(200, 5 * 365))
            year = min(11, 7 + (TODAY - joined).days // 365)
            pupil = Pupil(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                legal_forename=forename, legal_surname=rng.choice(background.surnames),
                date_of_birth=joined - timedelta(days=11 * 365 + rng.randrange(365)),
                gender="Female" if girl else "Male", ethnicity=background.ethnicity,
                year_group=str(year), form=f"{year}{rng.choice('LAKR')}",
                date_left=None if left == TODAY else left,
                destination_school="" if left == TODAY else "Moorside High School",
            )
            found.append(Enrolment(pupil, joined, left))
        return found

    def concern(self, children: list[Enrolment],
                role_names: bool) -> tuple[ConcernContent, ConcernContent | None]:
        """A concern as first logged, and as reviewed (None while awaiting review)."""
        rng = self.rng
        joined = max(c.joined for c in children)
        left = min(c.left for c in children)
        span = max((left - joined).days, 1)
        day = joined + timedelta(days=rng.randrange(span))
        happened = datetime(day.year, day.month, day.day, rng.randrange(8, 16),
                            rng.randrange(0, 60, 5), tzinfo=UTC)
        noticed = happened + timedelta(minutes=rng.randrange(0, 90, 5))
        first = children[0].pupil
        words = {**PRONOUNS[first.gender], "name": first.legal_forename,
                 **{k: f"{c.pupil.legal_forename[0]}{c.pupil.legal_surname[0]}"
                    for k, c in zip("VPW", children, strict=False)}}
        scenario: Scenario | GroupScenario
        roles: tuple[ChildRole, ...]
        if role_names:
            scenario = rng.choice(GROUP_SCENARIOS)
            roles = (ChildRole.VICTIM, ChildRole.ALLEGED_PERPETRATOR, ChildRole.WITNESS)
            questions = ""
        else:
            single = rng.choice(SCENARIOS)
            scenario, roles, questions = single, (ChildRole.SUBJECT,), single.questions
        reporter = rng.choice(REPORTERS)

        def text(template: str) -> str:
            return template.format(**words) if template else ""

        content = ConcernContent(
            reporter[0], reporter[1], happened, noticed, scenario.location,
            tuple(InvolvedChild(c.pupil.id, roles[min(i, len(roles) - 1)])
                  for i, c in enumerate(children)),
            scenario.categories, scenario.tags, text(scenario.facts),
            text(scenario.child_words), text(questions), text(scenario.others),
            text(scenario.others_source), text(scenario.opinion), text(scenario.immediate),
        )
        age = (TODAY - day).days
        if age < 14:
            return content, None
        closed = day + timedelta(days=30) if age > 60 else None
        actions = tuple(
            Action(text(a), "Sam Okafor (DSL)", day + timedelta(days=7),
                   ActionStatus.DONE if closed else ActionStatus.OPEN)
            for a in scenario.actions)
        review = Review(scenario.decision, text(scenario.reasons), DSL_NAME, "DSL",
                        day + timedelta(days=1), actions,
                        text(scenario.outcome) if closed else "", closed)
        return content, replace(content, review=review)

    def write(self) -> Counts:
        enrolments = self.enrolments()
        heavy = Enrolment(_full_register_entry(enrolments[0].pupil), self.start, TODAY)
        enrolments[0] = heavy
        db, actor = self.session.db, self.session.user.id
        pupils = PupilRepository(db)
        for register in batches(enrolments):
            with db.write(actor) as tx:
                for enrolment in register:
                    pupils.add(tx, enrolment.pupil)
        on_roll = [e for e in enrolments if e.left == TODAY]
        contents = [self.concern([heavy], False) for _ in range(HEAVY_PUPIL_CONCERNS)]
        others = enrolments[1:]
        while len(contents) < self.concern_count:
            if self.rng.random() < 0.1:
                pool = on_roll[1:] if len(on_roll) > 4 else others
                contents.append(self.concern(self.rng.sample(pool, 3), True))
            else:
                contents.append(self.concern([self.rng.choice(others)], False))
        self.rng.shuffle(contents)
        repo = ConcernRepository(db)
        filed: dict[str, list[FiledConcern]] = defaultdict(list)
        for batch in batches(contents):
            with db.write(actor) as tx:
                for logged, reviewed in batch:
                    concern_id = str(uuid.uuid4())
                    repo.add(tx, concern_id, logged)
                    if reviewed is not None:
                        repo.amend(tx, concern_id, reviewed, "DSL review recorded", 1)
                    if len(logged.children) == 1:
                        filed[logged.children[0].pupil_id].append(
                            FiledConcern(concern_id, logged, reviewed))
        _progress(f"{len(enrolments):,} pupils and {len(contents):,} concerns")
        body_maps = add_body_maps(db, actor, self.rng, self.scale, heavy, others, filed)
        _progress(f"{body_maps:,} body maps")
        referrals, heavy_referral = add_referrals(
            self.session, self.rng, self.scale, heavy,
            {e.pupil.id: e for e in enrolments}, filed)
        _progress(f"{referrals:,} referrals")
        return Counts(len(enrolments), len(contents), body_maps, referrals, heavy.pupil.id,
                      heavy_referral, enrolments[1].pupil.id)


def _progress(written: str) -> None:
    """A line on stderr as each part of a build of several minutes is written."""
    print(f"  written: {written} ({time.strftime('%H:%M:%S')})", file=sys.stderr,
          flush=True)


def _full_register_entry(pupil: Pupil) -> Pupil:
    """The heavy pupil's register entry with what a referral asks for (address, GP,
    who holds parental responsibility, key adults), so their referral prints whole."""
    surname = pupil.legal_surname
    return replace(
        pupil, addresses=(Address("14 Alder Row, Larkfield LF3 2QT", date(2019, 6, 1)),),
        gp="Larkfield Health Centre, Dr Osei", upn="A123456789012",
        household=(HouseholdMember(f"Dana {surname}", "Mother", date(1986, 4, 2),
                                   parental_responsibility=True),
                   HouseholdMember(f"Kai {surname}", "Brother", date(2016, 9, 9)),
                   HouseholdMember("Lee Marsh", "Mother's partner", regular_visitor=True,
                                   lives_with_child=False)),
        key_adults=(KeyAdult(f"Joan {surname}", "Grandmother", "07700 900123"),),
        key_adults_known=True)


def _build(path: Path, scale: float) -> Counts:
    details = NewStoreDetails("Reference Secondary (benchmark)", DSL_NAME, LOGIN, PASSWORD)
    session = create_store(path, details, new_recovery_key()[0]).session
    try:
        return _Builder(session, scale).write()
    finally:
        session.lock()
        session.store.close()
