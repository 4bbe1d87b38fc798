"""Interop with the standard ``age`` tool: a partner without sgdesk opens our
bundles, and a bundle sealed by ``age`` itself (from sgdesk's own members) imports."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from sgdesk.services.bundle_reading import open_bundle
from tests.bundle_helpers import (
    assert_same_content,
    handover,
    key_pair,
    set_up_from,
    snapshot,
)
from tests.helpers import add_pupil, close, log_about, make_store

pytestmark = pytest.mark.skipif(shutil.which("age") is None, reason="the age tool is installed "
                                "by `make test` (Debian package age)")


def _key_file(folder: Path, identity: str) -> Path:
    path = folder / "key.txt"
    path.write_text(f"# a test identity\n{identity}\n")
    path.chmod(0o600)
    return path


def test_age_decrypts_an_sgdesk_bundle_into_a_readable_tar(tmp_path: Path) -> None:
    session, _ = make_store(tmp_path / "old")
    log_about(session, add_pupil(session, "Ann", "Smith"))
    identity, public = key_pair()
    written = handover(session, tmp_path / "h.age", public)
    close(session)
    out = tmp_path / "h.tar"
    subprocess.run(["age", "-d", "-i", str(_key_file(tmp_path, identity)), "-o", str(out),
                    str(written.path)], check=True)
    with tarfile.open(out) as tar:
        names = tar.getnames()
        pupils = tar.extractfile("records/pupils.jsonl").read()  # type: ignore[union-attr]
    assert names[:2] == ["manifest.json", "README.txt"]
    assert "records/concerns.jsonl" in names
    assert b"Smith" in pupils


def test_a_tar_sealed_by_age_imports(tmp_path: Path) -> None:
    session, _ = make_store(tmp_path / "old")
    log_about(session, add_pupil(session, "Ann", "Smith"))
    identity, public = key_pair()
    before = snapshot(session)
    written = handover(session, tmp_path / "h.age", public)
    key = _key_file(tmp_path, identity)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(f"age -d -i {key} {written.path} | tar -x -C {unpacked}", shell=True,
                   check=True)
    members = ["manifest.json", "README.txt",
               *sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*.jsonl"))]
    subprocess.run(["tar", "-c", "-f", str(tmp_path / "again.tar"), "-C", str(unpacked),
                    *members], check=True)
    subprocess.run(["age", "-r", public, "-o", str(tmp_path / "again.age"),
                    str(tmp_path / "again.tar")], check=True)
    bundle = open_bundle((tmp_path / "again.age").read_bytes(), identities=[identity])
    new = set_up_from(bundle, tmp_path / "new")
    try:
        assert_same_content(before, new)
    finally:
        close(new)
        close(session)
