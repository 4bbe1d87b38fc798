"""The shipped record schema matches the store a bundle is read into."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sgdesk.services.resources import resources_dir
from sgdesk.services.session import Session
from sgdesk.storage.bundle_tables import STAYS_BEHIND, records_schema, table_shapes
from sgdesk.storage.migrations import LATEST_VERSION
from tests.helpers import close, make_store

REGENERATE = (
    "Regenerate it: .venv/bin/python -c \"import json,sys; from tests.unit.test_bundle_schema "
    "import live_schema; print(json.dumps(live_schema(), indent=2, ensure_ascii=False))\" "
    "> resources/bundle/records-v{v}.schema.json"
)


def live_schema() -> dict:  # type: ignore[type-arg]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        session, _ = make_store(Path(folder) / "s")
        try:
            return records_schema(table_shapes(session.db), LATEST_VERSION)
        finally:
            close(session)


@pytest.fixture
def session_store(store_path: Path) -> Iterator[Session]:
    session, _ = make_store(store_path)
    yield session
    close(session)


def test_the_shipped_schema_is_the_live_one(session_store: Session) -> None:
    path = resources_dir() / "bundle" / f"records-v{LATEST_VERSION}.schema.json"
    live = records_schema(table_shapes(session_store.db), LATEST_VERSION)
    assert path.is_file() and json.loads(path.read_text()) == live, \
        REGENERATE.format(v=LATEST_VERSION)


def test_every_table_travels_but_the_index_and_drafts(session_store: Session) -> None:
    names = {s.name for s in table_shapes(session_store.db)}
    everything = {str(r[0]) for r in session_store.db.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    assert everything - names == set(STAYS_BEHIND) | {
        n for n in everything if n.startswith("search_index")}
