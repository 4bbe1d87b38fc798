"""Handover export and import of the reference store (issue 9).

Goal: export ≤ 1.5 × (reading the rows + the ``age`` CLI encrypting the same
plaintext). The export and its floor run in a process of their own
(:mod:`bench.handover_export_session`), so the export's peak memory is its own.
Import is reported as it is, here: decrypt, check everything, write every row and
rebuild the search index, in a new store.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.reference_store import ReferenceStore
from bench.timing import Figure, json_from_module, mebibytes
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.handover_import import create_store_from_handover
from sgdesk.services.store_creation import NewStoreDetails, new_recovery_key
from sgdesk.storage import age_keys


def bundle_figures(reference: ReferenceStore) -> tuple[Figure, Figure, Figure]:
    """(export against its floor, import, the export's peak memory)."""
    identity = age_keys.new_identity()
    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-") as folder:
        work = Path(folder)
        export = json_from_module("bench.handover_export_session", str(reference.path),
                                  folder, age_keys.public_key_of(identity))
        started = time.perf_counter()
        bundle = open_bundle((work / "handover.age").read_bytes(), identities=[identity])
        raw, _ = new_recovery_key()
        details = NewStoreDetails("", "Bench New DSL", "benchnew", "bench new password")
        new = create_store_from_handover(work / "new", bundle, details, raw).session
        import_seconds = time.perf_counter() - started
        new.lock()
        new.store.close()
    size = f"{export['plaintext_bytes'] / 1e6:,.0f} MB, {export['rows']:,} rows"
    return (
        Figure(f"handover export, whole store ({size})", export["export_seconds"],
               "rows read + age CLI", export["read_seconds"] + export["age_seconds"],
               ratio_at_most=1.5),
        Figure("handover import into a new store (check + write + index)", import_seconds),
        Figure("peak RSS, handover export (its own process)", None,
               shown=mebibytes(export["peak_rss_kib"])),
    )
