#!/usr/bin/env python3
"""The candidate's test in a real browser (Debian's Chromium, headless, driven by Playwright).

Against a running server (`--base`), with the admin's password to set up a short blueprint, a sitting
and a registration through the API, it signs in, checks the sound, starts, answers every item type,
flags and reviews, reloads mid-section, answers offline and sees the answers acknowledged when the
connection returns, moves to a replacement computer, lets a section's time run out, finishes, opens the
result, the printable certificate and the public check page, and decodes the certificate's QR code.
Every page is checked with axe-core (no serious or critical violation), for Content-Security-Policy
violations and for untranslated texts; a screenshot of each screen goes to `--out`.

`--measure N` instead times N fresh starts of the A1 pre-selection test (Start pressed → first item
visible) and weighs the runner's page.

Exit status: 0 all passed, 1 a check failed, 3 something needed is not installed (the message says how
to install it).
"""

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL = """install them with:
  apt-get install -y chromium
  pip install playwright zxing-cpp pillow        (never `playwright install`: Debian's chromium is used)
  npm ci --prefix tests/browser                  (axe-core)"""


def missing_tools(axe_path):
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Chromium ({CHROMIUM})")
    for module, name in [("playwright.sync_api", "playwright"), ("zxingcpp", "zxing-cpp"), ("PIL", "pillow")]:
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the Python package {name}")
    if not axe_path.is_file():
        missing.append(f"axe-core ({axe_path})")
    return missing


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)
    print(f"  ok  {what}")


# --- The API, for setting up what the candidate needs. ---------------------------------------------


class Api:
    def __init__(self, base):
        self.base = base

    def admin(self, password):
        return self.ok("POST", "/api/v1/auth/token",
                       {"grant_type": "password", "username": "admin", "password": password})["access_token"]

    def call(self, method, path, body=None, token=None, headers=None):
        h = {"content-type": "application/json", **(headers or {})}
        if token:
            h["authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                text = r.read().decode()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            return e.code, (json.loads(text) if text else None)

    def ok(self, method, path, body=None, token=None, expect=(200, 201)):
        status, answer = self.call(method, path, body, token)
        if status not in expect:
            raise Failed(f"{method} {path} answered {status}: {answer}")
        return answer


def iso(delta_minutes):
    t = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=delta_minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def short_blueprint(listening_seconds):
    """A form small enough to sit in a minute or two: 3 listening items, 4 reading items (2 gap fills)."""
    return {
        "id": f"browser-{uuid.uuid4().hex[:10]}",
        "version": 1,
        "title": "Қазақ тілі: қысқа тексеру",
        "sections": [
            {"id": "listening", "title": "Тыңдалым", "time_limit_seconds": listening_seconds,
             "items": 3, "max_per_topic": 3},
            {"id": "reading", "title": "Оқылым", "time_limit_seconds": 900, "items": 4, "max_per_topic": 4,
             "constraints": [{"type": "gap_fill", "min": 2, "max": 2}]},
        ],
        "rules": {"pass_min_percent": 30,
                  "levels": [{"level": "A2", "min_percent": 70}, {"level": "A1", "min_percent": 30}]},
    }


def registrations(api, admin_password, count, listening_seconds=None, blueprint_id=None):
    """`count` candidates registered to a new open sitting, of a new short blueprint (or `blueprint_id`)."""
    admin = api.admin(admin_password)
    if blueprint_id is None:
        blueprint = short_blueprint(listening_seconds)
        api.ok("POST", "/api/v1/blueprints", blueprint, admin)
        blueprint_id = blueprint["id"]
    sitting = api.ok("POST", "/api/v1/sittings", {"blueprint": blueprint_id, "mode": "centre",
                                                   "opens_at": iso(-5), "closes_at": iso(180)}, admin)["id"]
    out = []
    for _ in range(count):
        doc = "N" + uuid.uuid4().hex[:8].upper()
        candidate = api.ok("POST", "/api/v1/candidates",
                           {"full_name": "Айгүл Серікқызы", "document_number": doc, "citizenship": "UZB"}, admin)
        reg = api.ok("POST", f"/api/v1/sittings/{sitting}/registrations", {"candidate_id": candidate["id"]}, admin)
        out.append({"registration_id": reg["registration_id"], "access_code": reg["access_code"],
                    "full_name": candidate["full_name"], "document_number": doc})
    return out


# --- How a person types what is printed on their slip. ------------------------------------------------

LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXaceopx", "АВСЕНКМОРТХасеорх")


def as_typed_code(code):
    """The access code typed lower-case with spaces, its look-alike letters on a Russian layout."""
    return " ".join(code.replace("-", "").lower()[i:i + 4] for i in (0, 4, 8)).translate(LATIN_TO_CYRILLIC)


def as_typed_id(registration_id):
    return registration_id.upper().replace("-", " ")


# --- The browser. ----------------------------------------------------------------------------------


class Screens:
    """Screenshots, axe-core and the page checks that every screen gets."""

    def __init__(self, out):
        self.out = out
        self.count = 0
        self.problems = []
        self.page = None

    def failure(self):
        if self.page and not self.page.is_closed():
            self.page.screenshot(path=str(self.out / "failure.png"), full_page=True)
            print(f"the page at the failure: {self.page.url}, {self.out / 'failure.png'}", file=sys.stderr)

    def watch(self, page):
        self.page = page
        def console(msg):
            if msg.type == "error" and "Content Security Policy" in msg.text:
                self.problems.append(f"CSP violation on {page.url}: {msg.text}")

        page.on("console", console)
        page.on("pageerror", lambda e: self.problems.append(f"script error on {page.url}: {e}"))
        return page

    def take(self, page, name, full_page=True):
        self.count += 1
        path = self.out / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        text = page.inner_text("body")
        check("⟦" not in text, f"{name}: every text is translated")
        violations = page.evaluate(
            """async () => {
                const r = await axe.run(document, { resultTypes: ['violations'] });
                return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
            }"""
        )
        for v in violations:
            print(f"  axe {v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}")
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        check(not bad, f"{name}: no serious or critical accessibility violation ({path.name})")
        if self.problems:
            raise Failed("; ".join(self.problems))


def new_context(browser, axe_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    # Injected by the browser itself before any page script: the pages' own CSP does not apply to it.
    context.add_init_script(path=str(axe_path))
    return context


def sign_in(page, base, reg, lang="en"):
    page.goto(f"{base}/sit?lang={lang}")
    page.get_by_label("Registration ID").fill(as_typed_id(reg["registration_id"]))
    page.get_by_label("Access code").fill(as_typed_code(reg["access_code"]))
    page.get_by_role("button", name="Sign in").click()


def navigator_label(page, n):
    return page.locator("#navigator-list button").nth(n - 1).get_attribute("aria-label")


def save_state(page):
    return page.locator("#save-state").inner_text()


def wait_saved(page, timeout=15_000):
    page.wait_for_function("() => document.querySelector('#save-state').dataset.state === 'saved'",
                           timeout=timeout)


def scenario(base, admin_password, screens, axe_path):
    from playwright.sync_api import expect, sync_playwright
    import zxingcpp
    from PIL import Image

    api = Api(base)
    reg = registrations(api, admin_password, 1, listening_seconds=130)[0]
    out = screens.out
    expect.set_options(timeout=20_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())

            print("the links page and the three languages")
            response = page.goto(f"{base}/?lang=en")
            csp = response.headers.get("content-security-policy", "")
            check("script-src 'self'" in csp and "unsafe-inline" not in csp, "a strict Content-Security-Policy")
            check(response.headers.get("x-content-type-options") == "nosniff", "nosniff")
            expect(page.get_by_role("link", name="Sit the test")).to_be_visible()
            screens.take(page, "home-en")
            page.goto(f"{base}/sit?lang=kk")
            expect(page.get_by_role("heading", name="Тестке кіру")).to_be_visible()
            screens.take(page, "sign-in-kk")
            page.goto(f"{base}/sit?lang=ru")
            expect(page.get_by_role("heading", name="Вход в тест")).to_be_visible()
            screens.take(page, "sign-in-ru")
            page.goto(f"{base}/sit?lang=en")
            page.goto(f"{base}/sit")
            expect(page.get_by_role("heading", name="Sign in to your test")).to_be_visible()
            print("  ok  ?lang= is remembered")

            print("signing in")
            page.get_by_label("Registration ID").fill(as_typed_id(reg["registration_id"]))
            page.get_by_label("Access code").fill("2222 2222 2222")
            page.get_by_role("button", name="Sign in").click()
            expect(page.locator("#signin-message")).to_have_text(
                "These sign-in details are not valid: check them and try again.")
            screens.take(page, "sign-in-wrong-code")
            sign_in(page, base, reg)
            expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
            check("token" not in page.url and reg["access_code"] not in page.url, "no secret in the address")
            check(page.evaluate("() => Object.keys(localStorage).every(k => !localStorage[k].includes('.ey'))"),
                  "the token is not in localStorage")
            check(page.evaluate("() => sessionStorage.getItem('synaq.token') !== null"), "the token is in sessionStorage")
            page.get_by_role("button", name="Test the sound").click()
            expect(page.locator("#sound-status")).to_have_text(
                "If you heard nothing, turn the volume up and try again, or tell the proctor.")
            screens.take(page, "prepare")

            print("the listening section")
            page.get_by_role("button", name="Start").click()
            timer = page.get_by_role("timer")
            expect(timer).to_have_text(re.compile(r"^\d:\d\d$"))
            expect(page.get_by_role("heading", name="Listening")).to_be_visible()
            check(page.locator("#navigator-list button").count() == 3, "the navigator lists the section's 3 items")
            play = page.get_by_role("button", name="Play", exact=True)
            expect(page.get_by_text("Plays left: 2")).to_be_visible()
            play.click()
            expect(page.get_by_text("Plays left: 1")).to_be_visible(timeout=30_000)
            play.click()
            expect(page.get_by_text("Plays left: 0")).to_be_visible(timeout=30_000)
            expect(play).to_be_disabled()
            print("  ok  a recording plays twice, then no more")
            page.get_by_role("radio").first.check()
            wait_saved(page)
            check(save_state(page) == "Saved", "the first answer is saved (acknowledged by the server)")
            screens.take(page, "runner-listening")
            page.get_by_role("button", name="Next").click()
            second_choice = page.get_by_role("radio").nth(1)
            second_choice_name = second_choice.evaluate("r => r.closest('label').querySelector('[lang]').textContent")
            second_choice.check()
            page.get_by_role("button", name="Flag for review").click()
            expect(page.get_by_role("button", name="Flag for review")).to_have_attribute("aria-pressed", "true")
            wait_saved(page)

            print("reloading mid-section")
            page.reload()
            expect(page.locator("#item-counter")).to_have_text("Question 2 of 3")
            expect(page.get_by_role("radio").nth(1)).to_be_checked()
            check(navigator_label(page, 1) == "Question 1: answered", "item 1 is answered after the reload")
            check(navigator_label(page, 2) == "Question 2: answered, flagged", "item 2 is answered and flagged")
            page.locator("#navigator-list button").nth(0).click()
            expect(page.get_by_text("Plays left: 0")).to_be_visible()
            expect(page.get_by_role("button", name="Play", exact=True)).to_be_disabled()
            print("  ok  the plays are still counted after the reload")

            print("offline")
            context.set_offline(True)
            page.locator("#navigator-list button").nth(2).click()
            page.get_by_role("radio").last.check()
            expect(page.locator("#save-state")).to_have_attribute("data-state", "offline")
            check(page.evaluate("() => Object.keys(localStorage).some(k => k.startsWith('synaq.outbox.'))"),
                  "the unsent answer is kept in localStorage")
            screens.take(page, "runner-offline")
            context.set_offline(False)
            wait_saved(page, timeout=20_000)
            check(save_state(page) == "Saved", "back online, the answer is acknowledged")
            check(page.evaluate("() => !Object.keys(localStorage).some(k => k.startsWith('synaq.outbox.'))"),
                  "nothing is left to send")
            session_id = page.evaluate("() => sessionStorage.getItem('synaq.session')")
            token = page.evaluate("() => sessionStorage.getItem('synaq.token')")
            view = api.ok("GET", f"/api/v1/sessions/{session_id}", token=token)
            held = [i.get("response") for i in view["sections"][0]["items"]]
            check(all(held), f"the server holds all three listening answers: {held}")
            expect(page.locator("#timer-alert")).to_have_text("1 minute left", timeout=130_000)
            screens.take(page, "runner-one-minute-left")

            print("a replacement computer")
            context.close()
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())
            sign_in(page, base, reg)
            expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
            page.get_by_role("button", name="Start").click()
            expect(page.locator("#item-counter")).to_have_text("Question 1 of 3")
            check(all(navigator_label(page, n).endswith(": answered") for n in (1, 2, 3)),
                  "every acknowledged answer is shown on the new computer")
            page.locator("#navigator-list button").nth(1).click()
            expect(page.get_by_role("radio", name=second_choice_name.strip(), exact=True)).to_be_checked()
            page.locator("#navigator-list button").nth(0).click()
            expect(page.get_by_text("Plays left: 0")).to_be_visible()
            expect(page.get_by_role("button", name="Play", exact=True)).to_be_disabled()
            print("  ok  the server counts the plays: none left on the new computer either")

            print("the time runs out")
            expect(page.locator("#runner-message")).to_have_text("Time is up. Waiting for the server…", timeout=130_000)
            screens.take(page, "runner-time-up")
            expect(page.get_by_role("heading", name="Reading")).to_be_visible(timeout=30_000)
            print("  ok  the page follows the server into the next section")

            print("the reading section: choices and typed answers")
            total = page.locator("#navigator-list button").count()
            check(total == 4, "the reading section has 4 items")
            typed = 0
            for n in range(1, total):
                answer_box = page.get_by_role("textbox", name="Answer", exact=True)
                if answer_box.count():
                    answer_box.click()
                    page.get_by_role("button", name="қ", exact=True).click()
                    answer_box.press_sequentially("ала")
                    page.get_by_role("button", name="Capitals").click()
                    page.get_by_role("button", name="Ә", exact=True).click()
                    page.get_by_role("button", name="Capitals").click()
                    expect(answer_box).to_have_value("қалаӘ")
                    answer_box.press("Backspace")
                    expect(answer_box).to_have_value("қала")
                    if typed == 0:
                        expect(page.get_by_text("You may type the answer in Cyrillic or in Latin spelling.")).to_be_visible()
                        wait_saved(page)
                        screens.take(page, "runner-typed-answer")
                    typed += 1
                else:
                    page.get_by_role("radio").first.check()
                if n == 1:
                    page.get_by_role("button", name="Flag for review").click()
                wait_saved(page)
                page.get_by_role("button", name="Next").click()
            if page.get_by_role("textbox", name="Answer", exact=True).count():
                typed += 1
            check(typed == 2, "both gap-fill items show the Answer textbox")
            page.get_by_role("button", name="Review answers").click()
            expect(page.get_by_role("heading", name="Before you submit this section")).to_be_visible()
            expect(page.locator("#review-unanswered")).to_have_text(f"Question {total}")
            expect(page.locator("#review-flagged")).to_have_text("Question 1")
            expect(page.get_by_role("button", name="Submit section")).to_be_hidden()
            screens.take(page, "review")
            page.get_by_role("button", name="Finish").click()

            print("the result")
            expect(page.get_by_role("heading", name="Your result")).to_be_visible()
            # Signing in on the second computer while the session ran is a concurrent login: a high flag,
            # so the result is held until a reviewer releases it.
            expect(page.locator("#result-status")).to_have_text(
                "Your result is under review. You will be told when it is ready.")
            screens.take(page, "result-under-review")
            api.ok("POST", f"/api/v1/reviews/{session_id}",
                   {"decision": "release", "reason": "moved to a replacement computer with the proctor"},
                   api.admin(admin_password))
            page.reload()
            expect(page.locator("#result-status")).to_have_text("The test is finished.")
            check(page.locator("#result-sections tbody tr").count() == 2, "a score for each section")
            decision = page.locator("#result-decision").inner_text()
            check(decision in ("Pass", "Fail"), f"a decision: {decision}")
            screens.take(page, "result")

            print("the certificate")
            page.get_by_role("link", name="Open the certificate").click()
            expect(page.get_by_role("heading", name="Certificate of Kazakh language proficiency")).to_be_visible()
            expect(page.locator("#cert-holder")).to_have_text(reg["full_name"])
            certificate_id = page.locator("#cert-number").inner_text()
            verify_url = f"{base}/verify/{certificate_id}"
            expect(page.locator("#cert-url")).to_have_text(verify_url)
            page.wait_for_function("() => document.querySelector('#cert-qr').naturalWidth > 0")
            screens.take(page, "certificate")
            page.emulate_media(media="print")
            page.screenshot(path=str(out / "certificate-print.png"), full_page=True)
            page.emulate_media(media="screen")
            qr_png = out / "certificate-qr.png"
            page.locator("#cert-qr").screenshot(path=str(qr_png))
            decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(qr_png))]
            check(decoded == [verify_url], f"the QR code decodes to the check address ({decoded})")

            print("the public check page")
            response = page.goto(verify_url)
            check(response.status == 200, "the check page answers 200")
            expect(page.locator("#verdict")).to_have_text("Valid")
            body = page.inner_text("body")
            check(reg["full_name"] not in body and reg["document_number"] not in body,
                  "the check page shows no name and no document number")
            screens.take(page, "verify-valid")
            page.goto(f"{verify_url}?lang=kk")
            expect(page.locator("#verdict")).to_have_text("Жарамды")
            screens.take(page, "verify-kk")
            response = page.goto(f"{base}/verify/{uuid.uuid4()}?lang=en")
            check(response.status == 404, "a wrong id is a 404")
            expect(page.get_by_role("heading", name="Certificate not found")).to_be_visible()
            screens.take(page, "verify-not-found")
            context.close()

            print("an adaptive section: one item at a time, no way back")
            reg = registrations(api, admin_password, 1, blueprint_id="kaztest-diagnostic")[0]
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())
            sign_in(page, base, reg)
            page.get_by_role("button", name="Start").click()
            expect(page.locator("#item-counter")).to_have_text("Question 1")
            expect(page.get_by_role("button", name="Previous")).to_be_hidden()
            expect(page.get_by_role("button", name="Flag for review")).to_be_hidden()
            expect(page.get_by_role("button", name="Next")).to_be_disabled()
            page.get_by_role("radio").first.check()
            expect(page.get_by_role("button", name="Next")).to_be_enabled()
            screens.take(page, "runner-adaptive")
            page.get_by_role("button", name="Next").click()
            expect(page.locator("#item-counter")).to_have_text("Question 2")
            check(page.locator("#navigator-list button:disabled").count() == 2, "the navigator does not go back")
            session_id = page.evaluate("() => sessionStorage.getItem('synaq.session')")
            token = page.evaluate("() => sessionStorage.getItem('synaq.token')")
            first = api.ok("GET", f"/api/v1/sessions/{session_id}", token=token)["sections"][0]["items"][0]
            status, problem = api.call("PUT", f"/api/v1/sessions/{session_id}/responses/{first['position']}",
                                       {"answer": {"choice": "b"}}, token, {"Idempotency-Key": uuid.uuid4().hex})
            check(status == 409 and problem["code"] == "answer_final", "the server keeps the first answer final")
            browser.close()
        except Exception:
            screens.failure()
            raise

    print(f"screenshots in {out}")


def measure(base, admin_password, runs, axe_path):
    """Times Start → first item visible over `runs` fresh candidates, and weighs the runner's page."""
    from playwright.sync_api import expect, sync_playwright

    api = Api(base)
    regs = registrations(api, admin_password, runs, blueprint_id="kaztest-a1-preselection")
    times = []
    weight = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        for i, reg in enumerate(regs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            sign_in(page, base, reg)
            expect(page.get_by_role("button", name="Start")).to_be_visible()
            started = time.perf_counter()
            page.get_by_role("button", name="Start").click()
            page.locator("#item-counter").wait_for(state="visible")
            times.append((time.perf_counter() - started) * 1000)
            if i == 0:
                # The runner's own files: the document, its scripts and its style sheet (no API answers, no audio).
                weight = page.evaluate("""() => Object.fromEntries(
                    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                        .filter(e => e.entryType === 'navigation' || /\\.(js|css)$/.test(new URL(e.name).pathname))
                        .map(e => [new URL(e.name).pathname, e.decodedBodySize]))""")
            context.close()
        browser.close()
    print(json.dumps({"start_to_first_item_ms": {"runs": [round(t, 1) for t in times],
                                                 "median": round(statistics.median(times), 1)},
                      "runner_page_bytes": {"files": weight, "total": sum(weight.values())}}, indent=2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--out", type=Path, default=Path("target/browser-screens"))
    parser.add_argument("--axe", type=Path, default=HERE / "node_modules/axe-core/axe.min.js")
    parser.add_argument("--measure", type=int, metavar="N", help="time N starts instead of the scenario")
    args = parser.parse_args()
    missing = missing_tools(args.axe)
    if missing:
        print(f"the browser test needs {', '.join(missing)}; {INSTALL}", file=sys.stderr)
        return 3
    base = args.base.rstrip("/")
    if args.measure:
        measure(base, args.admin_password, args.measure, args.axe)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    screens = Screens(args.out)
    try:
        scenario(base, args.admin_password, screens, args.axe)
    except Exception as e:  # a failed check, or a Playwright assertion or time-out
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
