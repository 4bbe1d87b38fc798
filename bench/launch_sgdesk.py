"""sgdesk started the way ``sgdesk`` starts it, up to its unlock screen.

Run by :mod:`bench.startup` with ``SGDESK_HOME`` pointing at a prepared demo
store. Prints ``ready`` when the unlock screen is first shown, then quits.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from sgdesk.services.app_logging import configure_logging, install_crash_logger
from sgdesk.services.locations import APP_NAME, AppLocations
from sgdesk.ui.app import create_main_window, start


def main() -> int:
    locations = AppLocations.default()
    configure_logging(locations.log_dir)
    install_crash_logger()
    app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    window = create_main_window(locations)

    def ready() -> None:
        app.processEvents()
        print("ready", flush=True)
        window.close()
        app.quit()

    window.unlock_screen_shown.connect(ready)
    window.show()
    start(window, locations)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
