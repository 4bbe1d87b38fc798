"""Search as you type: pupils and every concern field, with the words found
highlighted.

Typing restarts a short timer; when it fires, one search runs on the database
worker. Each search carries a number, and only the answer to the latest one is
shown: a slow answer to an earlier query never replaces a newer one, and a query
already superseded when the worker reaches it is not run at all.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from sgdesk.services import search
from sgdesk.services.search import SearchHit
from sgdesk.services.session import Session
from sgdesk.ui.error_text import describe
from sgdesk.ui.record_text import names_text
from sgdesk.ui.worker import DbWorker

SEARCH_DELAY_MS = 200
MAX_HITS = 50
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole
#: How a found word is marked: a pale yellow background and a heavier weight, so it
#: shows without colour too.
HIGHLIGHT_OPEN = '<span style="background-color:#ffe58a; font-weight:600;">'
HIGHLIGHT_CLOSE = "</span>"

_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
NameLookup = Callable[[str], str | None]


def highlighted_html(parts: tuple[str, ...]) -> str:
    """Alternating plain/found parts as HTML, every part escaped."""
    return "".join(f"{HIGHLIGHT_OPEN}{html.escape(p)}{HIGHLIGHT_CLOSE}" if i % 2
                   else html.escape(p) for i, p in enumerate(parts))


def hit_heading(hit: SearchHit, name_of: NameLookup) -> str:
    """The first line of a result: what kind of record, and whose."""
    if hit.kind == "pupil":
        return "Pupil"
    names = [name_of(p) or "a pupil" for p in hit.pupil_ids]
    return f"Concern about {names_text(names)}" if names else "Concern"


class SearchResultsModel(QAbstractListModel):
    """Search hits; ``DisplayRole`` is plain text (for screen readers), ``HTML_ROLE``
    the highlighted version the delegate draws."""

    def __init__(self, name_of: NameLookup) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []
        self._name_of = name_of

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = hits
        self.endResetModel()

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        if role == HIT_ROLE:
            return hit
        heading = hit_heading(hit, self._name_of)
        title = hit.title_parts or (hit.title,)
        if role == Qt.ItemDataRole.DisplayRole:
            return "\n".join(t for t in (heading, "".join(title), "".join(hit.snippet)) if t)
        if role == HTML_ROLE:
            lines = [f"<b>{html.escape(heading)}</b>", highlighted_html(title)]
            if "".join(hit.snippet).strip():
                lines.append(f'<span style="color:#4d4d4d;">{highlighted_html(hit.snippet)}'
                             "</span>")
            return "<br>".join(lines)
        return None


class RichTextDelegate(QStyledItemDelegate):
    """Draws an item's ``HTML_ROLE`` text, wrapped to the view's width."""

    MARGIN = 6

    def _document(self, option: QStyleOptionViewItem, index: _Index) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(index.data(HTML_ROLE) or "")
        width = option.rect.width() or (option.widget.width() if option.widget else 400)
        document.setTextWidth(max(width - 2 * self.MARGIN, 100))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.save()
        painter.translate(option.rect.left() + self.MARGIN, option.rect.top() + self.MARGIN)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        document = self._document(option, index)
        return QSize(int(document.idealWidth()) + 2 * self.MARGIN,
                     int(document.size().height()) + 2 * self.MARGIN)


class SearchView(QWidget):
    """The results of the search typed in the window's search box.

    Emits :attr:`pupil_chosen` (pupil id) or :attr:`concern_chosen` (concern id and
    the ids of the children it involves) when a result is opened.
    """

    pupil_chosen = Signal(str)
    concern_chosen = Signal(str, tuple)
    #: Tests: the answer to the latest search is on screen.
    results_shown = Signal()

    def __init__(self, worker: DbWorker, name_of: NameLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._session: Session | None = None
        self._query = ""
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run)

        self.heading = QLabel("Search results")
        self.heading.setObjectName("subheading")
        self.status = QLabel()
        self.status.setObjectName("detail")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.model = SearchResultsModel(name_of)
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setAccessibleName("Search results")
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setAlternatingRowColors(True)
        self.results.activated.connect(self._open)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

    def start(self, session: Session) -> None:
        self._session = session

    def search(self, text: str) -> None:
        """Search for ``text`` once typing pauses; empty text clears the results."""
        self._query = text.strip()
        self._generation += 1
        if not self._query:
            self._timer.stop()
            self.model.set_hits([])
            self.status.clear()
            return
        self._timer.start()

    def clear(self) -> None:
        """Forget the session, the query and every result (on lock)."""
        self._session = None
        self.search("")

    def open_first(self) -> None:
        """Enter in the search box opens the first result, if any."""
        if self.model.rowCount():
            self._open(self.model.index(0))

    def focus_results(self) -> None:
        if self.model.rowCount():
            self.results.setFocus(Qt.FocusReason.TabFocusReason)
            self.results.setCurrentIndex(self.model.index(0))

    def _run(self) -> None:
        session, query, generation = self._session, self._query, self._generation
        if session is None:
            return

        def job() -> list[SearchHit] | None:
            if generation != self._generation:  # already superseded: skip the work
                return None
            return search.search(session, query, MAX_HITS)

        self.status.setText("Searching…")
        self._worker.run(job, on_done=lambda hits: self._show(generation, hits),
                         on_error=lambda exc: self._failed(generation, exc))

    def _show(self, generation: int, hits: list[SearchHit] | None) -> None:
        if generation != self._generation or hits is None:
            return
        self.model.set_hits(hits)
        count = len(hits)
        self.status.setText(
            "Nothing matches that. Try fewer or shorter words." if not count else
            "1 match. Press Enter to open it." if count == 1 else
            f"The {count} best matches. Type more words to narrow them." if count >= MAX_HITS
            else f"{count} matches, best first. Press Down to go through them.")
        self.results_shown.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(describe(exc))

    def _open(self, index: QModelIndex) -> None:
        hit: SearchHit | None = index.data(HIT_ROLE)
        if hit is None:
            return
        if hit.kind == "pupil":
            self.pupil_chosen.emit(hit.record_id)
        elif hit.pupil_ids:
            self.concern_chosen.emit(hit.record_id, hit.pupil_ids)
