"""protect_pdf: AES-256, opens only with the password, no plaintext left in the bytes."""

from __future__ import annotations

import base64
import re
import zlib
from io import BytesIO

import pytest
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from sgdesk.models.errors import InvalidInput
from sgdesk.services.pdf.protect import protect_pdf
from sgdesk.services.pdf.recovery_sheet import render_recovery_sheet
from sgdesk.services.store_creation import new_recovery_key

PASSWORD = "print it at the office"


@pytest.fixture
def sheet() -> tuple[bytes, str]:
    _, key = new_recovery_key()
    return render_recovery_sheet("Hilltop Primary", "records.sgdesk", key, "Jo Bloggs"), key


def test_protected_pdf_needs_the_password(sheet: tuple[bytes, str]) -> None:
    plain, key = sheet
    reader = PdfReader(BytesIO(protect_pdf(plain, PASSWORD)))
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert not reader.decrypt("wrong password")
    assert reader.decrypt(PASSWORD)
    assert key in reader.pages[0].extract_text().replace("\n", "")


def test_protected_pdf_uses_aes_256(sheet: tuple[bytes, str]) -> None:
    reader = PdfReader(BytesIO(protect_pdf(sheet[0], PASSWORD)))
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert encrypt["/V"] == 5 and encrypt["/R"] == 6  # AES-256 (PDF 2.0)


def _readable_bytes(pdf: bytes) -> bytes:
    """The file as it is, plus every stream that unpacks (ASCII85 and/or Flate, as
    ReportLab and pypdf write them): what anyone could read without the password."""
    unpacked = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        data = match.group(1).strip()
        try:
            if data.endswith(b"~>"):
                data = base64.a85decode(data[:-2])
            unpacked.append(zlib.decompress(data))
        except (ValueError, zlib.error):
            continue
    return pdf + b"".join(unpacked)


def test_protected_bytes_hold_no_plaintext(sheet: tuple[bytes, str]) -> None:
    plain, key = sheet
    first_group = key.split("-")[0].encode("ascii")
    assert first_group in _readable_bytes(plain)  # the check below can see text
    readable = _readable_bytes(protect_pdf(plain, PASSWORD))
    for secret in (*key.split("-"), "Hilltop", "Bloggs", PASSWORD):
        assert secret.encode("ascii") not in readable


def test_empty_password_is_refused(sheet: tuple[bytes, str]) -> None:
    with pytest.raises(InvalidInput):
        protect_pdf(sheet[0], "")
