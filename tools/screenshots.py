#!/usr/bin/env python3
"""Each demo role's home page at 1280 and 375 px wide, saved as docs/screenshots/<role>-<width>.png
for the README (`make screenshots`).

    tools/screenshots.py            # seeds a demo of its own in build/screenshots the first time
    tools/screenshots.py --fresh    # seeds it again (the demo's figures follow today's date)

The demo it photographs is its own (JOINEDUP_VAR_DIR=build/screenshots), never ./var's, so
`make demo`'s data is left alone. It signs in through the pages as a person does, with the
demo's published authenticator key for the roles that need a second step. Debian's chromium,
driven by Playwright, as the browser tests use it. Each picture is the first screen of the page,
or the first two when the page is longer, to keep the PNGs small.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "build" / "screenshots"
OUT = ROOT / "docs" / "screenshots"
# One demo user for each role (bench/demo/seed.py).
ROLES = {
    "service-admin": "ops.admin",
    "hr-officer": "council.hr",
    "payroll-officer": "payroll.officer",
    "payroll-approver": "payroll.approver",
    "finance-officer": "council.finance",
    "data-protection-officer": "shared.dpo",
    "union-rep": "union.rep",
    "employee": "council.employee",
    "manager": "council.manager",
    "purchasing-officer": "shared.buyer",
    "service-desk-agent": "shared.desk",
    "oh-clinician": "oh.clinician",
    "oh-admin": "oh.admin",
}
SCREENS = {1280: 800, 375: 812}  # width: height of one screen (a laptop; a common phone)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("screenshots: the demo server stopped before it answered")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own loopback server)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"screenshots: the demo server did not answer at {url}")


def shrink(path: Path) -> None:
    """A page is a few flat colours: 256 of them lose nothing visible and make the PNG about a
    third of the size, for a repository that keeps every version."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    small.save(path, optimize=True)


def sign_in(page: Any, base: str, username: str) -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from joinedup.bench.demo.seed import DEMO_PASSWORD
    from joinedup.testing.second_factor import code_for

    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/sign-in/code" in page.url:
        user = get_user_model().objects.get(username=username)
        # A new day for the authenticator: the previous role's sign-in may have spent this code.
        TOTPDevice.objects.filter(user=user).update(last_t=-1, drift=0)
        page.get_by_label("Code").fill(code_for(user))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="seed the demo again")
    parser.add_argument("--employees", type=int, default=40)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("screenshots: chromium is not installed (apt-get install chromium)")

    os.environ["JOINEDUP_VAR_DIR"] = str(VAR)
    os.environ.setdefault("JOINEDUP_ENV", "development")
    os.environ.pop("DATABASE_URL", None)
    if args.fresh and VAR.exists():
        shutil.rmtree(VAR)
    cli = [sys.executable, "-m", "joinedup.cli"]
    if not (VAR / "joinedup.sqlite3").exists():
        print("screenshots: seeding the demo (a few minutes)", flush=True)
        subprocess.run([*cli, "demo", "--no-serve", "--employees", str(args.employees)], check=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*cli, "runserver", f"127.0.0.1:{port}", "--noreload"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{base}/sign-in", server)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
        # The sign-in reads the demo's authenticators through the ORM, from Playwright's thread,
        # which runs an event loop; nothing here is concurrent.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        import django

        django.setup()
        from playwright.sync_api import sync_playwright

        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for role, username in ROLES.items():
                page = browser.new_page()
                sign_in(page, base, username)
                for width, height in SCREENS.items():
                    page.set_viewport_size({"width": width, "height": height})
                    page.reload()
                    page.wait_for_load_state("load")
                    page.evaluate("document.fonts.ready")
                    tall = min(int(page.evaluate("document.documentElement.scrollHeight")), 2 * height)
                    path = OUT / f"{role}-{width}.png"
                    page.screenshot(
                        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": tall}
                    )
                    shrink(path)
                    print(f"screenshots: {path.relative_to(ROOT)}", flush=True)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
