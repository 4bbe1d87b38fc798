"""Searching everything as the DSL types: pupils and every concern field.

A SENDCO finds only pupils with SEND and concerns about them, and a hit names
only such pupils (see :mod:`.access`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sgdesk.services import access
from sgdesk.services.session import Session
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.search_index import HIGHLIGHT_END, HIGHLIGHT_START, SearchIndex

_WORD = re.compile(r"\w+", re.UNICODE)
#: How many more rows a SENDCO's search reads, so that leaving out the records
#: they may not see still leaves a full page of hits.
_SENDCO_READ_AHEAD = 10


@dataclass(frozen=True)
class SearchHit:
    """``snippet`` and ``title_parts`` alternate plain and highlighted text:
    [plain, hit, plain, hit, …]. A word typed may match the title (names, date,
    categories) rather than the body, so both carry highlights."""

    kind: str
    record_id: str
    title: str
    snippet: tuple[str, ...]
    pupil_ids: tuple[str, ...]
    title_parts: tuple[str, ...] = ()


def split_highlights(text: str) -> tuple[str, ...]:
    """Split FTS5's marked snippet into alternating plain/highlighted parts
    (even indexes plain, odd highlighted)."""
    parts = [""]
    for token in re.split(f"([{HIGHLIGHT_START}{HIGHLIGHT_END}])", text):
        if token in (HIGHLIGHT_START, HIGHLIGHT_END):
            parts.append("")
        else:
            parts[-1] += token
    return tuple(parts)


def highlight_words(text: str, typed: str) -> tuple[str, ...]:
    """Mark in ``text`` the words a search for ``typed`` matches, as FTS5 does: every
    typed word whole, the last also as the start of a word. Same shape as
    :func:`split_highlights`."""
    words = [w.casefold() for w in _WORD.findall(typed)]
    if not words:
        return (text,)
    whole, prefix = set(words), words[-1]
    parts: list[str] = []
    last = 0
    for found in _WORD.finditer(text):
        word = found.group().casefold()
        if word in whole or word.startswith(prefix):
            parts += [text[last:found.start()], found.group()]
            last = found.end()
    return (*parts, text[last:])


def search(session: Session, text: str, limit: int = 50) -> list[SearchHit]:
    everyone = access.sees_all(session)
    rows = SearchIndex(session.db).search(text, limit if everyone else
                                          limit * _SENDCO_READ_AHEAD)
    children = ConcernRepository(session.db).children_of(
        [r.record_id for r in rows if r.kind == "concern"])
    pupils = {r.record_id: children.get(r.record_id, [r.record_id] if r.kind == "pupil" else [])
              for r in rows}
    visible = access.visible_ids(session, {p for ids in pupils.values() for p in ids})
    hits = [
        SearchHit(r.kind, r.record_id, r.title, split_highlights(r.snippet),
                  tuple(p for p in pupils[r.record_id] if p in visible),
                  highlight_words(r.title, text))
        for r in rows
    ]
    return hits if everyone else [h for h in hits if h.pupil_ids][:limit]
