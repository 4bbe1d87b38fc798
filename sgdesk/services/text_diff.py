"""Word-level differences between two versions of a text, for showing amendments.

A concern is amended, never overwritten, and a reader (the DSL, an inspector)
needs to see exactly which words an amendment removed and which it added. The
result is a list of plain segments so the screen and the printed record can each
draw them their own way. Nothing here knows about HTML or Qt.

Texts are split into words and runs of whitespace, so joining the ``same`` and
``removed`` segments gives back the old text exactly, and ``same`` with ``added``
the new one — line breaks included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

SegmentKind = Literal["same", "removed", "added"]

_TOKENS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class DiffSegment:
    kind: SegmentKind
    text: str


def word_diff(old: str, new: str) -> list[DiffSegment]:
    """The segments turning ``old`` into ``new``: unchanged, removed and added text.

    Where a stretch of words was replaced, all the removed words come first and
    then all the added ones; a lone space that happens to match between two changed
    words is counted as part of the change, so a rewritten sentence reads as one
    removal and one addition rather than a word-by-word jumble.
    """
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[DiffSegment] = []
    removed: list[str] = []
    added: list[str] = []

    def flush_change() -> None:
        _append(segments, "removed", "".join(removed))
        _append(segments, "added", "".join(added))
        removed.clear()
        added.clear()

    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal" and not _joins_two_changes(opcodes, index, before[i1:i2]):
            flush_change()
            _append(segments, "same", "".join(before[i1:i2]))
        else:
            removed.extend(before[i1:i2])
            added.extend(after[j1:j2])
    flush_change()
    return segments


def _joins_two_changes(opcodes: Sequence[tuple[str, int, int, int, int]], index: int,
                       tokens: Sequence[str]) -> bool:
    """Whether an unchanged stretch is only whitespace lying between two changes."""
    return 0 < index < len(opcodes) - 1 and all(t.isspace() for t in tokens)


def _append(segments: list[DiffSegment], kind: SegmentKind, text: str) -> None:
    """Add a segment, skipping empty text and merging with a neighbour of its kind."""
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = DiffSegment(kind, segments[-1].text + text)
    else:
        segments.append(DiffSegment(kind, text))
