"""A pupil's concerns as a table model, as that pupil's file shows them: this
child's role only, and other children by name only where the DSL chose to show it."""

from __future__ import annotations

from sgdesk.models.concerns import OtherChildMention
from sgdesk.services.concern_words import status_words
from sgdesk.services.concerns import ConcernEntry
from sgdesk.ui.record_text import day_text, names_text
from sgdesk.ui.text_table_model import TextTableModel


def other_children_text(others: tuple[OtherChildMention, ...]) -> str:
    """``Ben Example and 1 other child``: named children first, the rest counted."""
    named = [o.shown_name for o in others if o.shown_name]
    unnamed = len(others) - len(named)
    if unnamed:
        named.append(f"{unnamed} other {'child' if unnamed == 1 else 'children'}")
    return names_text(named)


def row_cells(entry: ConcernEntry) -> tuple[str, ...]:
    """One concern's cells, in :attr:`ConcernListModel.HEADERS` order."""
    on_file = entry.on_file
    return (
        day_text(on_file.content.happened_at.astimezone().date()),
        ", ".join(on_file.content.categories),
        on_file.this_child_role.label,
        status_words(entry.status),
        "Amended" if entry.version > 1 else "",
        other_children_text(on_file.other_children),
    )


class ConcernListModel(TextTableModel[ConcernEntry]):
    """Rows of :class:`ConcernEntry`."""

    HEADERS = ("When it happened", "Categories", "This child's role", "Status", "Amended",
               "Other children")

    def headers(self) -> tuple[str, ...]:
        return self.HEADERS

    def cells(self, row: ConcernEntry) -> tuple[str, ...]:
        return row_cells(row)
