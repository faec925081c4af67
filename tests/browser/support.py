"""Signing in through the pages as a demo user, for the browser test modules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from joinedup.bench.demo.seed import DEMO_PASSWORD


def sign_in(browser: Any, base: str, username: str, page: Any = None) -> Any:
    """Sign in through the pages as a person does: the password, then — for a user whose roles
    need it — the code their authenticator app (set up with the demo key) shows now."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from joinedup.testing.second_factor import code_for

    page = page or browser.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(sign-in/code\?.*)?$"))
    if "/sign-in/code" in page.url:
        user = get_user_model().objects.get(username=username)
        # Each test arrives as the person would on a new day: the module's one demo still holds
        # the codes an earlier test spent, and a second sign-in within the same 30 seconds would
        # be refused as a replay (which partnership's second-factor tests prove).
        TOTPDevice.objects.filter(user=user).update(last_t=-1, drift=0)
        page.get_by_label("Code").fill(code_for(user))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    return page


# axe-core, pinned in package.json and installed by `npm ci` (make static). A missing copy fails
# the tests rather than skipping them: an accessibility check that silently did not run proves
# nothing.
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, as axe-core names its levels (each version's own new criteria have their own tag).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""
# Links the crawl does not follow: signing out ends the session; exports are files, not pages.
NOT_PAGES = re.compile(
    r"/sign-out|/static/|/api/|/export|/download|format=|\.(csv|xlsx|pdf|png|json|txt|xml|zip)(\?|$)"
)
# A path's variable parts, so /people/12 and /people/13 count as one page.
VARIABLE_PART = re.compile(r"(?<=/)(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|\d{4}-\d{2}(-\d{2})?|[A-Z]{2,}\d+)(?=/|$)")


def watch_csp(page: Any) -> None:
    """Have the browser itself record, before any page of ``page`` loads, every resource or
    inline script the Content-Security-Policy refuses (read with ``csp_violations``)."""
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def csp_violations(page: Any) -> list[str]:
    return list(page.evaluate("window.cspViolations"))


def axe_source() -> str:
    assert AXE_JS.is_file(), f"axe-core is not installed at {AXE_JS}: run `make static` (npm ci)"
    return AXE_JS.read_text()


def page_pattern(path: str) -> str:
    return VARIABLE_PART.sub("{}", path)


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """The page's WCAG 2.2 AA violations as axe-core finds them. The page's context must bypass
    the content security policy, which (rightly) refuses a script the app did not serve."""
    page.add_script_tag(content=source)
    return list(page.evaluate(AXE_RUN, AXE_TAGS))


def same_origin_pages(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href.split('#')[0])")
    return [href for href in hrefs if href.startswith(base + "/") and not NOT_PAGES.search(href)]


def crawl(page: Any, base: str, depth: int = 2) -> Iterator[str]:
    """Each page the signed-in user reaches from their home page by following links, to
    ``depth`` clicks away, once per page pattern; leaves ``page`` on the page yielded."""
    seen = {page_pattern("/")}
    frontier = [f"{base}/"]
    for level in range(depth + 1):
        following: list[str] = []
        for url in frontier:
            response = page.goto(url)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if not page.url.startswith(base) or "/sign-in" in page.url:
                continue
            yield url
            if level == depth:
                continue
            for href in same_origin_pages(page, base):
                pattern = page_pattern(href[len(base) :].split("?")[0])
                if pattern not in seen:
                    seen.add(pattern)
                    following.append(href)
        frontier = following
