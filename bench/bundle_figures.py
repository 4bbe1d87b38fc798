"""Handover export and import of the reference store (issue 9).

Goal: export ≤ 1.5 × (reading the rows + the ``age`` CLI encrypting the same
plaintext). Both sides are measured in the same run. Import is reported as it
is (decrypt, check everything, write every row, rebuild the search index).
The plaintext for the ``age`` floor is written to a temporary file: the
reference store is fictional, so this is the one place that is allowed.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from bench.reference_store import ReferenceStore
from bench.timing import Figure
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.handover_export import export_handover
from sgdesk.services.handover_import import create_store_from_handover
from sgdesk.services.store_creation import NewStoreDetails, new_recovery_key
from sgdesk.storage import age_keys, bundle_file
from sgdesk.storage.bundle_tables import dump_rows, jsonl, table_shapes


def bundle_figures(reference: ReferenceStore) -> tuple[list[Figure], list[str]]:
    """Figures for the table, and lines of MB/s and sizes to print under it."""
    identity = age_keys.new_identity()
    public = age_keys.public_key_of(identity)
    session = reference.unlock()
    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-") as folder:
        work = Path(folder)
        try:
            started = time.perf_counter()
            members = [(f"records/{s.name}.jsonl", jsonl(dump_rows(session.db, s)))
                       for s in table_shapes(session.db)]
            read_seconds = time.perf_counter() - started
            plain = work / "plain.tar"
            plain.write_bytes(bundle_file.tar_members(members, mtime=0))
            del members
            started = time.perf_counter()
            subprocess.run(["age", "-r", public, "-o", str(work / "floor.age"), str(plain)],
                           check=True)
            age_seconds = time.perf_counter() - started
            size = plain.stat().st_size
            plain.unlink()
            started = time.perf_counter()
            written = export_handover(session, work / "h.age", Encryption((public,)))
            export_seconds = time.perf_counter() - started
        finally:
            session.lock()
            session.store.close()
        started = time.perf_counter()
        bundle = open_bundle(written.path.read_bytes(), identities=[identity])
        opened = time.perf_counter() - started
        raw, _ = new_recovery_key()
        details = NewStoreDetails("", "Bench New DSL", "benchnew", "bench new password")
        new = create_store_from_handover(work / "new", bundle, details, raw).session
        import_seconds = time.perf_counter() - started
        new.lock()
        new.store.close()
    megabytes = size / 1e6
    figures = [
        Figure("handover export (whole store)", export_seconds, "<= 1.5x floor",
               "rows read + age CLI", read_seconds + age_seconds),
        Figure("handover import (check + write + index)", import_seconds, "report"),
    ]
    notes = [
        f"handover plaintext {megabytes:,.1f} MB, bundle {written.size / 1e6:,.1f} MB, "
        f"{written.manifest.records_total():,} rows",
        f"export {megabytes / export_seconds:,.1f} MB/s (rows read {read_seconds:.2f} s, "
        f"age CLI {age_seconds:.2f} s = {megabytes / age_seconds:,.0f} MB/s)",
        f"import: decrypt and check {opened:.2f} s, then write and index "
        f"{import_seconds - opened:.2f} s",
    ]
    return figures, notes
