"""The rotating log: events and ids only, never a person's data.

Messages across sgdesk are written to say *what happened* ("store unlocked",
"user added (role dsl)"), never *to whom*. Uncaught exceptions are logged by
type and code location only: exception messages can quote data, so they are
left out.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

LOG_FILE_NAME = "sgdesk.log"
MAX_LOG_BYTES = 1_000_000
KEPT_LOGS = 3


def configure_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``log_dir/sgdesk.log``, rotated when sgdesk starts rather than while
    it runs: a day's events are a few kilobytes, and ``logging.handlers`` (sockets,
    pickle, queues) would add ~9 ms to every launch."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    _rotate_if_large(path)
    handler = _SgdeskLogFile(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("sgdesk")
    for old in [h for h in root.handlers if isinstance(h, _SgdeskLogFile)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    return path


class _SgdeskLogFile(logging.FileHandler):
    """Our handler, told apart from any a host program (or pytest) adds."""


def _rotate_if_large(path: Path) -> None:
    """``sgdesk.log`` over :data:`MAX_LOG_BYTES` becomes ``sgdesk.log.1`` (and so on
    up to :data:`KEPT_LOGS`, the oldest dropped)."""
    try:
        if path.stat().st_size < MAX_LOG_BYTES:
            return
    except FileNotFoundError:
        return
    for n in range(KEPT_LOGS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{n + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def describe_exception_safely(
    exc_type: type[BaseException], tb: TracebackType | None
) -> str:
    """``ValueError at sgdesk/x.py:12 in f <- …``: type and frames, no message text."""
    frames = [f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    return f"{exc_type.__name__} at " + " <- ".join(reversed(frames[-8:]))


def install_crash_logger() -> None:
    """Log uncaught exceptions safely, then let Python report them as usual."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        logging.getLogger("sgdesk.crash").error(
            "uncaught %s", describe_exception_safely(exc_type, tb)
        )
        previous(exc_type, exc, tb)

    sys.excepthook = hook
