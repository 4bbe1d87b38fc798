"""A handover export of the reference store and its floor, in a process of their
own: ``python -m bench.handover_export_session STORE FOLDER RECIPIENT``.

Signs in and reads the store file through once (neither timed), then:

1. times ``export_handover`` into ``FOLDER/handover.age`` for the age
   ``RECIPIENT`` and takes the process's peak resident memory right after it
   (``ru_maxrss``: Python, the imports and the open store, as a DSL's export);
2. times the floor in the same process: reading every row as JSON Lines, then
   the ``age`` CLI encrypting the same plaintext. The plaintext goes to a
   temporary file in ``FOLDER``: the reference store is fictional, so this is
   the one place that is allowed.

Prints one JSON line for :func:`bench.bundle_figures.bundle_figures`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(store: Path, folder: Path, recipient: str) -> int:
    from bench.reference_common import LOGIN, PASSWORD
    from sgdesk.services.bundle_building import Encryption
    from sgdesk.services.handover_export import export_handover
    from sgdesk.services.session import LockedStore
    from sgdesk.storage import bundle_file
    from sgdesk.storage.bundle_tables import dump_rows, jsonl, table_shapes

    with tempfile.TemporaryDirectory(prefix="sgdesk-bench-export-") as home:
        os.environ["SGDESK_HOME"] = home
        locked = LockedStore(store)
        session = locked.unlock(LOGIN, PASSWORD).session
        _read_through(store)
        try:
            started = time.perf_counter()
            written = export_handover(session, folder / "handover.age",
                                      Encryption((recipient,)))
            export_seconds = time.perf_counter() - started
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            members = [(f"records/{s.name}.jsonl", jsonl(dump_rows(session.db, s)))
                       for s in table_shapes(session.db)]
            read_seconds = time.perf_counter() - started
        finally:
            session.lock()
            locked.close()
    plain = folder / "plain.tar"
    plain.write_bytes(bundle_file.tar_members(members, mtime=0))
    del members
    started = time.perf_counter()
    subprocess.run(["age", "-r", recipient, "-o", str(folder / "floor.age"), str(plain)],
                   check=True)
    age_seconds = time.perf_counter() - started
    plain.unlink()
    (folder / "floor.age").unlink()
    print(json.dumps({
        "export_seconds": export_seconds, "peak_rss_kib": peak_kib,
        "read_seconds": read_seconds, "age_seconds": age_seconds,
        "plaintext_bytes": written.plaintext_size, "rows": written.manifest.records_total(),
    }), flush=True)
    return 0


def _read_through(store: Path) -> None:
    """Read the store file once, untimed: the export runs first, and would
    otherwise pay for a cold page cache that the floor after it does not."""
    with store.open("rb") as f:
        while f.read(1 << 24):
            pass


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
