"""Where sgdesk keeps its files on this computer.

Per-user directories from platformdirs. ``SGDESK_HOME`` puts them all under one
folder instead (tests, portable installs, the benchmark). Only the log, a
small config (last store path, window size) and the count of wrong passwords per
store (``services/unlock_attempts.py``) live outside the encrypted store, and none
holds personal data.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from sgdesk.storage.store_files import write_atomically

APP_NAME = "sgdesk"
DEFAULT_STORE_NAME = "records.sgdesk"
DEMO_STORE_NAME = "demo.sgdesk"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppLocations:
    data_dir: Path
    config_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> AppLocations:
        home = os.environ.get("SGDESK_HOME")
        if home:
            root = Path(home)
            return cls(root / "data", root / "config", root / "logs")
        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @property
    def default_store(self) -> Path:
        return self.data_dir / DEFAULT_STORE_NAME

    @property
    def demo_store(self) -> Path:
        return self.data_dir / DEMO_STORE_NAME

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.json"

    @property
    def unlock_attempts_dir(self) -> Path:
        """One small file per store that has had wrong passwords, never beside the store:
        the store's own files stay exactly as they were however often a try fails."""
        return self.config_dir / "unlock-attempts"

    # -- the small plaintext config: paths and window geometry only ------------------
    def read_config(self) -> dict[str, Any]:
        try:
            data = json.loads(self.config_file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_config(self, **values: Any) -> None:
        config = self.read_config() | values
        self.config_dir.mkdir(parents=True, exist_ok=True)
        try:
            write_atomically(self.config_file, json.dumps(config, indent=2).encode("utf-8"))
        except Exception:  # a preference that cannot be saved is not worth a crash
            log.warning("could not write the config file")

    def last_store(self) -> Path | None:
        value = self.read_config().get("last_store")
        return Path(value) if isinstance(value, str) and value else None
