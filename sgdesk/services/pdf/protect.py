"""Password-protecting a PDF before it leaves sgdesk (AES-256, via pypdf).

Used when a PDF is saved to disk rather than printed: the recovery sheet saved
for printing elsewhere, and later exported records. AES-256 (PDF 2.0 / revision 6)
needs the ``cryptography`` package, which sgdesk depends on anyway. The owner
password is the same as the open password: permission flags in a PDF are advisory,
so a separate owner password would protect nothing.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter

from sgdesk.models.errors import InvalidInput


def protect_pdf(data: bytes, password: str) -> bytes:
    """Return ``data`` encrypted so that it opens only with ``password``."""
    if not password:
        raise InvalidInput("Enter a password to protect the PDF with.", field="password")
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    writer.encrypt(user_password=password, algorithm="AES-256")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
