"""Noticing that the computer's own session was locked, so sgdesk locks too.

On Linux the desktop announces a screen lock on D-Bus: the screensaver's
``ActiveChanged(true)`` on the session bus (freedesktop and GNOME names) and
logind's ``Lock`` signal for this login session on the system bus. Any of them
emits :attr:`SessionLockWatcher.session_locked`. Where there is no bus (CI, a
headless box, Windows, macOS) the watcher logs one line and stays quiet.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

#: (object path, interface) pairs that emit ``ActiveChanged(bool)``.
_SCREENSAVERS = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)
_LOGIN1_SERVICE = "org.freedesktop.login1"
_LOGIN1_SESSION = "org.freedesktop.login1.Session"


class SessionLockWatcher(QObject):
    """Emits :attr:`session_locked` when the desktop session locks.

    ``session_bus`` and ``system_bus`` default to the user's buses; tests pass a
    connection to a private bus.
    """

    session_locked = Signal()

    def __init__(self, parent: QObject | None = None, *,
                 session_bus: QDBusConnection | None = None,
                 system_bus: QDBusConnection | None = None) -> None:
        super().__init__(parent)
        self.watching: list[str] = []
        if not sys.platform.startswith("linux"):
            log.info("session lock watch: not available on this platform")
            return
        session = session_bus if session_bus is not None else QDBusConnection.sessionBus()
        system = system_bus if system_bus is not None else QDBusConnection.systemBus()
        if session.isConnected():
            for path, interface in _SCREENSAVERS:
                if session.connect("", path, interface, "ActiveChanged", self,
                                   SLOT("_on_screensaver_active(bool)")):
                    self.watching.append(interface)
        if system.isConnected() and system.connect(
            _LOGIN1_SERVICE, _login1_session_path(), _LOGIN1_SESSION, "Lock", self,
            SLOT("_on_login1_lock()"),
        ):
            self.watching.append(_LOGIN1_SESSION)
        if self.watching:
            log.info("session lock watch: listening to %s", ", ".join(self.watching))
        else:
            log.info("session lock watch: no D-Bus available, screen locks will not lock sgdesk")

    @Slot(bool)
    def _on_screensaver_active(self, active: bool) -> None:
        if active:
            self.session_locked.emit()

    @Slot()
    def _on_login1_lock(self) -> None:
        self.session_locked.emit()


def _login1_session_path() -> str:
    """logind's object path for this login session, or ``""`` (any session) if unknown.

    logind escapes the session id like systemd's ``sd_bus_path_encode``: letters,
    and digits after the first character, stay; anything else becomes ``_xx`` (hex).
    """
    session_id = os.environ.get("XDG_SESSION_ID", "")
    if not session_id:
        return ""
    escaped = "".join(
        ch if ch.isascii() and (ch.isalpha() or (i > 0 and ch.isdigit()))
        else "".join(f"_{b:02x}" for b in ch.encode("utf-8"))
        for i, ch in enumerate(session_id)
    )
    return f"/org/freedesktop/login1/session/{escaped}"
