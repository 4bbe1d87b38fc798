"""Searching everything as the DSL types: pupils and every concern field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sgdesk.services.session import Session
from sgdesk.storage.concerns_repo import ConcernRepository
from sgdesk.storage.search_index import HIGHLIGHT_END, HIGHLIGHT_START, SearchIndex


@dataclass(frozen=True)
class SearchHit:
    """``snippet`` alternates plain and highlighted text: [plain, hit, plain, hit, …]."""

    kind: str
    record_id: str
    title: str
    snippet: tuple[str, ...]
    pupil_ids: tuple[str, ...]


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


def search(session: Session, text: str, limit: int = 50) -> list[SearchHit]:
    rows = SearchIndex(session.db).search(text, limit)
    children = ConcernRepository(session.db).children_of(
        [r.record_id for r in rows if r.kind == "concern"])
    return [
        SearchHit(r.kind, r.record_id, r.title, split_highlights(r.snippet),
                  tuple(children.get(r.record_id, [r.record_id] if r.kind == "pupil" else [])))
        for r in rows
    ]
