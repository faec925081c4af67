"""The browser test modules' fixtures: Debian's chromium driven by Playwright, and the demo seeded
once per module (each module runs in one process, as its xdist_group says) behind its own live
server. The autouse fixtures below apply to the modules of this folder only."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _django_db_marker() -> None:
    """Stands in for pytest-django's fixture of this name (pytest-django 4.14, pinned), which
    would empty the database after each test of these transactional modules: here the demo is committed once
    for the whole module (see ``demo``) and the live server's threads read it."""


@pytest.fixture(autouse=True)
def _close_connections_after_each_test() -> Iterator[None]:
    """As a transactional test does: a connection a test opened must not outlive the module, or
    PostgreSQL refuses to drop the test database at the end."""
    from django.db import connections

    yield
    connections.close_all()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser(demo: str) -> Iterator[Any]:
    # After the demo's server starts, and closed before it stops: a page still open would keep
    # a server thread, and its database session, alive past the module.
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django test database is
    # still used synchronously, from the live server's own thread.
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, seeded once for the module and committed, since the server's thread reads it,
    and a live server in front of it. Seeding it for each test cost a minute or more apiece on
    each database. The tests change it as its users would, each through people of its own (a
    leave request, a bank change, an authenticator), so one seeding serves them all; the module
    ends by emptying the database, as a transactional test does."""
    from django.core.management import call_command
    from django.db import connection, connections
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        assert name.startswith("test_") or connection.is_in_memory_db(), f"not a test database: {name}"
        call_command("demo", "--no-serve", "--employees", "40", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield str(server.url)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # The tests' own queries ran inside Playwright's event loop, on connections of its
            # context: close them, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()
