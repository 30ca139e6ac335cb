#!/usr/bin/env python3
"""The API description's page, /api/docs, in a real browser (Debian's Chromium, headless, Playwright).

Against a running server (`--base`): the vendored Swagger UI draws every operation of /api/openapi.json
under the page's Content-Security-Policy, with no CSP violation, no script error and no request to
another origin; one operation opens to show its parameters and its problem+json answers. A screenshot
goes to `--out`.

Exit status: 0 all passed, 1 a check failed, 3 something needed is not installed.
"""

import argparse
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from test_candidate import CHROMIUM, CHROMIUM_FLAGS, INSTALL, Failed, check, missing_tools, HERE


def scenario(base, out):
    from playwright.sync_api import sync_playwright

    with urllib.request.urlopen(f"{base}/api/openapi.json") as r:
        doc = json.load(r)
    operations = sum(len(item) for item in doc["paths"].values())
    origin = urllib.parse.urlsplit(base).netloc
    problems, elsewhere = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        page.on("request", lambda r: urllib.parse.urlsplit(r.url).netloc not in (origin, "")
                and elsewhere.append(r.url))
        page.goto(f"{base}/api/docs")
        page.locator(".swagger-ui .info .title").wait_for(timeout=20_000)
        check("Synaq" in page.locator(".swagger-ui .info .title").inner_text(), "the description's title")
        page.locator(".opblock").first.wait_for()
        drawn = page.locator(".opblock").count()
        check(drawn == operations, f"every operation drawn ({drawn} of {operations})")
        save = page.locator(".opblock-put", has_text="/api/v1/sessions/{id}/responses/{position}")
        save.locator(".opblock-summary").click()
        save.locator(".parameters").wait_for()
        shown = save.inner_text()
        check("position" in shown and "Idempotency-Key" in shown, "an operation shows its parameters")
        check("application/problem+json" in shown, "its error answers are problem+json")
        page.screenshot(path=str(out / "api-docs.png"), full_page=False)
        browser.close()
    check(not problems, f"no CSP violation or script error {problems}")
    check(not elsewhere, f"nothing loaded from elsewhere {elsewhere}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--out", type=Path, default=Path("target/browser-screens"))
    args = parser.parse_args()
    missing = missing_tools(HERE / "node_modules/axe-core/axe.min.js")
    if missing:
        print(f"the browser test needs {', '.join(missing)}; {INSTALL}", file=sys.stderr)
        return 3
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        scenario(args.base.rstrip("/"), args.out)
    except (Failed, Exception) as e:  # a failed check, or a Playwright time-out
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
