"""Looking for a name in files, in every byte form it could take there.

Used by the privacy canary tests: nothing sgdesk writes outside the encrypted
store (and nothing the store writes beside itself) may hold a child's name.
"""

from __future__ import annotations

from pathlib import Path


def leaks(directory: Path, needle: str) -> list[str]:
    """Every file under ``directory`` whose bytes contain ``needle`` (as given, in
    lower or in upper case) in UTF-8 or UTF-16 of either byte order."""
    forms = {text.encode(enc) for text in (needle, needle.lower(), needle.upper())
             for enc in ("utf-8", "utf-16-le", "utf-16-be")}
    return [
        str(p) for p in directory.rglob("*")
        if p.is_file() and any(f in p.read_bytes() for f in forms)
    ]
