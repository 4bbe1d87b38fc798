"""The log file: written where asked, rotated at start, reconfigured without doubling."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from sgdesk.services import app_logging
from sgdesk.services.app_logging import KEPT_LOGS, MAX_LOG_BYTES, configure_logging


@pytest.fixture(autouse=True)
def sgdesk_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("sgdesk")
    before = logger.handlers[:]
    yield logger
    for handler in logger.handlers[:]:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


def test_events_reach_the_file_once_even_when_configured_twice(tmp_path: Path) -> None:
    configure_logging(tmp_path)
    path = configure_logging(tmp_path)
    logging.getLogger("sgdesk.test").info("store unlocked")
    for handler in logging.getLogger("sgdesk").handlers:
        handler.flush()
    assert path.read_text("utf-8").count("store unlocked") == 1


def test_a_large_log_is_rotated_at_start_and_the_oldest_dropped(tmp_path: Path) -> None:
    log = tmp_path / app_logging.LOG_FILE_NAME
    for n in range(1, KEPT_LOGS + 1):
        (tmp_path / f"{log.name}.{n}").write_text(f"old {n}")
    log.write_text("x" * MAX_LOG_BYTES)
    configure_logging(tmp_path)
    assert (tmp_path / f"{log.name}.1").read_text() == "x" * MAX_LOG_BYTES
    assert [(tmp_path / f"{log.name}.{n}").read_text() for n in range(2, KEPT_LOGS + 1)] == [
        f"old {n}" for n in range(1, KEPT_LOGS)]
    assert not (tmp_path / f"{log.name}.{KEPT_LOGS + 1}").exists()
    assert log.read_text() == ""


def test_a_small_log_is_kept_and_appended_to(tmp_path: Path) -> None:
    log = tmp_path / app_logging.LOG_FILE_NAME
    log.write_text("earlier\n")
    configure_logging(tmp_path)
    assert not (tmp_path / f"{log.name}.1").exists()
    assert log.read_text().startswith("earlier\n")
