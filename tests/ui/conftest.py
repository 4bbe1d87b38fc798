"""Fixtures for the main window tests: a closed real store, and windows that are
always closed (store released, worker stopped) when the test ends."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from sgdesk.services.locations import AppLocations
from sgdesk.services.session import Session
from sgdesk.ui.idle_lock import Clock
from sgdesk.ui.main_window import MainWindow
from sgdesk.ui.worker import DbWorker
from tests.helpers import DSL_LOGIN, DSL_PASSWORD, close, make_store

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """As the app does (ui/gui_thread_gc.py): no automatic cycle collection, which
    could run on the database worker and finalise a Qt widget there; the GUI
    thread collects after each test instead."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


class FakeClock:
    """Seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def closed_store(store_path: Path) -> Path:
    """A real encrypted store with one DSL (tests.helpers credentials), locked and released."""
    session, _ = make_store(store_path)
    close(session)
    return store_path


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Build shown main windows; each is closed at the end so no lock or thread leaks."""
    made: list[MainWindow] = []

    def build(clock: Clock | None = None, **kwargs: object) -> MainWindow:
        if clock is not None:
            kwargs["idle_clock"] = clock
        window = MainWindow(AppLocations.default(), **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield build
    for window in made:
        window.close()


def wait_for_unlock_form(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view
                    and window.unlock_view.pages.currentWidget() is window.unlock_view.form_page
                    and window.unlock_view.unlock_button.isEnabled())


def unlock(qtbot: QtBot, window: MainWindow, login: str = DSL_LOGIN,
           password: str = DSL_PASSWORD) -> None:
    """Type the sign-in as a person would and wait for the records workspace, home
    view showing."""
    wait_for_unlock_form(qtbot, window)
    view = window.unlock_view
    view.user_edit.setText(login)
    view.password_edit.clear()
    qtbot.keyClicks(view.password_edit, password)
    view.unlock_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.workspace
                    and window.home_view.isVisible())


def unlocked_on(qtbot: QtBot, make_window: WindowFactory, store: Path,
                login: str = DSL_LOGIN, password: str = DSL_PASSWORD) -> MainWindow:
    """A window on ``store`` (closed), unlocked, with its first lists read."""
    window = make_window()
    window.open_store(store)
    unlock(qtbot, window, login, password)
    wait_idle(qtbot, window)
    return window


def widget_texts(root: QWidget) -> list[str]:
    """Every text a person or a screen reader could get from ``root``'s widget tree:
    labels, fields, buttons, tab titles, combo box choices and every cell of every
    item view. Used to prove what is (and is not) on screen."""
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        for getter in ("text", "toPlainText", "placeholderText", "accessibleName",
                       "accessibleDescription", "toolTip"):
            value = getattr(widget, getter, None)
            if callable(value):
                try:
                    found = value()
                except TypeError:  # a text(index) kind of getter
                    continue
                if isinstance(found, str) and found:
                    texts.append(found)
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
            texts += [str(model.index(r, c).data() or "")
                      for r in range(model.rowCount()) for c in range(columns)]
    return texts


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    """Until every queued worker job has run and reported back."""
    qtbot.waitUntil(lambda: window.worker.pending == 0)


def shot(widget: QWidget, name: str) -> None:
    """Save what the person sees, for looking at (not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # let layouts settle after errors appeared
    widget.grab().save(str(SHOTS / f"{name}.png"))


def shown[W: QWidget](qtbot: QtBot, widget: W) -> W:
    """Show a top-level widget and wait until it is the active window."""
    # Closing at the end of the test as a lock would: a form with typed text would
    # otherwise ask whether to discard it, and wait for an answer forever.
    qtbot.addWidget(widget, before_close_func=lambda w: w.reject()
                    if isinstance(w, QDialog) and w.isVisible() else None)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


# -- a session whose connection lives on a worker thread, without a main window ---------
@pytest.fixture
def worker() -> Iterator[DbWorker]:
    worker = DbWorker()
    yield worker
    worker.shutdown()


def on_worker[T](worker: DbWorker, job: Callable[[], T]) -> T:
    """Run a store call where the connection lives, and wait for its result."""
    result: T = worker.run(job).result(timeout=30)
    return result


@pytest.fixture
def made(worker: DbWorker, store_path: Path) -> Iterator[tuple[Session, str]]:
    """A new store with one DSL, created on the worker: (session, recovery key)."""
    session, recovery_key = on_worker(worker, lambda: make_store(store_path))
    yield session, recovery_key
    on_worker(worker, lambda: close(session) if session.store.is_claimed else None)


@pytest.fixture
def session(made: tuple[Session, str]) -> Session:
    return made[0]
