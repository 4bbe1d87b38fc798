"""No network: the guard every test runs under really refuses, and a whole app
session, traced at the system-call level, makes no Internet socket at all."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.faults.network_guard import NetworkAttempt, suspended

ROOT = Path(__file__).resolve().parents[2]
#: ``socket(AF_INET…`` or ``connect(3, {sa_family=AF_INET6…`` in strace's output.
INTERNET_CALL = re.compile(r"\b(socket\(AF_INET6?\b|connect\(\d+, \{sa_family=AF_INET6?\b)")


# -- the guard ---------------------------------------------------------------------------
@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_an_internet_socket_cannot_be_made(family: socket.AddressFamily) -> None:
    with pytest.raises(NetworkAttempt):
        socket.socket(family, socket.SOCK_STREAM)


def test_the_refusal_gets_past_except_exception() -> None:
    with pytest.raises(NetworkAttempt):
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        except Exception:  # what careless code would do
            pytest.fail("the guard's refusal was caught as an ordinary error")


def test_names_are_not_looked_up() -> None:
    with pytest.raises(NetworkAttempt):
        socket.getaddrinfo("localhost", 80)


def test_a_socket_made_anyway_cannot_connect() -> None:
    with suspended():
        made = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with made, pytest.raises(NetworkAttempt):
        made.connect(("127.0.0.1", 9))


def test_http_and_urllib_are_refused() -> None:
    with pytest.raises(NetworkAttempt):
        urllib.request.urlopen("http://192.0.2.1/", timeout=1)
    with pytest.raises(NetworkAttempt):
        http.client.HTTPConnection("192.0.2.1", timeout=1).connect()


def test_local_sockets_are_allowed() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        left.sendall(b"x")
        assert right.recv(1) == b"x"


# -- the whole app, traced ---------------------------------------------------------------
def _traced(command: list[str], trace: Path,
            env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["strace", "-f", "-e", "trace=socket,connect", "-o", str(trace), *command],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)


def _internet_calls(trace: Path) -> list[str]:
    return [line for line in trace.read_text().splitlines() if INTERNET_CALL.search(line)]


@pytest.fixture
def strace() -> None:
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (Debian package strace; make test installs it)")
    probe = subprocess.run(["strace", "-o", os.devnull, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here: {probe.stderr.decode(errors='replace')[:200]}")


@pytest.mark.usefixtures("strace")
def test_an_app_session_makes_no_internet_socket(tmp_path: Path) -> None:
    """Start as `sgdesk` does, make the demo store, sign in, open a pupil, quit:
    every thread and child process traced, native code (Qt) included."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "SGDESK_"))}
    env.update(SGDESK_HOME=str(tmp_path / "home"), HOME=str(tmp_path),
               QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    control = _traced([sys.executable, "-c", "import socket; socket.socket()"],
                      tmp_path / "control.trace", env)
    assert control.returncode == 0, control.stderr
    assert _internet_calls(tmp_path / "control.trace"), "the trace would not show a socket"

    trace = tmp_path / "session.trace"
    session = _traced([sys.executable, "-m", "tests.faults.app_session_script"], trace, env)
    assert session.returncode == 0 and "done" in session.stdout, session.stderr[-2000:]
    assert (tmp_path / "home").exists()
    assert _internet_calls(trace) == []
