"""The store's tables as a bundle sees them: which travel, in what order, as rows.

Which tables travel is read from the live schema, so a record kind added by a
later migration travels in a handover without anyone remembering to list it.
Only what can be rebuilt or belongs to one laptop stays behind: the search index
(rebuilt from the records on import) and unsaved drafts (per user, and users'
ways in do not travel).

:func:`records_schema` describes the tables as JSON Schema, with the references
between them and the order to write them in; the copy shipped in
``resources/bundle/`` is checked against it by a test, so the schema a bundle
is validated against always matches the store that reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sgdesk.storage.database import Database, WriteTransaction

#: Tables that never travel: rebuilt on import, or private to one user on one laptop.
STAYS_BEHIND = frozenset({"drafts", "search_keys"})
_SQL_TYPES = {"TEXT": "string", "INTEGER": "integer", "REAL": "number"}


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    not_null: frozenset[str]
    key: tuple[str, ...]
    references: tuple[Reference, ...]


def table_shapes(db: Database) -> list[TableShape]:
    """Every travelling table, parents before children (so rows can be written
    in this order with foreign keys on)."""
    names = [str(r[0]) for r in db.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index%' ORDER BY name")]
    shapes = {n: _shape(db, n) for n in names if n not in STAYS_BEHIND}
    ordered: list[TableShape] = []
    placed: set[str] = set()
    while len(ordered) < len(shapes):
        ready = [s for s in shapes.values() if s.name not in placed
                 and all(r.table in placed or r.table == s.name for r in s.references)]
        if not ready:
            raise RuntimeError("the schema's references form a cycle")
        for shape in ready:
            ordered.append(shape)
            placed.add(shape.name)
    return ordered


def _shape(db: Database, name: str) -> TableShape:
    info = db.query(f"PRAGMA table_info({name})")
    keyed = sorted((int(r["pk"]), str(r["name"])) for r in info if int(r["pk"]) > 0)
    references = tuple(Reference(str(r["from"]), str(r["table"]), str(r["to"]))
                       for r in db.query(f"PRAGMA foreign_key_list({name})"))
    return TableShape(
        name=name,
        columns=tuple(str(r["name"]) for r in info),
        types=tuple(str(r["type"]).upper() for r in info),
        not_null=frozenset(str(r["name"]) for r in info if int(r["notnull"])),
        key=tuple(n for _, n in keyed),
        references=references,
    )


def dump_rows(db: Database, shape: TableShape) -> Iterator[dict[str, Any]]:
    """Every row of the table as a column → value mapping, in key order, so two
    dumps of the same content are the same bytes."""
    order = ", ".join(shape.key) if shape.key else "rowid"
    cursor = db.conn.execute(f"SELECT {', '.join(shape.columns)} FROM {shape.name} "
                             f"ORDER BY {order}")
    columns = shape.columns
    for row in cursor:
        yield dict(zip(columns, tuple(row), strict=True))


def jsonl(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as JSON Lines: one object per line, keys sorted, UTF-8."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
    return "".join(dumps(row) + "\n" for row in rows).encode("utf-8")


def insert_rows(tx: WriteTransaction, shape: TableShape,
                rows: Sequence[Mapping[str, Any]]) -> None:
    """Write rows exactly as given (columns as the shape has them)."""
    if not rows:
        return
    columns = shape.columns
    statement = (f"INSERT INTO {shape.name} ({', '.join(columns)}) "
                 f"VALUES ({', '.join('?' * len(columns))})")
    for row in rows:
        tx.execute(statement, tuple(row.get(c) for c in columns))


def records_schema(shapes: Sequence[TableShape], schema_version: int) -> dict[str, Any]:
    """A JSON Schema (draft 7) per table, plus the references and writing order
    sgdesk needs to check a bundle before writing it."""
    tables: dict[str, Any] = {}
    for shape in shapes:
        properties = {}
        for column, sql_type in zip(shape.columns, shape.types, strict=True):
            kind = _SQL_TYPES.get(sql_type, "string")
            properties[column] = {"type": kind if column in shape.not_null else [kind, "null"]}
        tables[shape.name] = {
            "type": "object",
            "properties": properties,
            "required": list(shape.columns),
            "additionalProperties": False,
        }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"sgdesk bundle records, store schema version {schema_version}",
        "description": "One JSON object per line in records/<table>.jsonl; see "
                       "docs/bundle-format.md.",
        "definitions": tables,
        "x-sgdesk-schema-version": schema_version,
        "x-sgdesk-order": [s.name for s in shapes],
        "x-sgdesk-keys": {s.name: list(s.key) for s in shapes},
        "x-sgdesk-references": {
            s.name: [[r.column, r.table, r.target] for r in s.references]
            for s in shapes if s.references
        },
    }
