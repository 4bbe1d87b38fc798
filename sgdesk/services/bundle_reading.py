"""Opening a bundle and checking all of it before anything is written.

In order: decryption (wrong key, wrong passphrase, damaged file), the archive's
shape, the manifest (format, kind, versions), every member's SHA-256 against
the manifest, every record line against the JSON Schema shipped for that store
schema version, the row counts, references between records, and for a
handover the audit chain. Each failure is a :class:`BundleRefused` with its own
``reason`` and a message for the person; only a bundle that passes all of them
comes back as an :class:`OpenedBundle`.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

import fastjsonschema

from sgdesk.models.audit import AuditEntry, verify_chain
from sgdesk.models.bundles import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    PDF_DIR,
    TEMPLATES_DIR,
    BundleKind,
    Manifest,
    records_member,
    table_of,
)
from sgdesk.models.errors import BundleRefused, Cancelled, SgdeskError
from sgdesk.services.bundle_building import IsCancelled, StageProgress, never_cancelled, no_progress
from sgdesk.services.resources import resources_dir
from sgdesk.storage import bundle_file, codec
from sgdesk.storage.migrations import LATEST_VERSION

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle that passed every check: its manifest, rows per table, PDFs, templates."""

    manifest: Manifest
    tables: dict[str, Rows]
    pdfs: dict[str, bytes]
    templates: dict[str, bytes]
    sha256: str

    def rows(self, table: str) -> Rows:
        return self.tables.get(table, [])


@dataclass(frozen=True)
class RecordsSchema:
    """The shipped JSON Schema for one store schema version, compiled."""

    version: int
    order: tuple[str, ...]
    keys: dict[str, tuple[str, ...]]
    references: dict[str, tuple[tuple[str, str, str], ...]]
    validators: dict[str, Callable[[Any], Any]]


def _refused(message: str, reason: str) -> BundleRefused:
    return BundleRefused(f"{message} Nothing was imported.", reason)


def open_bundle(ciphertext: bytes, *, identities: Sequence[str] = (),
                passphrase: str | None = None, progress: StageProgress = no_progress,
                cancelled: IsCancelled = never_cancelled) -> OpenedBundle:
    """Decrypt and check a whole bundle; see the module docstring for the order."""
    plaintext = bundle_file.decrypt(
        ciphertext, identities=identities, passphrase=passphrase,
        progress=lambda done, total: progress("Decrypting", 0.6 * done / max(total, 1)),
        cancelled=cancelled,
    )
    members = bundle_file.untar(plaintext)
    del plaintext
    progress("Checking", 0.65)
    manifest = read_manifest(members)
    check_members(manifest, members)
    schema = records_schema(manifest.schema_version)
    tables = parse_records(manifest, members, schema, cancelled)
    progress("Checking references", 0.9)
    check_references(tables, schema)
    if manifest.kind is BundleKind.HANDOVER:
        check_audit_chain(tables)
    progress("Checked", 1.0)
    return OpenedBundle(
        manifest=manifest,
        tables=tables,
        pdfs={n[len(PDF_DIR):]: d for n, d in members.items() if n.startswith(PDF_DIR)},
        templates={n[len(TEMPLATES_DIR):]: d for n, d in members.items()
                   if n.startswith(TEMPLATES_DIR)},
        sha256=hashlib.sha256(ciphertext).hexdigest(),
    )


def read_manifest(members: dict[str, bytes]) -> Manifest:
    raw = members.get(MANIFEST_NAME)
    if raw is None or next(iter(members)) != MANIFEST_NAME:
        raise _refused("This bundle has no manifest first, so it was not made by sgdesk "
                       "or has been rebuilt.", "malformed")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refused("This bundle's manifest is not readable.", "malformed") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise _refused("This file is not an sgdesk bundle.", "malformed")
    version, schema_version = data.get("format_version"), data.get("schema_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise _refused(f"This bundle uses bundle format {version}, newer than this sgdesk "
                       f"reads ({FORMAT_VERSION}). Update sgdesk, then import it again.",
                       "too_new")
    if isinstance(schema_version, int) and schema_version > LATEST_VERSION:
        raise _refused(f"This bundle holds records from a newer sgdesk (store schema "
                       f"{schema_version}; this one reads up to {LATEST_VERSION}). Update "
                       "sgdesk, then import it again.", "too_new")
    try:
        _manifest_validator()(data)
        manifest: Manifest = codec.from_jsonable(Manifest, data)
        made = datetime.fromisoformat(manifest.created_at)
    except (fastjsonschema.JsonSchemaException, ValueError, TypeError, KeyError):
        raise _refused("This bundle's manifest is malformed.", "malformed") from None
    if made.tzinfo is None or not 1 < made.year < 9999:  # shown as a local day
        raise _refused("This bundle's manifest does not say when it was made.", "malformed")
    return manifest


def _no_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON, whatever Python's reader allows."""
    raise ValueError(f"{name} is not JSON")


def check_members(manifest: Manifest, members: dict[str, bytes]) -> None:
    """Every member listed, present, and with the SHA-256 the manifest says."""
    present = set(members) - {MANIFEST_NAME}
    listed = set(manifest.members)
    if present - listed:
        raise _refused("This bundle holds a part its manifest does not list: it has been "
                       "altered since it was made.", "tampered")
    if listed - present:
        raise _refused("A part the manifest lists is missing from this bundle.", "tampered")
    for name, expected in manifest.members.items():
        if hashlib.sha256(members[name]).hexdigest() != expected:
            raise _refused("A part of this bundle does not match its manifest (its checksum "
                           "differs): it has been altered or damaged since it was made.",
                           "tampered")
    for name in listed:
        table = table_of(name)
        if table is not None and table not in manifest.counts:
            raise _refused("The manifest does not count one of the bundle's tables.",
                           "malformed")


def parse_records(manifest: Manifest, members: dict[str, bytes], schema: RecordsSchema,
                  cancelled: IsCancelled = never_cancelled) -> dict[str, Rows]:
    tables: dict[str, Rows] = {}
    for table, count in manifest.counts.items():
        if cancelled():
            raise Cancelled("The import was cancelled. Nothing was imported.")
        validate = schema.validators.get(table)
        if validate is None:
            raise _refused(f"This bundle holds a kind of record ({table}) this sgdesk does "
                           "not know.", "malformed")
        member = members.get(records_member(table))
        if member is None:
            raise _refused("A table the manifest counts is missing.", "malformed")
        rows: Rows = []
        try:
            # JSON Lines ends lines with "\n" only: str.splitlines() would also
            # break inside a text holding U+0085 or U+2028
            lines = member.decode("utf-8").split("\n")
            if lines[-1] == "":
                lines.pop()  # the newline that ends the last row
            for line in lines:
                row = json.loads(line, parse_constant=_no_constant)
                validate(row)
                rows.append(row)
        except (UnicodeDecodeError, ValueError, RecursionError,
                fastjsonschema.JsonSchemaException):
            raise _refused(f"Record {len(rows) + 1} of {table} in this bundle is malformed "
                           "(it does not match the shipped record schema).",
                           "malformed") from None
        if _SUSPECT.search(member) and not all(_storable(row) for row in rows):
            raise _refused(f"A record of {table} in this bundle holds a value a store cannot "
                           "keep (a number out of range, or broken text).", "malformed")
        if len(rows) != count:
            raise _refused(f"The manifest counts {count} rows of {table} but the bundle "
                           f"holds {len(rows)}.", "malformed")
        tables[table] = rows
    return tables


#: Raw bytes that may parse into a value SQLite cannot store: an escaped UTF-16
#: surrogate (alone, it is no character) or a number of 19 digits or more.
_SUSPECT = re.compile(rb"\\u[dD][89a-fA-F]|\d{19}")
_INTEGER_RANGE = range(-(2**63), 2**63)


def _storable(row: dict[str, Any]) -> bool:
    """Every value fits a SQLite column: integers in 64 bits, text that is UTF-8."""
    for value in row.values():
        if isinstance(value, int) and value not in _INTEGER_RANGE:
            return False
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def check_references(tables: dict[str, Rows], schema: RecordsSchema) -> None:
    """No record twice, and every reference between records points at a record
    in the bundle."""
    for table, rows in tables.items():
        key = schema.keys.get(table, ())
        if key and len({tuple(row[c] for c in key) for row in rows}) != len(rows):
            raise _refused(f"This bundle holds the same {table.replace('_', ' ')} record "
                           "twice.", "malformed")
    known: dict[tuple[str, str], set[Any]] = {}
    for table, references in schema.references.items():
        for column, target_table, target_column in references:
            if target_table == table:
                continue  # self-reference (none today); checked by the store's keys
            wanted = {row[column] for row in tables.get(table, ()) if row[column] is not None}
            if not wanted:
                continue
            pool = known.setdefault(
                (target_table, target_column),
                {row[target_column] for row in tables.get(target_table, ())},
            )
            if wanted - pool:
                raise _refused(
                    f"Some {table.replace('_', ' ')} refer to {target_table.replace('_', ' ')} "
                    "that are not in this bundle.", "missing_reference")


def check_audit_chain(tables: dict[str, Rows]) -> None:
    entries = [AuditEntry(**row) for row in tables.get("audit", ())]
    heads = tables.get("audit_head", ())
    head = (heads[0]["seq"], heads[0]["hash"]) if heads else None
    report = verify_chain(entries, head)
    if not report.ok or head is None:
        raise _refused("The audit chain in this handover does not verify "
                       f"({report.problem or 'it has no head'}): it has been altered.",
                       "tampered")


def check_bodies(tables: dict[str, Rows], models: Mapping[str, type],
                 noun: Callable[[str], str]) -> None:
    """Every version of every record in ``tables`` (``models``: table → what its
    ``body`` holds) reads as that kind, each field of its type, and says when it was
    saved: the store trusts a body it wrote itself, so one from outside is checked
    before it is let in."""
    for table, model in models.items():
        validate = body_validator(model)
        for row in (*tables.get(table, ()), *tables.get(f"{table[:-1]}_versions", ())):
            try:
                data = json.loads(row["body"], parse_constant=_no_constant)
                validate(data)
                codec.from_jsonable(model, data)  # and the model's own rules
                if "saved_at" in row:  # a version: every history shows it
                    datetime.fromisoformat(row["saved_at"]).astimezone()
            except (ValueError, TypeError, AttributeError, KeyError, RecursionError,
                    OverflowError, fastjsonschema.JsonSchemaException, SgdeskError):
                raise _refused(f"A {noun(table)} in this bundle cannot be read (it is not "
                               "written as sgdesk writes one).", "malformed") from None


@cache
def body_validator(model: type) -> Callable[[Any], Any]:
    """A compiled JSON Schema of what :func:`codec.from_jsonable` builds ``model``
    from. The codec checks no types (a stored body is trusted), so this does."""
    definitions: dict[str, Any] = {}
    root = _schema_of(model, definitions)
    return fastjsonschema.compile({"definitions": definitions, **root}, formats=_ISO_FORMATS)


def _iso(parse: Callable[[str], Any]) -> Callable[[str], bool]:
    def valid(text: str) -> bool:
        try:
            parse(text)
        except ValueError:
            return False
        return True
    return valid


_ISO_FORMATS = {"sgdesk-datetime": _iso(datetime.fromisoformat),
                "sgdesk-date": _iso(date.fromisoformat),
                "sgdesk-time": _iso(time.fromisoformat)}
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
    bool: {"type": "boolean"}, Any: {},
    datetime: {"type": "string", "format": "sgdesk-datetime"},
    date: {"type": "string", "format": "sgdesk-date"},
    time: {"type": "string", "format": "sgdesk-time"},
}


def _schema_of(hint: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """The schema for one type hint, following the codec's rules case by case."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        first = next(a for a in typing.get_args(hint) if a is not type(None))
        return {"anyOf": [{"type": "null"}, _schema_of(first, definitions)]}
    if origin is tuple:
        items = typing.get_args(hint)
        if len(items) == 2 and items[1] is Ellipsis:
            return {"type": "array", "items": _schema_of(items[0], definitions)}
        return {"type": "array", "items": [_schema_of(i, definitions) for i in items],
                "minItems": len(items), "maxItems": len(items)}
    if origin is dict:
        return {"type": "object",
                "additionalProperties": _schema_of(typing.get_args(hint)[1], definitions)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        name = f"{hint.__module__}.{hint.__qualname__}".replace(".", "_")
        if name not in definitions:
            definitions[name] = {}  # placeholder: a dataclass may hold itself
            hints = typing.get_type_hints(hint)
            fields = [f for f in dataclasses.fields(hint) if f.init]
            definitions[name] = {
                "type": "object",
                "properties": {f.name: _schema_of(hints[f.name], definitions) for f in fields},
                "required": [f.name for f in fields if f.default is dataclasses.MISSING
                             and f.default_factory is dataclasses.MISSING],
            }
        return {"$ref": f"#/definitions/{name}"}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [m.value for m in hint]}
    return _SCALARS.get(hint, {})


@cache
def _manifest_validator() -> Callable[[Any], Any]:
    text = (resources_dir() / "bundle" / "manifest.schema.json").read_text("utf-8")
    return fastjsonschema.compile(json.loads(text))


@cache
def records_schema(version: int) -> RecordsSchema:
    """The shipped schema for store schema ``version``; refused if none ships."""
    path = resources_dir() / "bundle" / f"records-v{version}.schema.json"
    if not path.is_file():
        raise _refused(f"This bundle holds records from store schema {version}, which this "
                       "sgdesk cannot read.", "too_old")
    data = json.loads(path.read_text("utf-8"))
    return RecordsSchema(
        version=version,
        order=tuple(data["x-sgdesk-order"]),
        keys={t: tuple(k) for t, k in data["x-sgdesk-keys"].items()},
        references={t: tuple((c, tt, tc) for c, tt, tc in refs)
                    for t, refs in data["x-sgdesk-references"].items()},
        validators={t: fastjsonschema.compile(d) for t, d in data["definitions"].items()},
    )
