"""Plaintext canary: after a whole working session about one child
(tests/faults/canary_session_script.py), no byte of the child's name is anywhere
sgdesk writes outside the encrypted pages: not in the store file, its WAL, SHM or
journal, the key-slot file, the log, the temporary folder, the config folder or
the data folder; nor anywhere else under the session's home.

The session runs in its own process with ``SGDESK_HOME``, ``HOME``, ``TMPDIR`` and
the ``XDG_*`` folders all inside this test's folder, so whatever it writes (Qt's
and Python's temporary files included) lands where it is scanned. The two PDFs
it prints and saves, as a person would, go to an outputs folder that is not
scanned: they are the person's own copies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sgdesk.services import search
from sgdesk.services.locations import AppLocations
from sgdesk.storage.store_files import StoreFiles
from tests.conftest import CANARY_NAME
from tests.helpers import close, reopen
from tests.privacy_scan import leaks

ROOT = Path(__file__).resolve().parents[2]
NEEDLES = (CANARY_NAME, *CANARY_NAME.split())


def _everything_written(folders: list[Path]) -> list[str]:
    return sorted({hit for folder in folders for needle in NEEDLES
                   for hit in leaks(folder, needle)})


def test_no_byte_of_the_childs_name_outside_the_encrypted_store(tmp_path: Path) -> None:
    home, temp, outputs = tmp_path / "home", tmp_path / "tmp", tmp_path / "outputs"
    sgdesk_home = home / "sgdesk"
    for folder in (home, temp, outputs):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "SGDESK_"))}
    env.update(
        SGDESK_HOME=str(sgdesk_home), HOME=str(home), TMPDIR=str(temp),
        XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local/state"),
        XDG_RUNTIME_DIR=str(temp / "runtime"), QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT))
    session = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.canary_session_script", str(outputs)],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert session.stdout is not None and session.stdin is not None
        paused = session.stdout.readline()
        assert paused == "paused\n", session.communicate(timeout=30)[1][-3000:]
        locations = AppLocations(sgdesk_home / "data", sgdesk_home / "config",
                                 sgdesk_home / "logs")
        files = StoreFiles(locations.default_store)
        # the store open, mid-session: the WAL holds the day's pages
        assert files.wal.stat().st_size > 0 and files.keyslots.exists()
        assert _everything_written([home, temp]) == []
        out, err = session.communicate("go on\n", timeout=60)
    finally:
        if session.poll() is None:
            session.kill()
            session.wait()
    assert session.returncode == 0 and out.strip() == "done", err[-3000:]

    assert files.db.stat().st_size > 100_000  # the records are there, encrypted
    assert (locations.log_dir / "sgdesk.log").read_text().count("\n") > 5
    assert locations.read_config().get("last_store") == str(files.db)
    assert sorted(p.name for p in outputs.iterdir()) == ["printed.pdf", "saved.pdf"]
    assert _everything_written([home, temp]) == []
    opened = reopen(files.db)  # the name is in there, behind the key
    try:
        assert search.search(opened, CANARY_NAME.split()[1])
    finally:
        close(opened)
