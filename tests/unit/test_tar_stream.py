"""TarStream: the bundle's tar, made as age reads it, is byte for byte the tar
Python's tarfile writes, however the reader slices it."""

from __future__ import annotations

import io
import tarfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgdesk.storage.bundle_file import TarStream

NAMES = st.sampled_from(["manifest.json", "README.txt", "records/pupils.jsonl",
                         "records/concerns.jsonl", "pdf/concern-1.pdf", "templates/lado.txt"])
MEMBERS = st.lists(st.tuples(NAMES, st.binary(max_size=3000)), max_size=6,
                   unique_by=lambda member: member[0])


def tarfile_bytes(members: list[tuple[str, bytes]], mtime: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o600
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@given(MEMBERS, st.integers(0, 2**33), st.lists(st.integers(1, 5000), min_size=1))
def test_the_stream_is_the_tar_tarfile_writes(
        members: list[tuple[str, bytes]], mtime: int, chunks: list[int]) -> None:
    stream = TarStream(members, mtime)
    expected = tarfile_bytes(members, mtime)
    assert stream.size == len(expected)
    read = bytearray()
    for n in range(10**6):
        chunk = stream.read(chunks[n % len(chunks)])
        if not chunk:
            break
        read += chunk
    assert bytes(read) == expected


def test_a_name_a_bundle_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="not a bundle member name"):
        TarStream([("../etc/passwd", b"")], 0)
