"""Turning errors from the services into words for the person at the keyboard."""

from __future__ import annotations

import logging

from sgdesk.models.errors import SgdeskError
from sgdesk.services.app_logging import describe_exception_safely

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """Our typed errors carry their own message; anything else is logged (type and
    place only) and reported plainly, with the reassurance that matters."""
    if isinstance(exc, SgdeskError):
        return str(exc)
    log.error("unexpected error: %s", describe_exception_safely(type(exc), exc.__traceback__))
    return ("Something went wrong and the action did not finish. Nothing was saved half-way. "
            "The details are in sgdesk's log.")
