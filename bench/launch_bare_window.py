"""The floor for launch time: a bare PySide6 window, started the way sgdesk starts.

Prints ``ready`` once the window is shown and its first events are processed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def main() -> int:
    app = QApplication(sys.argv)
    window = QLabel("Hello")
    window.resize(900, 640)
    window.show()
    app.processEvents()
    print("ready", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
