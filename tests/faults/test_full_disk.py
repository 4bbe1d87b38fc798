"""Full disk: writes, bundle exports and backups on a deliberately small
filesystem fail with a clear message, leave nothing half-written behind, and
leave the store whole.

The small filesystem is a tmpfs of a few pages mounted for the test (root
only). Where mounting is impossible those tests skip, and the last test still
fills a disk of sorts: the writer process runs under a file-size limit
(``RLIMIT_FSIZE``), so its store cannot grow.
"""

from __future__ import annotations

import errno
import io
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sgdesk import cli
from sgdesk.models.errors import WriteFailed
from sgdesk.models.pupils import Pupil
from sgdesk.services.bundle_building import Encryption
from sgdesk.services.bundle_reading import open_bundle
from sgdesk.services.concerns import concerns_on_file
from sgdesk.services.handover_export import export_handover
from sgdesk.services.maintenance import backup_store, verify_store
from sgdesk.services.session import Session
from tests.bundle_helpers import key_pair, snapshot
from tests.faults.writer_process import (
    ROOT,
    acks_in,
    missing_writes,
    writer_command,
    writer_env,
)
from tests.helpers import (
    DSL_LOGIN,
    DSL_PASSWORD,
    add_pupil,
    close,
    log_about,
    make_store,
    reopen,
)

PAGE = 4096
#: Enough text that a concern takes a page or two of the store.
LONG_FACTS = "Seen crying by the gate and would not say why. " * 80
DISK_FULL = "The disk is full, so nothing was saved. Free some space and try again."
COPY_NOT_WRITTEN = "The disk is full, so the copy was not written. Free some space and try again."
BUNDLE_NOT_WRITTEN = ("The disk is full, so the bundle was not written. "
                      "Free some space and try again.")


@dataclass(frozen=True)
class SmallDisk:
    """A tmpfs of a few pages, mounted for one test."""

    root: Path

    def fill(self) -> Path:
        """Take every page still free; returns the file that holds them."""
        filler = self.root / "filler"
        with filler.open("ab", buffering=0) as out:
            try:
                while True:
                    out.write(bytes(PAGE))
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        return filler

    def ballast(self, size: int) -> Path:
        """A file of ``size`` bytes to delete later, making room."""
        ballast = self.root / "ballast"
        ballast.write_bytes(bytes(size))
        return ballast

    def contents(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir())


MountSmallDisk = Callable[[int], SmallDisk]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[MountSmallDisk]:
    """``small_disk(size)`` mounts a tmpfs of ``size`` bytes (whole pages); each is
    unmounted when the test ends."""
    mounted: list[Path] = []

    def mount(size: int) -> SmallDisk:
        point = tmp_path / f"small-disk-{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700",
                               "sgdesk-small-disk", str(point)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip("a small tmpfs cannot be mounted here (it needs root): "
                        f"{done.stderr.strip()}. The file-size-limit test still runs.")
        mounted.append(point)
        return SmallDisk(point)

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "--lazy", str(point)], check=True)


def store_with_records(path: Path, concerns: int = 20) -> tuple[Session, Pupil]:
    session, _ = make_store(path)
    pupil = add_pupil(session, "Amy", "Example", upn="A123456789012")
    for _ in range(concerns):
        log_about(session, pupil, facts=LONG_FACTS)
    return session, pupil


def assert_sound(session: Session) -> None:
    report = verify_store(session)
    assert report.ok, report.lines()


# -- (a) the store's own disk fills ----------------------------------------------------
def test_a_full_disk_refuses_the_write_and_keeps_every_earlier_one(
        small_disk: MountSmallDisk) -> None:
    disk = small_disk(4 * 1024 * 1024)
    ballast = disk.ballast(1024 * 1024)  # what the person deletes to make room
    path = disk.root / "records.sgdesk"
    session, pupil = store_with_records(path, concerns=0)
    logged: list[str] = []
    with pytest.raises(WriteFailed) as refused:
        while len(logged) < 1000:
            logged.append(log_about(session, pupil, facts=LONG_FACTS))
    assert str(refused.value) == DISK_FULL
    assert len(logged) > 5
    with pytest.raises(WriteFailed, match="The disk is full"):  # again: refused, not half-done
        log_about(session, pupil, facts="A short one")
    close(session)

    filler = disk.fill()  # not a page left, even for the lock file's note of who holds it
    session = reopen(path)
    try:
        assert_sound(session)
        assert sorted(e.id for e in concerns_on_file(session, pupil.id)) == sorted(logged)
        filler.unlink()
        ballast.unlink()
        logged.append(log_about(session, pupil, facts="Written once there was room"))
        assert len(concerns_on_file(session, pupil.id)) == len(logged)
        assert_sound(session)
    finally:
        close(session)


def test_a_store_on_a_full_disk_is_not_called_damaged(small_disk: MountSmallDisk) -> None:
    """Opening writes SQLite's shared-memory index beside the store: on a disk
    with no room at all that fails, and the person must hear why."""
    disk = small_disk(2 * 1024 * 1024)
    ballast = disk.ballast(512 * 1024)
    path = disk.root / "records.sgdesk"
    session, pupil = store_with_records(path, concerns=3)
    close(session)
    stored = path.read_bytes()
    disk.fill()

    with pytest.raises(WriteFailed) as refused:
        reopen(path)
    assert str(refused.value) == ("The disk is full, so the store could not be opened. "
                                  "Free some space and try again.")
    assert path.read_bytes() == stored
    ballast.unlink()
    session = reopen(path)
    try:
        assert_sound(session)
        assert len(concerns_on_file(session, pupil.id)) == 3
    finally:
        close(session)


# -- (b) a bundle that does not fit --------------------------------------------------------
def test_a_bundle_that_does_not_fit_leaves_nothing_behind(
        store_path: Path, tmp_path: Path, small_disk: MountSmallDisk) -> None:
    session, _ = store_with_records(store_path)
    identity, public = key_pair()
    encryption = Encryption((public,), described_as="test")
    size = export_handover(session, tmp_path / "measure.age", encryption).size
    try:
        before = snapshot(session)
        # From no room at all to just short of the bundle: never a part-file.
        for free in (PAGE, size // 2, size - PAGE):
            disk = small_disk(free)
            with pytest.raises(WriteFailed) as refused:
                export_handover(session, disk.root / "handover.age", encryption)
            assert str(refused.value) == BUNDLE_NOT_WRITTEN
            assert disk.contents() == []
        assert snapshot(session) == before  # not even the line in the bundle log
        assert_sound(session)

        roomy = small_disk(size + 2 * PAGE)  # and with room, a whole bundle that opens
        written = export_handover(session, roomy.root / "handover.age", encryption)
        assert roomy.contents() == ["handover.age"]
        assert open_bundle(written.path.read_bytes(), identities=[identity]).manifest
    finally:
        close(session)


# -- (c) a backup that does not fit --------------------------------------------------------
def test_a_backup_is_whole_or_absent_whatever_room_is_left(
        store_path: Path, tmp_path: Path, small_disk: MountSmallDisk) -> None:
    session, pupil = store_with_records(store_path)
    size = backup_store(session, tmp_path / "measure.sgdesk").stat().st_size
    outcomes: set[str] = set()
    try:
        # Page by page across the edge: the copy, its journal and its key file
        # each need room, and whichever runs out, nothing of the backup stays.
        for free in range(size - 2 * PAGE, size + 8 * PAGE, PAGE):
            before = snapshot(session)
            disk = small_disk(free)
            copy = disk.root / "copy.sgdesk"
            try:
                backup_store(session, copy)
            except WriteFailed as refused:
                assert str(refused) == COPY_NOT_WRITTEN
                assert disk.contents() == []
                assert snapshot(session) == before  # no "backup" in the audit trail
                outcomes.add("refused")
                continue
            assert disk.contents() == ["copy.sgdesk", "copy.sgdesk.keys"]
            # Opened elsewhere: opening it here would need room for SQLite's index.
            check = tmp_path / f"check-{free}"
            shutil.copytree(disk.root, check)
            restored = reopen(check / "copy.sgdesk")
            try:
                assert_sound(restored)
                assert len(concerns_on_file(restored, pupil.id)) == 20
            finally:
                close(restored)
            outcomes.add("written")
        assert outcomes == {"refused", "written"}
        assert_sound(session)
    finally:
        close(session)


# -- the command line says it in one line ------------------------------------------------
def run_cli(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(DSL_PASSWORD + "\n"))
    return cli.main([*argv, "--login", DSL_LOGIN, "--password-stdin"])


def test_the_command_line_reports_a_full_disk_in_one_line(
        store_path: Path, small_disk: MountSmallDisk, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    session, _ = store_with_records(store_path)
    before = snapshot(session)
    close(session)
    disk = small_disk(8 * PAGE)

    assert run_cli(monkeypatch, "backup", str(store_path), str(disk.root / "copy")) == 1
    assert capsys.readouterr().err == f"sgdesk: {COPY_NOT_WRITTEN}\n"
    assert run_cli(monkeypatch, "export", str(store_path), "--share",
                   str(disk.root / "share.age"), "--pupil", "A123456789012",
                   "--recipient", "Northshire MASH", "--purpose", "Strategy discussion",
                   "--to", key_pair()[1]) == 1
    assert capsys.readouterr().err == f"sgdesk: {BUNDLE_NOT_WRITTEN}\n"
    assert disk.contents() == []
    session = reopen(store_path)
    try:
        assert snapshot(session) == before
    finally:
        close(session)


# -- without a small filesystem: a file-size limit -----------------------------------------
def test_a_file_size_limit_stops_the_writer_with_its_writes_whole(store_path: Path) -> None:
    """The writer process may not grow any file past a limit set off a page
    boundary, so the last page it writes is cut short: its store must still open,
    sound, holding every write it reported."""
    close(make_store(store_path)[0])
    limit = store_path.stat().st_size + 50 * PAGE + PAGE // 2
    done = subprocess.run(writer_command(store_path, DSL_LOGIN, DSL_PASSWORD, 7, limit),
                          cwd=ROOT, env=writer_env(), capture_output=True, text=True,
                          timeout=120)
    lines = done.stdout.splitlines(keepends=True)
    assert done.returncode == 1, done.stderr
    assert lines[-1] in (f"failed WriteFailed: {DISK_FULL}\n",
                         "failed WriteFailed: The disk reported an error, so nothing was "
                         "saved.\n")
    acks = acks_in(lines)
    assert len(acks) > 5
    session = reopen(store_path)
    try:
        assert_sound(session)
        assert missing_writes(session, acks) == []
    finally:
        close(session)
