"""A whole app session in its own process, for tracing what it asks of the system.

``python -m tests.faults.app_session_script`` (with ``SGDESK_HOME`` pointing at an
empty folder and ``QT_QPA_PLATFORM=offscreen``) runs sgdesk as its command does
(:func:`sgdesk.ui.app.main`): the first start makes the demo store, then this
signs in as the demo DSL, opens the first pupil on the list and quits. Prints
``done`` and exits 0 once all of that has happened; exits 1 if any step does not
happen within :data:`STEP_SECONDS`.

Key derivation uses the tests' fast parameters (stored per key slot, so nothing
else changes) and the keyring is the null backend, so the machine's own keyring
is never touched.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from sgdesk.services.demo import DEMO_DSL_LOGIN, DEMO_PASSWORD
from sgdesk.storage import kdf, keyslots
from sgdesk.ui import app as sgdesk_app
from sgdesk.ui.main_window import MainWindow
from tests.conftest import FAST_KDF

STEP_SECONDS = 60.0


class Session:
    """The steps, polled from the event loop: each returns True once it has happened."""

    def __init__(self, qt_app: QApplication) -> None:
        self.app = qt_app
        self.opened: list[str] = []
        self.steps: list[tuple[str, Callable[[], bool]]] = [
            ("the unlock form", self._unlock_form_ready),
            ("signing in", self._signed_in),
            ("the pupil list", self._pupil_listed),
            ("opening a pupil", self._pupil_opened),
        ]
        self.started = time.monotonic()
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(50)

    @property
    def window(self) -> MainWindow | None:
        return next((w for w in self.app.topLevelWidgets() if isinstance(w, MainWindow)), None)

    def _poll(self) -> None:
        window = self.window
        if window is None:
            return
        while self.steps:
            name, step = self.steps[0]
            if not step():
                if time.monotonic() - self.started > STEP_SECONDS:
                    print(f"timed out waiting for {name}", file=sys.stderr, flush=True)
                    self.app.exit(1)
                return
            self.steps.pop(0)
            self.started = time.monotonic()
        self.timer.stop()
        print("done", flush=True)
        window.close()
        self.app.quit()

    def _unlock_form_ready(self) -> bool:
        window = self.window
        assert window is not None
        view = window.unlock_view
        if not (window.pages.currentWidget() is view and view.pages.currentWidget()
                is view.form_page and view.unlock_button.isEnabled()):
            return False
        view.user_edit.setText(DEMO_DSL_LOGIN)
        view.password_edit.setText(DEMO_PASSWORD)
        view.unlock_button.click()
        return True

    def _signed_in(self) -> bool:
        window = self.window
        assert window is not None
        return window.pages.currentWidget() is window.workspace and window.home_view.isVisible()

    def _pupil_listed(self) -> bool:
        window = self.window
        assert window is not None
        workspace = window.workspace
        if not workspace.pupil_list.model.rowCount():
            return False
        workspace.record_view.pupil_opened.connect(self.opened.append)
        workspace.open_pupil(workspace.pupil_list.model.entry(0).id)
        return True

    def _pupil_opened(self) -> bool:
        return bool(self.opened)


def main() -> int:
    kdf.calibrated_params = lambda: FAST_KDF  # type: ignore[assignment]
    keyslots.calibrated_params = lambda: FAST_KDF  # type: ignore[assignment]
    qt_app = QApplication(sys.argv[:1])
    session = Session(qt_app)
    code = sgdesk_app.main(sys.argv[:1])
    return code if not session.steps else 1


if __name__ == "__main__":
    sys.exit(main())
