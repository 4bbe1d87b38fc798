"""The reference store: ten school years of a 1,500-pupil secondary school
(7,500 pupils, 120,000 concerns at ``scale=1``), as a real encrypted store.

Rows go in through the repositories and the codec, so they have exactly the shape
the services write (main row, version rows, derived children and actions rows,
full-text index, one audit row per record), but in big transactions of a few
thousand rows each, which is what makes building 120,000 concerns take minutes
rather than hours. Reviewed concerns get a second version holding the review, as
:func:`sgdesk.services.concerns.record_review` would save it.

Stores are cached by scale under ``~/.cache/sgdesk-bench`` (or
``$SGDESK_BENCH_CACHE``) so reruns reuse them. One pupil has exactly
:data:`HEAVY_PUPIL_CONCERNS` concerns: the record the "open a pupil" figure opens.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sgdesk.models.concerns import (
    Action,
    ActionStatus,
    ChildRole,
    ConcernContent,
    InvolvedChild,
    Review,
)
from sgdesk.models.pupils import Pupil
from sgdesk.services.demo_people import BACKGROUNDS
from sgdesk.services.demo_scenarios import GROUP_SCENARIOS, PRONOUNS, REPORTERS, SCENARIOS
from sgdesk.services.session import LockedStore, Session
from sgdesk.services.store_creation import NewStoreDetails, create_store, new_recovery_key
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.pupils_repo import PupilRepository

FULL_PUPILS = 7_500
FULL_CONCERNS = 120_000
HEAVY_PUPIL_CONCERNS = 200
ON_ROLL = 1_500
YEARS = 10
BATCH = 2_000
LOGIN = "bench"
PASSWORD = "bench reference store"
#: Bump when the shape of what is built changes, so old caches are not reused.
FORMAT = 1
TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class ReferenceStore:
    path: Path
    scale: float
    pupils: int
    concerns: int
    heavy_pupil_id: str
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


def cache_dir() -> Path:
    return Path(os.environ.get("SGDESK_BENCH_CACHE",
                               Path.home() / ".cache" / "sgdesk-bench"))


def reference_store(scale: float, *, rebuild: bool = False) -> ReferenceStore:
    """The cached store for ``scale``, built first if missing, stale or ``rebuild``."""
    folder = cache_dir() / f"scale-{scale:g}"
    manifest = folder / "manifest.json"
    if not rebuild and manifest.exists():
        data = json.loads(manifest.read_text())
        if data.get("format") == FORMAT:
            return ReferenceStore(folder / data["store"], scale, data["pupils"],
                                  data["concerns"], data["heavy_pupil_id"],
                                  data["build_seconds"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    built = _build(folder / "reference.sgdesk", scale)
    seconds = time.perf_counter() - started
    manifest.write_text(json.dumps({
        "format": FORMAT, "store": built.path.name, "pupils": built.pupils,
        "concerns": built.concerns, "heavy_pupil_id": built.heavy_pupil_id,
        "build_seconds": round(seconds, 1),
    }))
    return ReferenceStore(built.path, scale, built.pupils, built.concerns,
                          built.heavy_pupil_id, round(seconds, 1))


@dataclass(frozen=True)
class _Enrolment:
    pupil: Pupil
    joined: date
    left: date


class _Builder:
    """Draws pupils and concerns from a seeded generator and writes them in batches."""

    def __init__(self, session: Session, scale: float) -> None:
        self.session = session
        self.rng = random.Random(20261123)
        self.pupil_count = max(int(FULL_PUPILS * scale), 50)
        self.concern_count = max(int(FULL_CONCERNS * scale), HEAVY_PUPIL_CONCERNS * 2)
        self.start = date(TODAY.year - YEARS, 9, 1)

    def enrolments(self) -> list[_Enrolment]:
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
            found.append(_Enrolment(pupil, joined, left))
        return found

    def concern(self, children: list[_Enrolment],
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
        review = Review(scenario.decision, text(scenario.reasons), "Bench DSL", "DSL",
                        day + timedelta(days=1), actions,
                        text(scenario.outcome) if closed else "", closed)
        return content, replace(content, review=review)

    def write(self) -> tuple[int, int, str]:
        enrolments = self.enrolments()
        db, actor = self.session.db, self.session.user.id
        pupils = PupilRepository(db)
        for batch in _batches(enrolments):
            with db.write(actor) as tx:
                for enrolment in batch:
                    pupils.add(tx, enrolment.pupil)
        heavy = enrolments[0]
        heavy = _Enrolment(heavy.pupil, self.start, TODAY)
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
        for batch in _batches(contents):
            ids = [str(uuid.uuid4()) for _ in batch]
            with db.write(actor) as tx:
                for concern_id, (logged, reviewed) in zip(ids, batch, strict=True):
                    repo.add(tx, concern_id, logged)
                    if reviewed is not None:
                        repo.amend(tx, concern_id, reviewed, "DSL review recorded", 1)
        return len(enrolments), len(contents), heavy.pupil.id


def _batches[T](items: list[T]) -> list[list[T]]:
    return [items[i:i + BATCH] for i in range(0, len(items), BATCH)]


@dataclass(frozen=True)
class _Built:
    path: Path
    pupils: int
    concerns: int
    heavy_pupil_id: str


def _build(path: Path, scale: float) -> _Built:
    details = NewStoreDetails("Reference Secondary (benchmark)", "Bench DSL", LOGIN, PASSWORD)
    session = create_store(path, details, new_recovery_key()[0]).session
    try:
        pupils, concerns, heavy = _Builder(session, scale).write()
    finally:
        session.lock()
        session.store.close()
    return _Built(path, pupils, concerns, heavy)
