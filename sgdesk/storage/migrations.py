"""Numbered schema migrations, run at unlock, each in its own audited transaction.

The schema version lives in ``PRAGMA user_version``. Before any migration runs on
an existing store, an encrypted copy of it (with its key file) is written beside
it, so a failed or regretted upgrade can always be undone by hand.

To change the schema: append a :class:`Migration` with the next number. Never
edit one that has shipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sgdesk.models.audit import GENESIS_HASH
from sgdesk.models.concerns import DEFAULT_CATEGORIES
from sgdesk.models.errors import StoreTooNew
from sgdesk.storage.backup import write_backup
from sgdesk.storage.database import Database
from sgdesk.storage.store_files import StoreFiles

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_VERSION_TABLE = """CREATE TABLE {name}_versions (
    {name}_id TEXT NOT NULL REFERENCES {name}s (id),
    number INTEGER NOT NULL,
    body TEXT NOT NULL,
    saved_by TEXT NOT NULL REFERENCES users (id),
    saved_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY ({name}_id, number)
) STRICT"""


def _seed_labels(kind: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        "INSERT INTO concern_labels (kind, name, position) VALUES "
        f"('{kind}', '{name.replace(chr(39), chr(39) * 2)}', {position})"
        for position, name in enumerate(names, start=1)
    )


def _append_only(table: str) -> tuple[str, str]:
    """Triggers that keep a version table append-only: history is never rewritten."""
    return (
        f"""CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'saved versions are never changed'); END""",
        f"""CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'saved versions are never deleted'); END""",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "store identity, users and the audit chain",
        (
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
            """CREATE TABLE users (
                id TEXT PRIMARY KEY,
                login TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('dsl', 'deputy_dsl', 'sendco', 'auditor')),
                created_at TEXT NOT NULL,
                removed_at TEXT
            ) STRICT""",
            """CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                action TEXT NOT NULL,
                table_name TEXT NOT NULL,
                row_id TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            ) STRICT""",
            """CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL
            ) STRICT""",
            f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')",
            """CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
               BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END""",
            """CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
               BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END""",
        ),
    ),
    Migration(
        2,
        "settings, and unsaved form text kept encrypted across a lock",
        (
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
            """CREATE TABLE drafts (
                user_id TEXT NOT NULL REFERENCES users (id),
                kind TEXT NOT NULL,
                ref TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL,
                saved_at TEXT NOT NULL,
                PRIMARY KEY (user_id, kind, ref)
            ) STRICT""",
        ),
    ),
    Migration(
        3,
        "pupils, families, concerns with their versions, categories, full-text search",
        (
            """CREATE TABLE families (
                id TEXT PRIMARY KEY,
                label TEXT NOT NULL,
                created_at TEXT NOT NULL
            ) STRICT""",
            """CREATE TABLE pupils (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                family_id TEXT REFERENCES families (id),
                sort_name TEXT NOT NULL,
                year_group TEXT NOT NULL DEFAULT '',
                send_status TEXT NOT NULL,
                upn TEXT NOT NULL DEFAULT '',
                date_of_birth TEXT,
                date_left TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX pupils_by_name ON pupils (sort_name)",
            "CREATE INDEX pupils_by_family ON pupils (family_id)",
            "CREATE INDEX pupils_by_upn ON pupils (upn) WHERE upn != ''",
            _VERSION_TABLE.format(name="pupil"),
            *_append_only("pupil_versions"),
            """CREATE TABLE concerns (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                happened_at TEXT NOT NULL,
                logged_at TEXT NOT NULL,
                logged_by TEXT NOT NULL REFERENCES users (id),
                status TEXT NOT NULL CHECK (status IN ('awaiting_review', 'open', 'closed')),
                decision TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX concerns_by_status ON concerns (status, happened_at)",
            "CREATE INDEX concerns_by_logged ON concerns (logged_at)",
            _VERSION_TABLE.format(name="concern"),
            *_append_only("concern_versions"),
            """CREATE TABLE concern_children (
                concern_id TEXT NOT NULL REFERENCES concerns (id),
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                role TEXT NOT NULL,
                PRIMARY KEY (concern_id, pupil_id)
            ) STRICT, WITHOUT ROWID""",
            "CREATE INDEX concern_children_by_pupil ON concern_children (pupil_id, concern_id)",
            """CREATE TABLE concern_actions (
                concern_id TEXT NOT NULL REFERENCES concerns (id),
                position INTEGER NOT NULL,
                description TEXT NOT NULL,
                owner TEXT NOT NULL,
                due TEXT,
                status TEXT NOT NULL,
                PRIMARY KEY (concern_id, position)
            ) STRICT""",
            "CREATE INDEX concern_actions_open ON concern_actions (status, due)",
            """CREATE TABLE concern_labels (
                kind TEXT NOT NULL CHECK (kind IN ('category', 'tag')),
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                active INTEGER NOT NULL DEFAULT 1,
                PRIMARY KEY (kind, name)
            ) STRICT""",
            """CREATE TABLE adult_concerns (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('allegation', 'low_level')),
                happened_at TEXT NOT NULL,
                body TEXT NOT NULL
            ) STRICT""",
            _VERSION_TABLE.format(name="adult_concern"),
            *_append_only("adult_concern_versions"),
            *_seed_labels("category", DEFAULT_CATEGORIES),
            """CREATE TABLE search_keys (
                rowid INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                record_id TEXT NOT NULL,
                UNIQUE (kind, record_id)
            ) STRICT""",
            """CREATE VIRTUAL TABLE search_index USING fts5 (
                title, body, tokenize = 'unicode61 remove_diacritics 2'
            )""",
        ),
    ),
    Migration(
        4,
        "body maps with their versions, and each map's marks by site",
        (
            """CREATE TABLE body_maps (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                concern_id TEXT REFERENCES concerns (id),
                completed_at TEXT NOT NULL,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX body_maps_by_pupil ON body_maps (pupil_id, completed_at)",
            """CREATE INDEX body_maps_by_concern ON body_maps (concern_id, completed_at)
               WHERE concern_id IS NOT NULL""",
            _VERSION_TABLE.format(name="body_map"),
            *_append_only("body_map_versions"),
            """CREATE TABLE body_map_marks (
                map_id TEXT NOT NULL REFERENCES body_maps (id),
                number INTEGER NOT NULL,
                view TEXT NOT NULL,
                site TEXT NOT NULL,
                mark_type TEXT NOT NULL,
                seen_at TEXT NOT NULL,
                PRIMARY KEY (map_id, number)
            ) STRICT, WITHOUT ROWID""",
            "CREATE INDEX body_map_marks_by_site ON body_map_marks (site, seen_at)",
        ),
    ),
    Migration(
        5,
        "chronology events recorded by hand, and the DSL's significance choices",
        (
            # What the school learns otherwise (a move, an exclusion, a missing
            # episode): about one pupil, or about a family as a whole.
            """CREATE TABLE chronology_events (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                pupil_id TEXT REFERENCES pupils (id),
                family_id TEXT REFERENCES families (id),
                happened_on TEXT NOT NULL,
                body TEXT NOT NULL,
                CHECK (pupil_id IS NOT NULL OR family_id IS NOT NULL)
            ) STRICT""",
            """CREATE INDEX chronology_events_by_pupil ON chronology_events
               (pupil_id, happened_on) WHERE pupil_id IS NOT NULL""",
            """CREATE INDEX chronology_events_by_family ON chronology_events
               (family_id, happened_on) WHERE family_id IS NOT NULL""",
            _VERSION_TABLE.format(name="chronology_event"),
            *_append_only("chronology_event_versions"),
            # Entries drawn from records (a concern, a body map, a referral) are
            # significant by default per kind; the DSL may say otherwise, per pupil.
            """CREATE TABLE chronology_significance (
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                source_kind TEXT NOT NULL,
                source_id TEXT NOT NULL,
                significant INTEGER NOT NULL CHECK (significant IN (0, 1)),
                set_by TEXT NOT NULL REFERENCES users (id),
                set_at TEXT NOT NULL,
                PRIMARY KEY (pupil_id, source_kind, source_id)
            ) STRICT, WITHOUT ROWID""",
        ),
    ),
    Migration(
        6,
        "referrals with their versions; sending and feedback columns for the clocks",
        (
            # The body holds the referral and its tracking (sending, feedback,
            # chases, escalation); each change is a new version. The columns are
            # derived from it for the lists and the overdue-feedback query.
            """CREATE TABLE referrals (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                kind TEXT NOT NULL,
                pupil_id TEXT REFERENCES pupils (id),
                adult_concern_id TEXT REFERENCES adult_concerns (id),
                state TEXT NOT NULL CHECK (state IN ('draft', 'final')),
                created_at TEXT NOT NULL,
                sent_at TEXT,
                decision_due TEXT,
                feedback_on TEXT,
                body TEXT NOT NULL,
                CHECK ((pupil_id IS NULL) <> (adult_concern_id IS NULL))
            ) STRICT""",
            """CREATE INDEX referrals_by_pupil ON referrals (pupil_id, created_at)
               WHERE pupil_id IS NOT NULL""",
            """CREATE INDEX referrals_awaiting_feedback ON referrals (decision_due)
               WHERE sent_at IS NOT NULL AND feedback_on IS NULL""",
            _VERSION_TABLE.format(name="referral"),
            *_append_only("referral_versions"),
        ),
    ),
    Migration(
        7,
        "casework (Early Help, child in need, child protection) with its versions",
        (
            # The body holds the whole case (assessment, plan, visits, meetings);
            # every change is a new version. The columns serve the pupil's list
            # and the home view's clocks.
            """CREATE TABLE cases (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                kind TEXT NOT NULL,
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                family_id TEXT REFERENCES families (id),
                started_on TEXT NOT NULL,
                closed_on TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX cases_by_pupil ON cases (pupil_id, started_on)",
            "CREATE INDEX cases_open ON cases (started_on) WHERE closed_on IS NULL",
            _VERSION_TABLE.format(name="case"),
            *_append_only("case_versions"),
        ),
    ),
    Migration(
        8,
        "bundles: partners' public keys, the log of bundles made and taken in, CP file transfers",
        (
            # Partner agencies' and schools' age public keys (age1…), so the DSL
            # picks a name rather than pasting a key each time.
            """CREATE TABLE address_book (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('agency', 'school')),
                public_key TEXT NOT NULL,
                notes TEXT NOT NULL DEFAULT '',
                added_at TEXT NOT NULL,
                added_by TEXT NOT NULL REFERENCES users (id),
                removed_at TEXT
            ) STRICT""",
            # Every bundle made here or taken in: what, to or from whom, when, why,
            # on what legal basis. Append-only: a share is never un-logged.
            """CREATE TABLE bundle_log (
                id TEXT PRIMARY KEY,
                direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
                kind TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                at TEXT NOT NULL,
                by_user TEXT NOT NULL REFERENCES users (id),
                counterpart TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX bundle_log_by_sha ON bundle_log (sha256)",
            *_append_only("bundle_log"),
            # A pupil's CP file sent to (or received from) another school, with
            # the five-school-day clock and the receipt that closes it.
            """CREATE TABLE transfers (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
                moved_on TEXT NOT NULL,
                due_on TEXT NOT NULL,
                receipted_at TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX transfers_unreceipted ON transfers (due_on) WHERE receipted_at IS NULL",
            _VERSION_TABLE.format(name="transfer"),
            *_append_only("transfer_versions"),
        ),
    ),
    Migration(
        9,
        "oversight: SENDCO input, legal holds, destruction records, subject access "
        "requests, the DSL's supervision log",
        (
            # The DSL asks the SENDCO for input on a concern or a case; the body
            # holds the question and, once given, the answer.
            """CREATE TABLE sendco_requests (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                record_kind TEXT NOT NULL CHECK (record_kind IN ('concern', 'case')),
                record_id TEXT NOT NULL,
                asked_at TEXT NOT NULL,
                answered_at TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX sendco_requests_by_record ON sendco_requests (record_id)",
            """CREATE INDEX sendco_requests_open ON sendco_requests (asked_at)
               WHERE answered_at IS NULL""",
            _VERSION_TABLE.format(name="sendco_request"),
            *_append_only("sendco_request_versions"),
            # A hold (e.g. relevant to a public inquiry) blocks destruction until lifted.
            """CREATE TABLE legal_holds (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                placed_on TEXT NOT NULL,
                lifted_on TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX legal_holds_by_pupil ON legal_holds (pupil_id)",
            _VERSION_TABLE.format(name="legal_hold"),
            *_append_only("legal_hold_versions"),
            # What was destroyed, when, by whom and why; never the content itself.
            # No reference to pupils: the record it describes is gone.
            """CREATE TABLE destructions (
                id TEXT PRIMARY KEY,
                pupil_id TEXT NOT NULL,
                destroyed_at TEXT NOT NULL,
                destroyed_by TEXT NOT NULL REFERENCES users (id),
                body TEXT NOT NULL
            ) STRICT""",
            *_append_only("destructions"),
            # A subject access request and its one-calendar-month clock; the body
            # holds the requester, the disclosure made and what was redacted and why.
            """CREATE TABLE subject_access_requests (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                pupil_id TEXT NOT NULL REFERENCES pupils (id),
                received_on TEXT NOT NULL,
                due_on TEXT NOT NULL,
                closed_on TEXT,
                body TEXT NOT NULL
            ) STRICT""",
            """CREATE INDEX subject_access_requests_open ON subject_access_requests (due_on)
               WHERE closed_on IS NULL""",
            _VERSION_TABLE.format(name="subject_access_request"),
            *_append_only("subject_access_request_versions"),
            # The DSL's private supervision log: sessions and reflections, DSL only.
            """CREATE TABLE supervision_notes (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                held_on TEXT NOT NULL,
                body TEXT NOT NULL
            ) STRICT""",
            _VERSION_TABLE.format(name="supervision_note"),
            *_append_only("supervision_note_versions"),
        ),
    ),
    Migration(
        10,
        "the pupil list's open-concern counts read from an index",
        (
            # Open concerns are a few per cent of a ten-year store. With their ids in
            # the index, counting them per pupil never reads a concern's row (and its
            # JSON body): 223 → 139 ms for the pupil list on the reference store.
            """CREATE INDEX concerns_open ON concerns (status, id)
               WHERE status IN ('awaiting_review', 'open')""",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def upgrade(
    db: Database, files: StoreFiles, actor_id: str, target: int = LATEST_VERSION
) -> Path | None:
    """Bring the store to ``target``; return the backup written first, if any.

    ``target`` below the latest exists for tests that build an older store.
    """
    current = db.user_version()
    if current > LATEST_VERSION:
        raise StoreTooNew(
            f"This store has schema version {current}, newer than this sgdesk understands "
            f"({LATEST_VERSION}). Update sgdesk to open it. Nothing has been changed."
        )
    if current >= target:
        return None
    backup: Path | None = None
    if current > 0:
        backup = write_backup(db, files, label=f"before-v{current + 1}")
        log.info("backed up store before migrating from v%d", current)
    for migration in MIGRATIONS[current:target]:
        with db.write(actor_id) as tx:
            for statement in migration.statements:
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {migration.version}")
            tx.audit("migrate", "schema", str(migration.version))
        log.info("migrated store to schema v%d", migration.version)
    return backup
