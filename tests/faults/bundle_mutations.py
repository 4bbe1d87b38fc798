"""Generated bad bundles for the fuzz test: one seed, one case, always the same.

Two families, mixed by a seeded ``random.Random``:

- **damaged files**: the encrypted bytes of a real bundle flipped, cut, grown,
  shifted or spliced with another bundle's;
- **well-sealed nonsense**: the decrypted members of a real bundle changed and
  encrypted again with valid crypto (to the receiving school's key, or to a
  passphrase), so every check after decryption has to hold on its own: the tar
  (members missing, twice, reordered, renamed to paths, links, devices, sizes
  that lie), the manifest (types, keys, numbers, nesting, encoding, checksums),
  the records (types, unknown tables, the same id twice, references to nothing,
  NUL bytes, giant strings, the JSON inside ``body``) and a handover's audit chain.

Content changes are followed, most of the time, by checksums and counts made to
match again (what someone able to encrypt to the school, but not to get past
sgdesk's checks, would send); a few cases change nothing at all, or forge a
consistent audit chain, and must be accepted.

:func:`make_case` is the whole generator; everything else here is its parts.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import io
import json
import os
import random
import re
import tarfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pyrage
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sgdesk.models.audit import GENESIS_HASH, entry_hash
from sgdesk.models.bundles import MANIFEST_NAME, table_of

PASSPHRASE = "correct fuzz battery staple"
#: The scrypt work factor of the passphrase bundles made here: age's own writers
#: aim at a second of work per file, far too slow for thousands of cases.
FAST_WORK_FACTOR = 10
_STANZA = re.compile(rb"-> scrypt (\S+) (\S+)\n")
#: Work factors a damaged header may end up asking for that age still accepts and
#: that take seconds each (19 is the usual one, ~2.5 s on a slow laptop).
_SLOW_BY_DESIGN = re.compile(rb"0*(19|2[0-4])")


@dataclass(frozen=True)
class Source:
    """A real bundle to start from: its members in order, and sealed by sgdesk."""

    kind: str
    members: tuple[tuple[str, bytes], ...]
    ciphertext: bytes
    passphrase_ciphertext: bytes


@dataclass(frozen=True)
class Case:
    """One generated bundle. ``valid`` cases must be accepted, the rest either
    accepted or refused with a typed error."""

    seed: int
    source: str
    steps: tuple[str, ...]
    data: bytes
    passphrase: str | None
    valid: bool = False

    def __str__(self) -> str:
        return (f"bundle fuzz case seed={self.seed} ({self.source} bundle, "
                f"{len(self.data)} bytes): {'; '.join(self.steps) or 'unchanged'}")


@dataclass
class Entry:
    """One tar member as it will be written, lies included."""

    name: str
    data: bytes
    type: bytes = tarfile.REGTYPE
    linkname: str = ""
    declared_size: int | None = None


@dataclass
class _Draft:
    """A case being built: the members, what was done, whether it is still valid."""

    rng: random.Random
    entries: list[Entry]
    steps: list[str] = field(default_factory=list)
    valid: bool = True

    def did(self, step: str, *, still_valid: bool = False) -> None:
        self.steps.append(step)
        self.valid = self.valid and still_valid

    def find(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name), None)

    def record_entries(self) -> list[Entry]:
        return [e for e in self.entries if table_of(e.name) is not None]


# -- age with a cheap passphrase ---------------------------------------------------------
def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _hkdf(salt: bytes, key: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt, info).derive(key)


def passphrase_encrypt(plaintext: bytes, passphrase: str,
                       work_factor: int = FAST_WORK_FACTOR) -> bytes:
    """An age v1 file for ``passphrase`` (age-encryption.org/v1: scrypt stanza,
    header MAC, STREAM of ChaCha20-Poly1305 chunks), with a small work factor."""
    file_key, salt = os.urandom(16), os.urandom(16)
    wrap_key = hashlib.scrypt(passphrase.encode(), salt=b"age-encryption.org/v1/scrypt" + salt,
                              n=1 << work_factor, r=8, p=1, dklen=32, maxmem=1 << 28)
    wrapped = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    header = (b"age-encryption.org/v1\n-> scrypt " + _b64(salt) + b" %d\n" % work_factor
              + _b64(wrapped) + b"\n---")
    mac = hmac.new(_hkdf(b"", file_key, b"header"), header, hashlib.sha256).digest()
    nonce = os.urandom(16)
    stream = ChaCha20Poly1305(_hkdf(nonce, file_key, b"payload"))
    size = 64 * 1024
    chunks = [plaintext[i:i + size] for i in range(0, len(plaintext), size)] or [b""]
    body = b"".join(stream.encrypt(i.to_bytes(11, "big") + bytes([i == len(chunks) - 1]),
                                   chunk, None) for i, chunk in enumerate(chunks))
    return header + b" " + _b64(mac) + b"\n" + nonce + body


def work_factor(ciphertext: bytes) -> bytes | None:
    """The scrypt work factor an age header asks for, as written (``None``: no stanza)."""
    found = _STANZA.search(ciphertext[:400])
    return found.group(2) if found else None


# -- tar ---------------------------------------------------------------------------------
_FORMATS = (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT)


def tar_bytes(entries: list[Entry], rng: random.Random) -> bytes:
    """The entries as a tar written by hand, so sizes and types may lie."""
    out = io.BytesIO()
    tar_format = rng.choice(_FORMATS)
    for entry in entries:
        info = tarfile.TarInfo(entry.name)
        info.type = entry.type
        info.linkname = entry.linkname
        info.size = len(entry.data) if entry.declared_size is None else entry.declared_size
        info.mode, info.mtime = 0o600, 0
        try:
            header = info.tobuf(tar_format, "utf-8", "surrogateescape")
        except ValueError:  # a name or size this format cannot hold
            header = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
        out.write(header)
        data = entry.data if entry.type in (tarfile.REGTYPE, tarfile.CONTTYPE) else b""
        out.write(data + bytes(-len(data) % 512))
    out.write(bytes(1024))
    return out.getvalue()


# -- values that should not be there -----------------------------------------------------
def _odd_value(rng: random.Random) -> Any:
    choices: list[Callable[[], Any]] = [
        lambda: None, lambda: True, lambda: False, lambda: 0, lambda: -1,
        lambda: 2**31, lambda: 2**63 - 1, lambda: 2**63, lambda: -(2**63) - 1, lambda: 2**64,
        lambda: 10**30, lambda: 1.5, lambda: -0.0, lambda: 1e308, lambda: float("nan"),
        lambda: float("inf"), lambda: "", lambda: "x", lambda: "\x00", lambda: "a\x00b",
        lambda: "\ud800", lambda: "line\u2028break", lambda: "9999-99-99",
        lambda: "2026-02-30", lambda: "2026-11-02T10:00:00+99:00", lambda: "not a date",
        lambda: str(uuid.UUID(int=rng.getrandbits(128))), lambda: "../../etc/passwd",
        lambda: [], lambda: {}, lambda: [1, "two"], lambda: {"a": {"b": None}},
        lambda: "\u202eevil", lambda: "x" * rng.choice((300, 70_000, 1_100_000)),
        lambda: "ü" * 2000,
    ]
    return rng.choice(choices)()


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _mutate_json(rng: random.Random, value: Any) -> tuple[Any, str]:
    """``value`` (parsed JSON) with one node somewhere in it changed, and what."""
    if isinstance(value, dict) and value and rng.random() < 0.6:
        key = rng.choice(sorted(value))
        action = rng.random()
        if action < 0.25:
            return {k: v for k, v in value.items() if k != key}, f"removed {key!r}"
        if action < 0.35:
            return {**value, "zz_extra": _odd_value(rng)}, "added a key"
        if action < 0.7 or not isinstance(value[key], dict | list):
            odd = _odd_value(rng)
            return {**value, key: odd}, f"{key!r} = {_short(odd)}"
        inner, what = _mutate_json(rng, value[key])
        return {**value, key: inner}, f"{key!r}: {what}"
    if isinstance(value, list) and value and rng.random() < 0.6:
        index = rng.randrange(len(value))
        action = rng.random()
        if action < 0.25:
            return value[:index] + value[index + 1:], f"removed item {index}"
        if action < 0.4:
            return [*value, value[index]], f"repeated item {index}"
        inner, what = _mutate_json(rng, value[index])
        return [*value[:index], inner, *value[index + 1:]], f"[{index}]: {what}"
    odd = _odd_value(rng)
    return odd, f"replaced by {_short(odd)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} chars)"


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


# -- records -----------------------------------------------------------------------------
def _rows(entry: Entry) -> list[Any] | None:
    try:
        return [json.loads(line) for line in entry.data.decode("utf-8").split("\n") if line]
    except (ValueError, RecursionError):
        return None


def _set_rows(entry: Entry, rows: list[Any]) -> None:
    entry.data = "".join(_dumps(r) + "\n" for r in rows).encode()


def _a_table(draft: _Draft, *, non_empty: bool = True) -> Entry | None:
    tables = [e for e in draft.record_entries() if e.data or not non_empty]
    return draft.rng.choice(tables) if tables else None


def _record_change(draft: _Draft) -> None:
    rng = draft.rng
    entry = _a_table(draft)
    if entry is None:
        return _unknown_table(draft)
    rows = _rows(entry)
    if rows is None or not all(isinstance(r, dict) for r in rows):
        return _raw_line_change(draft)
    index = rng.randrange(len(rows))
    row = rows[index]
    where = f"{entry.name} row {index}"
    action = rng.random()
    if action < 0.3 and row:
        column = rng.choice(sorted(row))
        odd = _odd_value(rng)
        row[column] = odd
        draft.did(f"{where}: {column} = {_short(odd)}")
    elif action < 0.45 and isinstance(row.get("body"), str):
        try:
            body = json.loads(row["body"])
            body, what = _mutate_json(rng, body)
            row["body"] = _dumps(body)
        except (ValueError, RecursionError):
            what = "unreadable already"
        draft.did(f"{where}: body {what}")
    elif action < 0.55:
        column = _id_column(rng, row)
        if column is None:
            return _raw_line_change(draft)
        row[column] = str(uuid.UUID(int=rng.getrandbits(128)))
        draft.did(f"{where}: {column} points at nothing")
    elif action < 0.62:
        rows.insert(rng.randrange(len(rows) + 1), dict(row))
        draft.did(f"{where}: the same row twice")
    elif action < 0.7 and len(rows) > 1:
        other = rng.choice([r for i, r in enumerate(rows) if i != index])
        key = next(iter(row))
        if key in other:
            row[key] = other[key]
        draft.did(f"{where}: {key} the same as another row's")
    elif action < 0.78:
        del rows[index]
        draft.did(f"{where}: removed")
    elif action < 0.84 and row:
        column = rng.choice(sorted(row))
        del row[column]
        draft.did(f"{where}: column {column} removed")
    elif action < 0.9:
        target = rng.choice(draft.record_entries())
        target_rows = _rows(target) or []
        del rows[index]
        _set_rows(target, [*target_rows, row])
        draft.did(f"{where}: moved to {target.name}")
    else:
        rng.shuffle(rows)
        draft.did(f"{entry.name}: rows shuffled", still_valid=len(rows) < 2)
    _set_rows(entry, rows)
    return None


def _id_column(rng: random.Random, row: dict[str, Any]) -> str | None:
    columns = [c for c, v in row.items() if isinstance(v, str) and
               (c == "id" or c.endswith("_id") or c in ("saved_by", "logged_by", "by_user"))]
    return rng.choice(columns) if columns else None


def _raw_line_change(draft: _Draft) -> None:
    rng = draft.rng
    entry = _a_table(draft)
    if entry is None:
        return _unknown_table(draft)
    data = entry.data
    at = rng.randrange(len(data) + 1)
    edits: list[tuple[str, bytes]] = [
        ("a NUL byte", data[:at] + b"\x00" + data[at:]),
        ("invalid UTF-8", data[:at] + b"\xff\xfe\xc0" + data[at:]),
        ("a blank line", data[:at] + b"\n" + data[at:]),
        ("CRLF line ends", data.replace(b"\n", b"\r\n")),
        ("a line that is null", data + b"null\n"),
        ("a line that is a list", data + b"[]\n"),
        ("an empty object", data + b"{}\n"),
        ("cut mid-line", data[:at]),
        ("no final newline", data.rstrip(b"\n")),
        ("two lines joined", data.replace(b"\n", b"", 1)),
        ("a deeply nested line", data + _deep(rng.choice((50, 5000, 200_000))).encode() + b"\n"),
        ("a number with 5000 digits", data + b'{"id": ' + b"9" * 5000 + b"}\n"),
        ("NaN", data.replace(b":0", b":NaN", 1)),
        ("a BOM", b"\xef\xbb\xbf" + data),
        ("UTF-16", data.decode("utf-8", "replace").encode("utf-16")),
        ("emptied", b""),
    ]
    what, entry.data = rng.choice(edits)
    draft.did(f"{entry.name}: {what}")
    return None


def _unknown_table(draft: _Draft) -> None:
    rng = draft.rng
    name = rng.choice(("zzz_unknown", "drafts", "search_keys", "sqlite_master", "search_index",
                       "pupils", "audit"))
    line = _dumps({"id": str(uuid.uuid4()), "body": "{}"})
    existing = draft.find(f"records/{name}.jsonl")
    if existing is not None:
        existing.data += line.encode() + b"\n"
        draft.did(f"records/{name}.jsonl: an extra row of the wrong shape")
    else:
        draft.entries.append(Entry(f"records/{name}.jsonl", line.encode() + b"\n"))
        draft.did(f"records/{name}.jsonl added")


# -- the audit chain ---------------------------------------------------------------------
def _audit_change(draft: _Draft) -> None:
    rng = draft.rng
    audit, head = draft.find("records/audit.jsonl"), draft.find("records/audit_head.jsonl")
    rows = _rows(audit) if audit is not None else None
    if audit is None or head is None or not rows:
        return _record_change(draft)
    index = rng.randrange(len(rows))
    action = rng.random()
    if action < 0.3:
        column = rng.choice(("action", "at", "actor_id", "table_name", "row_id", "seq"))
        rows[index][column] = rng.choice(("read", "", "2020-01-01T00:00:00+00:00", 99, None))
        draft.did(f"audit row {index}: {column} changed")
    elif action < 0.45:
        del rows[index]
        draft.did(f"audit row {index} removed")
    elif action < 0.55 and len(rows) > 1:
        other = rng.randrange(len(rows))
        rows[index], rows[other] = rows[other], rows[index]
        draft.did(f"audit rows {index} and {other} swapped")
    elif action < 0.75:
        rows[index]["action"] = "forged"
        _rechain(rows)
        _set_rows(head, [{"id": 1, "seq": rows[-1]["seq"], "hash": rows[-1]["hash"]}])
        draft.did(f"audit row {index} changed and the whole chain forged to match",
                  still_valid=True)
    elif action < 0.85:
        cut = rng.randrange(1, len(rows) + 1)
        rows = rows[:cut]
        draft.did(f"audit chain cut to {cut} links, head left as it was")
    else:
        head_rows = _rows(head) or [{}]
        changed = dict(head_rows[0])
        changed[rng.choice(("seq", "hash", "id"))] = rng.choice((0, 10**6, "0" * 64, 2))
        _set_rows(head, rng.choice(([changed], [head_rows[0], changed], [])))
        draft.did("audit head changed")
    _set_rows(audit, rows)
    return None


def _rechain(rows: list[dict[str, Any]]) -> None:
    previous = GENESIS_HASH
    for seq, row in enumerate(rows, start=1):
        row.update(seq=seq, prev_hash=previous)
        row["hash"] = previous = entry_hash(seq, row["at"], row["actor_id"], row["action"],
                                           row["table_name"], row["row_id"], previous)


# -- the archive's shape -----------------------------------------------------------------
_ODD_NAMES = ("../x", "../../manifest.json", "/etc/passwd", "/tmp/records/pupils.jsonl",
              "records/../../x.jsonl", "./manifest.json", "records/pupils.jsonl/",
              "records/Pupils.jsonl", "records/pupils.json", "records/", "pdf/../x.pdf",
              "pdf/.hidden.pdf", "templates/../../x.txt", "templates/parts/a/b.txt",
              "manifest.json\x00.txt", "C:\\Windows\\x", "x" * 300,
              "records/" + "a" * 65 + ".jsonl", "records/\u00fcnicode.jsonl", "README.TXT")
_SPECIAL_TYPES = ((tarfile.SYMTYPE, "symlink"), (tarfile.LNKTYPE, "hard link"),
                  (tarfile.CHRTYPE, "character device"), (tarfile.BLKTYPE, "block device"),
                  (tarfile.FIFOTYPE, "fifo"), (tarfile.DIRTYPE, "directory"),
                  (tarfile.CONTTYPE, "contiguous file"), (b"V", "volume label"),
                  (b"Z", "unknown type"))


def _shape_change(draft: _Draft) -> None:
    rng = draft.rng
    entries = draft.entries
    index = rng.randrange(len(entries))
    entry = entries[index]
    action = rng.random()
    if action < 0.12:
        del entries[index]
        draft.did(f"{entry.name} left out")
    elif action < 0.22:
        entries.insert(rng.randrange(len(entries) + 1), replace(entry))
        draft.did(f"{entry.name} twice")
    elif action < 0.3:
        rng.shuffle(entries)
        draft.did("members shuffled", still_valid=entries[0].name == MANIFEST_NAME)
    elif action < 0.4:
        other = rng.randrange(len(entries))
        entries[index], entries[other] = entries[other], entries[index]
        draft.did(f"members {index} and {other} swapped",
                  still_valid=entries[0].name == MANIFEST_NAME)
    elif action < 0.55:
        entry.name = rng.choice(_ODD_NAMES)
        draft.did(f"member {index} renamed {entry.name!r}")
    elif action < 0.7:
        kind, what = rng.choice(_SPECIAL_TYPES)
        name = rng.choice((entry.name, *_ODD_NAMES))
        entries.insert(rng.randrange(len(entries) + 1), Entry(
            name, b"", kind, linkname=rng.choice(("/etc/passwd", "../x", entry.name))))
        draft.did(f"a {what} named {name!r}")
    elif action < 0.8:
        entry.type = rng.choice(_SPECIAL_TYPES)[0]
        entry.linkname = "/etc/shadow"
        draft.did(f"{entry.name} made a link or device")
    elif action < 0.9:
        entry.declared_size = rng.choice((len(entry.data) + 1, max(len(entry.data) - 1, 0),
                                          2**33, 2**40, 8**11 - 1, 10**15))
        draft.did(f"{entry.name} declares {entry.declared_size} bytes")
    elif action < 0.95:
        name = rng.choice(("pdf/extra.pdf", "templates/parts/evil.txt", "README.txt",
                           "templates/referral.txt"))
        entries.append(Entry(name, b"%PDF-1.4 {{ 7*7 }} {% include '/etc/passwd' %}"))
        draft.did(f"an extra member {name}")
    else:
        count = rng.choice((200, 20_001))
        entries.extend(Entry(f"pdf/p{i}.pdf", b"") for i in range(count))
        draft.did(f"{count} extra empty members")


# -- the manifest ------------------------------------------------------------------------
_MANIFEST_KEYS = ("format", "format_version", "kind", "bundle_id", "schema_version",
                  "school", "store_id", "created_at", "created_by", "counts", "members",
                  "details")


def _manifest_change(draft: _Draft) -> None:
    rng = draft.rng
    entry = draft.find(MANIFEST_NAME)
    if entry is None:
        draft.entries.insert(0, Entry(MANIFEST_NAME, b"{}"))
        draft.did("an empty manifest first")
        return
    try:
        manifest = json.loads(entry.data)
    except (ValueError, RecursionError):
        manifest = None
    action = rng.random()
    if not isinstance(manifest, dict) or action < 0.15:
        return _manifest_text_change(draft, entry)
    key = rng.choice(_MANIFEST_KEYS)
    if action < 0.25:
        manifest.pop(key, None)
        draft.did(f"manifest without {key}")
    elif action < 0.3:
        manifest[rng.choice(("extra", "__proto__", "Kind"))] = _odd_value(rng)
        draft.did("manifest with an extra key")
    elif action < 0.5:
        manifest[key] = _odd_value(rng)
        draft.did(f"manifest {key} = {_short(manifest[key])}")
    elif action < 0.6:
        manifest["kind"] = rng.choice(("handover", "share", "transfer", "receipt", "HANDOVER"))
        draft.did(f"manifest kind {manifest['kind']}")
    elif action < 0.7:
        key = rng.choice(("format_version", "schema_version"))
        manifest[key] = rng.choice((0, 1, 2, 7, 8, 9, 10, 99, 2**63, 10**400, "9", 9.0, True))
        draft.did(f"manifest {key} = {_short(manifest[key])}")
    elif action < 0.8 and isinstance(manifest.get("counts"), dict):
        counts = manifest["counts"]
        table = rng.choice([*sorted(counts), "zzz_unknown", "search_keys", "drafts"])
        counts[table] = rng.choice((counts.get(table, 0) + 1, max(counts.get(table, 0) - 1, 0),
                                    -1, 2**62, 10**40, "1", None))
        draft.did(f"manifest counts {table} = {_short(counts[table])}")
    elif action < 0.88 and isinstance(manifest.get("members"), dict) and manifest["members"]:
        members = manifest["members"]
        name = rng.choice(sorted(members))
        which = rng.random()
        if which < 0.4:
            members[name] = hashlib.sha256(os.urandom(8)).hexdigest()
        elif which < 0.6:
            del members[name]
        elif which < 0.8:
            members["pdf/ghost.pdf"] = hashlib.sha256(b"").hexdigest()
        else:
            members[name] = members[name].upper()
        draft.did(f"manifest checksum of {name} changed")
    elif action < 0.94:
        manifest["created_at"] = rng.choice(("", "yesterday", "2026-13-45T10:00:00+00:00",
                                             "9999-12-31T23:59:59+14:00", "2026-11-02",
                                             "0001-01-01T00:00:00-12:00", "2026-11-02T10:00"))
        draft.did(f"manifest created_at {manifest['created_at']!r}")
    else:
        depth = rng.choice((30, 3000, 300_000))
        text = _dumps({**manifest, "details": "@@DEEP@@"})
        entry.data = text.replace('"@@DEEP@@"', _deep(depth)).encode()
        draft.did(f"manifest details nested {depth} deep")
        return
    entry.data = _dumps(manifest).encode()


def _manifest_text_change(draft: _Draft, entry: Entry) -> None:
    rng = draft.rng
    data = entry.data
    at = rng.randrange(len(data) + 1)
    edits: list[tuple[str, bytes]] = [
        ("manifest cut short", data[:at]),
        ("manifest with invalid UTF-8", data[:at] + b"\xc3\x28\xff" + data[at:]),
        ("manifest with a BOM", b"\xef\xbb\xbf" + data),
        ("manifest in UTF-16", data.decode("utf-8", "replace").encode("utf-16")),
        ("manifest with kind twice", data[:-1] + b',"kind":"handover"}'),
        ("manifest a list", b"[" + data + b"]"),
        ("manifest a string", b'"sgdesk-bundle"'),
        ("manifest null", b"null"),
        ("manifest with NaN", data.replace(b'"format_version":1', b'"format_version":NaN')),
        ("manifest with a NUL", data[:at] + b"\x00" + data[at:]),
        ("manifest empty", b""),
    ]
    what, entry.data = rng.choice(edits)
    draft.did(what)


# -- checksums, the plaintext, the ciphertext --------------------------------------------
def refresh_checksums(entries: list[Entry]) -> None:
    """Make the manifest's checksums and counts match the regular members again."""
    manifest_entry = next((e for e in entries if e.name == MANIFEST_NAME), None)
    if manifest_entry is None:
        return
    try:
        manifest = json.loads(manifest_entry.data)
    except (ValueError, RecursionError):
        return
    if not isinstance(manifest, dict):
        return
    regular = {e.name: e.data for e in reversed(entries)
               if e.name != MANIFEST_NAME and e.type == tarfile.REGTYPE}
    manifest["members"] = {n: hashlib.sha256(d).hexdigest() for n, d in regular.items()}
    manifest["counts"] = {table_of(n): d.count(b"\n") for n, d in regular.items()
                          if table_of(n) is not None}
    manifest_entry.data = _dumps(manifest).encode()


def _plaintext_change(rng: random.Random, plain: bytes) -> tuple[bytes, str]:
    at = rng.randrange(len(plain) + 1)
    edits: list[tuple[str, bytes]] = [
        ("tar cut short", plain[:at]),
        ("garbage after the tar", plain + os.urandom(rng.randrange(1, 3000))),
        ("tar header bytes flipped", plain[:at] + bytes([plain[at % len(plain)] ^ 0xFF])
         + plain[at + 1:]),
        ("not a tar at all", os.urandom(rng.randrange(0, 5000))),
        ("an empty plaintext", b""),
        ("zero blocks only", bytes(10240)),
        ("a gzip of the tar", gzip.compress(plain)),
    ]
    what, changed = rng.choice(edits)
    return changed, what


_CONTENT_CHANGES: tuple[tuple[float, Callable[[_Draft], None]], ...] = (
    (0.32, _record_change), (0.1, _raw_line_change), (0.06, _unknown_table),
    (0.1, _audit_change), (0.2, _shape_change), (0.22, _manifest_change),
)


def _sealed_case(rng: random.Random, seed: int, source: Source, public_key: str,
                 other_public_key: str) -> Case:
    draft = _Draft(rng, [Entry(n, d) for n, d in source.members])
    steps = 0 if rng.random() < 0.04 else rng.choice((1, 1, 1, 2, 2, 3))
    weights = [w for w, _ in _CONTENT_CHANGES]
    changes = rng.choices([c for _, c in _CONTENT_CHANGES], weights, k=steps)
    for change in changes:
        if change is not _manifest_change:
            change(draft)
    if rng.random() < 0.75:
        refresh_checksums(draft.entries)
    elif draft.steps:
        draft.did("checksums left as they were")
    for change in changes:
        if change is _manifest_change:  # after the checksums, or they would undo it
            change(draft)
    plain = tar_bytes(draft.entries, rng)
    if rng.random() < 0.05:
        plain, what = _plaintext_change(rng, plain)
        draft.did(what)
    how = rng.random()
    passphrase: str | None = None
    if how < 0.85:
        data = pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(public_key)])
    elif how < 0.95:
        passphrase = PASSPHRASE
        data = passphrase_encrypt(plain, PASSPHRASE)
        draft.steps.append("sealed to the passphrase")
    elif how < 0.975:
        passphrase = rng.choice(("wrong passphrase", "", None))
        data = passphrase_encrypt(plain, PASSPHRASE)
        draft.did(f"sealed to a passphrase, opened with {passphrase!r}")
    else:
        data = pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(other_public_key)])
        draft.did("sealed to another school's key")
    return Case(seed, source.kind, tuple(draft.steps), data, passphrase, draft.valid)


def _damaged_case(rng: random.Random, seed: int, source: Source, other: Source) -> Case:
    protected = rng.random() < 0.3
    original = source.passphrase_ciphertext if protected else source.ciphertext
    data = bytearray(original)
    steps: list[str] = ["passphrase bundle"] if protected else []
    for _ in range(rng.choice((1, 1, 1, 2, 3, 8))):
        at = rng.randrange(len(data))
        action = rng.random()
        if action < 0.3:
            bit = rng.randrange(8)
            data[at] ^= 1 << bit
            steps.append(f"bit {bit} of byte {at} flipped")
        elif action < 0.45:
            data[at] = rng.randrange(256)
            steps.append(f"byte {at} replaced")
        elif action < 0.6:
            cut = rng.choice((at, rng.randrange(min(len(data), 300))))
            del data[cut:]
            steps.append(f"cut at {cut}")
        elif action < 0.7:
            size = rng.choice((1, 16, 4096, 65_536 + 16))
            data[at:at] = os.urandom(size)
            steps.append(f"{size} bytes inserted at {at}")
        elif action < 0.78:
            end = min(len(data), at + rng.choice((1, 16, 4096, 65_552)))
            del data[at:end]
            steps.append(f"bytes {at}-{end} removed")
        elif action < 0.85:
            end = min(len(data), at + rng.randrange(1, 512))
            data[at:at] = data[at:end]
            steps.append(f"bytes {at}-{end} repeated")
        else:
            theirs = other.passphrase_ciphertext if protected else other.ciphertext
            cut_here, cut_there = at, rng.randrange(len(theirs))
            data = bytearray(data[:cut_here] + theirs[cut_there:])
            steps.append(f"spliced at {cut_here} with the {other.kind} bundle from {cut_there}")
        if not data:
            break
    factor = work_factor(bytes(data)) if protected else None
    if factor is not None and _SLOW_BY_DESIGN.fullmatch(factor):
        # age lets a passphrase file ask for up to ~16x its usual work: slow by
        # design, not a hang (test_bundle_fuzz checks that absurd factors are refused)
        data = bytearray(bytes(data).replace(b" " + factor + b"\n",
                                             b" %d\n" % FAST_WORK_FACTOR, 1))
        steps.append("work factor put back")
    return Case(seed, source.kind, tuple(steps), bytes(data),
                PASSPHRASE if protected else None)


def make_case(seed: int, sources: tuple[Source, ...], public_key: str,
              other_public_key: str) -> Case:
    """The case for ``seed``: a damaged file or well-sealed nonsense (or, rarely,
    a valid bundle), from one of ``sources``, sealed to ``public_key``."""
    rng = random.Random(seed)
    source = rng.choice(sources)
    if rng.random() < 0.3:
        other = rng.choice([s for s in sources if s is not source] or [source])
        return _damaged_case(rng, seed, source, other)
    return _sealed_case(rng, seed, source, public_key, other_public_key)
