"""Starting the desktop app: logging, the QApplication, the window, the first store.

Which store opens first: the one asked for, else the last one unlocked, else the
usual ``records.sgdesk``, else the demo store (made on first run, on the worker,
so that someone trying sgdesk out never has to type in real data to see it).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from sgdesk.services.app_logging import configure_logging, install_crash_logger
from sgdesk.services.locations import APP_NAME, AppLocations
from sgdesk.ui.gui_thread_gc import GuiThreadCollector
from sgdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: The freedesktop id of packaging/uk.sgdesk.sgdesk.desktop and its AppStream file.
DESKTOP_ID = "uk.sgdesk.sgdesk"


def create_main_window(locations: AppLocations) -> MainWindow:
    """The window, not yet shown and with no store chosen (see :func:`start`)."""
    return MainWindow(locations)


def initial_store(locations: AppLocations, store_path: Path | None = None) -> Path:
    """The store to open at start-up; the demo store's path when nothing else exists."""
    if store_path is not None:
        return store_path
    last = locations.last_store()
    if last is not None and last.exists():
        return last
    if locations.default_store.exists():
        return locations.default_store
    return locations.demo_store


def start(window: MainWindow, locations: AppLocations, store_path: Path | None = None) -> None:
    """Open the first store in ``window``, creating the demo store if that is the one."""
    path = initial_store(locations, store_path)
    if path == locations.demo_store and not path.exists():
        window.prepare_demo_store(path)
    else:
        window.open_store(path)


def main(argv: list[str] | None = None, store_path: Path | None = None,
         exit_when_ready: bool = False) -> int:
    """Run the app until its window closes; returns the exit code.

    Reuses a QApplication that already exists (as under pytest-qt). With
    ``exit_when_ready`` it prints ``ready`` and quits once the unlock screen first
    shows: the benchmark times that, and the packaged app's smoke test proves it.
    """
    locations = AppLocations.default()
    configure_logging(locations.log_dir)
    install_crash_logger()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName(DESKTOP_ID)  # Wayland matches the window to the menu entry
    app.gui_thread_gc = GuiThreadCollector(app)  # type: ignore[attr-defined]
    window = create_main_window(locations)
    window.unlock_screen_shown.connect(_set_window_icon)
    if exit_when_ready:
        window.unlock_screen_shown.connect(lambda: _report_ready_and_quit(window))
    window.show()
    start(window, locations, store_path)
    log.info("app started")
    return app.exec()


def _report_ready_and_quit(window: MainWindow) -> None:
    app = QApplication.instance()
    app.processEvents()  # let the unlock screen paint before saying so
    print("ready", flush=True)
    window.close()
    app.quit()


def _set_window_icon() -> None:
    """Set once the unlock screen is up: drawing the SVG icon is not worth delaying it."""
    from PySide6.QtGui import QIcon

    from sgdesk.services.resources import resources_dir

    if not QApplication.windowIcon().isNull():
        return
    QApplication.setWindowIcon(QIcon(str(resources_dir() / "icons" / "sgdesk.svg")))
