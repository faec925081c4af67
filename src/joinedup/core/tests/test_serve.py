"""`joinedup serve` runs gunicorn: it answers, reloads on HUP and stops cleanly on TERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from joinedup.core.server import default_workers, gunicorn_options

STARTUP_SECONDS = 60
GRACEFUL_WAIT = 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback http URL
        return response.status, dict(response.headers), response.read().decode()


def _wait_until_serving(process: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"joinedup serve exited with {process.returncode}:\n{out}\n{err}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"joinedup serve did not answer {url} within {STARTUP_SECONDS} s")


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    port = _free_port()
    # A SQLite database in its own var directory, never the suite's or a developer's one.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(JOINEDUP_ENV="test", JOINEDUP_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "joinedup.cli", "serve", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=Path(__file__).resolve().parents[4],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/sign-in"
    try:
        _wait_until_serving(process, url)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def test_serve_answers_with_gunicorn_and_stops_cleanly_on_term(server) -> None:  # type: ignore[no-untyped-def]
    process, url = server
    status, headers, body = _get(url)
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in body

    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=GRACEFUL_WAIT)
    assert process.returncode == 0


def test_serve_keeps_answering_across_a_graceful_reload_on_hup(server) -> None:  # type: ignore[no-untyped-def]
    process, url = server
    process.send_signal(signal.SIGHUP)
    # The new workers start before the old ones stop, so the listening socket never closes.
    for _ in range(20):
        status, _headers, _body = _get(url)
        assert status == 200
        time.sleep(0.05)
    assert process.poll() is None
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=GRACEFUL_WAIT)
    assert process.returncode == 0


def test_workers_are_two_per_core_plus_one_unless_overridden() -> None:
    assert default_workers() == 2 * (os.cpu_count() or 1) + 1
    options = gunicorn_options(bind="127.0.0.1:8000", workers=3)
    assert options["workers"] == 3
    assert options["graceful_timeout"] == 30
    assert options["timeout"] == 60
