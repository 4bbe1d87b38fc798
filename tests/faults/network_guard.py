"""A pytest plugin: while the tests run, nothing may reach for the network.

sgdesk is offline by design (no networking module is imported anywhere; see
tests/unit/test_architecture.py). This makes the same promise at run time, for
every unit and screen test: a Python audit hook refuses an Internet socket
(AF_INET, AF_INET6) being made or connected, a host name being looked up, and
urllib or http.client starting a request. Local sockets (AF_UNIX: Qt's D-Bus,
asyncio's self-pipe) are left alone.

The refusal is :class:`NetworkAttempt`, a ``BaseException``, so no
``except Exception`` in the code under test can swallow it and carry on.
Audit hooks see what Python does; what native code does (Qt in C++) is checked
by tracing a whole app session's system calls in test_no_network.py.

Registered for the whole run in tests/conftest.py.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

_INTERNET = frozenset({socket.AF_INET, socket.AF_INET6})
#: Audit events that mean "about to use the network" whatever their arguments.
_ALWAYS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                     "socket.getnameinfo", "urllib.Request", "http.client.connect",
                     "ftplib.connect", "smtplib.connect", "imaplib.open", "poplib.connect",
                     "nntplib.connect", "telnetlib.Telnet.open"})


class NetworkAttempt(BaseException):
    """Something tried to use the network during a test."""


class _Guard:
    armed = False
    installed = False


def _family(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _Guard.armed:
        return
    if event in _ALWAYS:
        raise NetworkAttempt(f"{event} {args!r}: tests run without a network")
    if event == "socket.__new__":
        # (socket, family, type, proto); family -1 means "from the fileno": look later
        if _family(args[1]) in _INTERNET:
            raise NetworkAttempt(f"an Internet socket was made (family {args[1]})")
    elif (event in ("socket.connect", "socket.sendto", "socket.bind")
          and getattr(args[0], "family", None) in _INTERNET):
        raise NetworkAttempt(f"{event} to {args[1]!r}: tests run without a network")


def arm() -> None:
    """Install the hook (once per interpreter: audit hooks cannot be removed) and arm it."""
    if not _Guard.installed:
        sys.addaudithook(_hook)
        _Guard.installed = True
    _Guard.armed = True


@contextmanager
def suspended() -> Iterator[None]:
    """Only for the guard's own test: make a socket the guard would refuse."""
    was = _Guard.armed
    _Guard.armed = False
    try:
        yield
    finally:
        _Guard.armed = was


def pytest_configure(config: pytest.Config) -> None:
    arm()


def pytest_unconfigure(config: pytest.Config) -> None:
    _Guard.armed = False
