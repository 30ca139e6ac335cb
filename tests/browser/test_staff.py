#!/usr/bin/env python3
"""The staff's pages in a real browser (Debian's Chromium, headless, driven by Playwright).

Against a running server (`--base`) with an operator and a proctor account (`--operator NAME:PASSWORD`,
`--proctor NAME:PASSWORD`, created by the caller) and the admin's password:

- an operator signs in at /staff and lands on /operator; their sign-in is made to expire while they type
  a new candidate, the renewal dialog asks for the password and the candidate is created with what was
  typed; they correct the candidate, find them by a Latin spelling of the name, create a sitting that
  requires a proctor's authorization (and names the proctor), register the candidate and print the
  access-code slip (print media and a PDF), which shows the code once and never again;
- a proctor signs in and opens that sitting's live roster while three candidates (the slip's and two
  more) sign in and start through the API at the same time; the proctor authorizes, pauses, resumes,
  extends (Seconds) and terminates sessions through the action dialog, and sees every row change
  without reloading, including a flag raised by a candidate's own integrity event; the timeline shows
  the actions with their reasons; the review queue shows a held result, a proctor may not decide it,
  an admin voids it with a ban;
- every screen is checked with axe-core (no serious or critical violation), in English and Kazakh, for
  Content-Security-Policy violations and untranslated texts; a screenshot of each goes to `--out`.

Exit status: 0 all passed, 1 a check failed, 3 something needed is not installed.
"""

import argparse
import json
import re
import sys
import threading
import time
import uuid
from pathlib import Path

from test_candidate import (CHROMIUM, CHROMIUM_FLAGS, HERE, INSTALL, Api, Failed, Screens, check, iso,
                            missing_tools, new_context)

CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def account(text):
    name, _, password = text.partition(":")
    if not name or not password:
        raise argparse.ArgumentTypeError("NAME:PASSWORD")
    return name, password


def seconds_of(clock):
    """`m:ss` or `h:mm:ss` as seconds."""
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


class Candidates:
    """Three candidates driven through the API from a thread of their own, as the proctor watches."""

    def __init__(self, api, registrations):
        self.api = api
        self.registrations = registrations
        self.tokens = {}
        self.sessions = {}
        self.errors = []

    def start_all(self):
        """Signs each in with their access code and starts their session, one after another, in the
        background; returns the thread."""

        def run():
            try:
                for reg in self.registrations:
                    token = self.api.ok("POST", "/api/v1/auth/token", {
                        "grant_type": "access_code", "registration_id": reg["registration_id"],
                        "access_code": reg["access_code"]})["access_token"]
                    session = self.api.ok("POST", "/api/v1/sessions", {}, token)
                    self.tokens[reg["full_name"]] = token
                    self.sessions[reg["full_name"]] = session["id"]
                    time.sleep(0.5)
            except Exception as e:  # reported by the main thread
                self.errors.append(e)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def status(self, name):
        return self.api.ok("GET", f"/api/v1/sessions/{self.sessions[name]}", token=self.tokens[name])["status"]

    def save(self, name):
        """A save of the first item: the status and problem code the server answers."""
        view = self.api.ok("GET", f"/api/v1/sessions/{self.sessions[name]}", token=self.tokens[name])
        item = view["sections"][0]["items"][0]
        status, answer = self.api.call(
            "PUT", f"/api/v1/sessions/{self.sessions[name]}/responses/{item['position']}",
            {"answer": {"choice": item["options"][0]["id"]}}, self.tokens[name],
            {"Idempotency-Key": uuid.uuid4().hex})
        return status, (answer or {}).get("code")

    def paste(self, name):
        self.api.ok("POST", f"/api/v1/sessions/{self.sessions[name]}/integrity-events",
                    {"events": [{"type": "paste", "at": iso(0), "detail": {"target": "text"}}]},
                    self.tokens[name], expect=(202,))


def sign_in(page, base, username, password, lang="en"):
    page.goto(f"{base}/staff?lang={lang}")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def operator_part(page, base, screens, operator, proctor_name, expect):
    """The operator's work; returns (sitting id, the slip's registration)."""
    out = screens.out
    print("staff sign-in")
    response = page.goto(f"{base}/staff?lang=kk")
    check("script-src 'self'" in response.headers.get("content-security-policy", ""), "a strict CSP")
    expect(page.get_by_role("heading", name="Қызметкерлердің кіруі")).to_be_visible()
    screens.take(page, "staff-sign-in-kk")
    page.goto(f"{base}/staff?lang=en")
    page.get_by_label("Username", exact=True).fill(operator[0])
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#signin-message")).not_to_be_empty()
    screens.take(page, "staff-sign-in-wrong-password")
    sign_in(page, base, *operator)
    page.wait_for_url(f"{base}/operator")
    expect(page.get_by_role("heading", name="Candidates", exact=True)).to_be_visible()
    check(page.evaluate("() => sessionStorage.getItem('synaq.staff.token') !== null"), "the token is in sessionStorage")
    check(page.evaluate("() => Object.values(localStorage).every(v => !v.includes('.ey'))"), "and not in localStorage")
    expect(page.locator("#staff-who")).to_have_text(f"Signed in as {operator[0]} (operator)")
    screens.take(page, "operator-candidates")

    print("an expired sign-in is renewed in a dialog, and what was typed is kept")
    document = "N" + uuid.uuid4().hex[:8].upper()
    page.evaluate("() => sessionStorage.setItem('synaq.staff.token', 'expired')")
    form = page.locator("#candidate-form")
    form.get_by_label("Full name", exact=True).fill("Aigul Serikkyzy")
    form.get_by_label("Document number", exact=True).fill(document.lower())
    form.get_by_label("Citizenship", exact=True).fill("UZB")
    form.get_by_role("button", name="Register the candidate", exact=True).click()
    dialog = page.get_by_role("dialog", name="Sign in again")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Username", exact=True)).to_have_value(operator[0])
    expect(form.get_by_label("Full name", exact=True)).to_have_value("Aigul Serikkyzy")
    screens.take(page, "renewal-dialog")
    dialog.get_by_label("Password", exact=True).fill(operator[1])
    dialog.get_by_role("button", name="Sign in", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#candidate-message")).to_have_text("Registered: Aigul Serikkyzy")
    check(form.get_by_label("Full name", exact=True).input_value() == "", "the form is emptied once sent")
    row = page.locator("#candidates tbody tr").first
    expect(row.get_by_role("rowheader")).to_have_text("Aigul Serikkyzy")
    print("  ok  the request went through with the new sign-in")

    print("correcting the candidate")
    row.get_by_role("link", name="Aigul Serikkyzy", exact=True).click()
    expect(page.get_by_role("heading", name="Candidate", exact=True)).to_be_visible()
    edit = page.locator("#candidate-edit")
    expect(edit.get_by_label("Document number", exact=True)).to_have_value(document)
    edit.get_by_label("Full name", exact=True).fill("Айгүл Серікқызы")
    edit.get_by_label("Date of birth", exact=True).fill("1990-04-01")
    edit.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#candidate-message")).to_have_text("Saved")
    screens.take(page, "operator-candidate")

    print("finding the candidate by a Latin spelling of the name")
    page.get_by_role("link", name="Candidates", exact=True).click()
    page.get_by_label("Name or document number", exact=True).fill("serik")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#candidates tbody tr")).to_have_count(1)
    expect(page.locator("#candidates tbody tr").get_by_role("rowheader")).to_have_text("Айгүл Серікқызы")

    print("a sitting with access rules")
    page.get_by_role("link", name="Sittings", exact=True).click()
    expect(page.get_by_role("heading", name="Sittings", exact=True)).to_be_visible()
    sitting_form = page.locator("#sitting-form")
    sitting_form.get_by_label("A proctor must authorize each start", exact=True).check()
    sitting_form.get_by_label("Centre network (IP ranges)", exact=True).fill("127.0.0.0/8\n::1/128")
    sitting_form.get_by_label("Proctors", exact=True).fill(proctor_name)
    screens.take(page, "operator-sittings")
    sitting_form.get_by_role("button", name="Create the sitting", exact=True).click()
    page.wait_for_url(re.compile(r"/operator/sittings/[0-9a-f-]{36}$"))
    sitting_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("#sitting-summary")).to_contain_text("kaztest-a1-preselection")

    print("registering the candidate and printing the slip")
    page.get_by_label("Name or document number", exact=True).fill(document)
    page.get_by_role("button", name="Search", exact=True).click()
    candidate_row = page.locator("#register-candidates tbody tr")
    expect(candidate_row).to_have_count(1)
    screens.take(page, "operator-sitting")
    candidate_row.get_by_role("button", name="Register", exact=True).click()
    slip = page.get_by_role("region", name="Access slip")
    expect(slip).to_be_visible()
    code = page.locator("#slip-code").inner_text()
    registration_id = page.locator("#slip-registration").inner_text()
    check(CODE.match(code) is not None, f"the slip shows the access code ({code})")
    expect(page.locator("#slip-name")).to_have_text("Айгүл Серікқызы")
    expect(page.locator("#slip")).to_contain_text(f"{base}/sit")
    screens.take(page, "slip")
    page.emulate_media(media="print")
    expect(page.locator("#slip-code")).to_be_visible()
    expect(page.locator(".staff-bar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print", exact=True)).to_be_hidden()
    page.screenshot(path=str(out / "slip-print.png"), full_page=True)
    pdf = out / "slip.pdf"
    page.pdf(path=str(pdf), format="A4")
    check(pdf.stat().st_size > 1000 and pdf.read_bytes().startswith(b"%PDF"), f"the slip prints as a PDF ({pdf})")
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Printed, close the slip", exact=True).click()
    expect(slip).to_be_hidden()
    check(code not in page.content(), "the code is gone from the page once the slip is closed")
    page.reload()
    check(code not in page.content(), "and a reload does not bring it back")
    results_row = page.locator("#results tbody tr")
    expect(results_row).to_have_count(1)
    expect(results_row.locator("td").nth(2)).to_have_text("not started")
    screens.take(page, "operator-sitting-results")
    return sitting_id, {"registration_id": registration_id, "access_code": code, "full_name": "Айгүл Серікқызы"}


def proctor_part(page, base, screens, proctor, api, admin, sitting_id, first, expect):
    """The proctor's work on the sitting; returns the candidate whose result is held."""
    others = []
    for name in ["Ерлан Жақсыбеков", "Дана Мұратқызы"]:
        doc = "N" + uuid.uuid4().hex[:8].upper()
        candidate = api.ok("POST", "/api/v1/candidates", {"full_name": name, "document_number": doc}, admin)
        reg = api.ok("POST", f"/api/v1/sittings/{sitting_id}/registrations", {"candidate_id": candidate["id"]}, admin)
        others.append({"registration_id": reg["registration_id"], "access_code": reg["access_code"], "full_name": name})
    names = [first["full_name"]] + [o["full_name"] for o in others]

    print("the proctor's sittings and the live roster")
    sign_in(page, base, *proctor)
    page.wait_for_url(f"{base}/proctor")
    expect(page.get_by_role("heading", name="Sittings", exact=True)).to_be_visible()
    expect(page.locator("#sittings tbody tr")).to_have_count(1)
    screens.take(page, "proctor-sittings")
    page.locator("#sittings tbody tr").get_by_role("link").click()
    page.wait_for_url(f"{base}/proctor/sittings/{sitting_id}")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    def row(name):
        return page.locator("#roster tbody tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))

    def status_of(name):
        return row(name).locator("td").nth(0)

    for name in names:
        expect(status_of(name)).to_have_text("not started")
    screens.take(page, "roster-registered")

    candidates = Candidates(api, [first] + others)
    driver = candidates.start_all()
    for name in names:
        expect(status_of(name)).to_have_text("awaiting authorization", timeout=15_000)
    driver.join(timeout=30)
    check(not candidates.errors, f"the candidates signed in and started: {candidates.errors}")
    print("  ok  each start appears in the roster without a reload")
    screens.take(page, "roster-awaiting")

    def act(name, action, reason, seconds=None, screenshot=None):
        row(name).get_by_role("button", name=action, exact=True).click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("heading")).to_have_text(f"{action}: {name}")
        dialog.get_by_role("button", name="Confirm", exact=True).click()
        expect(dialog.locator(".message")).to_have_text("Write the reason.")
        dialog.get_by_role("textbox", name="Reason", exact=True).fill(reason)
        if seconds is not None:
            dialog.get_by_role("spinbutton", name="Seconds", exact=True).fill(str(seconds))
        if screenshot:
            screens.take(page, screenshot)
        dialog.get_by_role("button", name="Confirm", exact=True).click()
        expect(dialog).to_be_hidden()

    print("authorize")
    act(names[0], "Authorize", "passport checked", screenshot="roster-dialog-authorize")
    expect(status_of(names[0])).to_have_text("in progress")
    check(candidates.status(names[0]) == "in_progress", "the candidate's session runs")
    expect(row(names[0]).locator("td").nth(1)).to_have_text("Listening")
    left = row(names[0]).locator("td").nth(2)
    before = seconds_of(left.inner_text())
    page.wait_for_timeout(2500)
    check(seconds_of(left.inner_text()) < before, "the time left counts down")
    for name in names[1:]:
        act(name, "Authorize", "identity document checked")
        expect(status_of(name)).to_have_text("in progress")

    print("pause and resume")
    act(names[0], "Pause", "fire alarm")
    expect(status_of(names[0])).to_have_text("paused")
    check(candidates.save(names[0]) == (409, "session_paused"), "a paused session's save is refused")
    paused = left.inner_text()
    page.wait_for_timeout(2500)
    check(left.inner_text() == paused, "a paused clock does not count down")
    screens.take(page, "roster-paused")
    act(names[0], "Resume", "all clear")
    expect(status_of(names[0])).to_have_text("in progress")
    check(candidates.save(names[0])[0] == 200, "the resumed session saves again")

    print("extend")
    left_second = row(names[1]).locator("td").nth(2)
    before = seconds_of(left_second.inner_text())
    act(names[1], "Extend", "accommodation for a slow reader", seconds=600, screenshot="roster-dialog-extend")
    page.wait_for_function(
        """([name, before]) => {
            const row = [...document.querySelectorAll('#roster tbody tr')].find(r => r.querySelector('th').textContent === name);
            const parts = row.querySelectorAll('td')[2].textContent.split(':').map(Number);
            return parts.reduce((a, b) => a * 60 + b, 0) >= before + 590;
        }""", arg=[names[1], before], timeout=10_000)
    print("  ok  the row shows ten more minutes")

    print("terminate")
    act(names[2], "Terminate", "notes under the keyboard")
    expect(status_of(names[2])).to_have_text("terminated")
    expect(row(names[2]).get_by_role("button", name="Reactivate", exact=True)).to_be_visible()
    check(candidates.save(names[2]) == (409, "session_terminated"), "a terminated session's save is refused")

    print("a candidate's own integrity event raises a flag in the roster")
    expect(row(names[1]).locator("td").nth(4)).to_have_text("none")
    candidates.paste(names[1])
    expect(row(names[1]).locator("td").nth(4)).to_have_text("1, highest high", timeout=10_000)
    check(page.evaluate("() => window.stillTheSamePage === true"), "every change came without a reload")
    screens.take(page, "roster-after-actions")

    print("the timeline")
    row(names[0]).get_by_role("link", name="Timeline", exact=True).click()
    expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
    for action, reason in [("Authorize", "passport checked"), ("Pause", "fire alarm"), ("Resume", "all clear")]:
        entry = page.locator("#timeline tbody tr[data-kind='action']").filter(
            has=page.get_by_role("rowheader", name=action, exact=True))
        expect(entry).to_contain_text(reason)
    expect(page.locator("#timeline tbody tr[data-kind='save']")).to_have_count(1)
    screens.take(page, "timeline")

    print("the review queue")
    held = names[1]
    api.ok("POST", f"/api/v1/sessions/{candidates.sessions[held]}/finish", {}, candidates.tokens[held])
    page.get_by_role("link", name="Review queue", exact=True).click()
    review = page.locator("#reviews tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(held)))
    expect(review).to_have_count(1)
    expect(review).to_contain_text("paste_into_text_answer")
    screens.take(page, "reviews-proctor")
    review.get_by_role("button", name="Release", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Reason", exact=True).fill("looks fine")
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    expect(dialog.locator(".message")).to_have_text("Your role may not do this. Sign in as someone who may.")
    dialog.get_by_role("button", name="Cancel", exact=True).click()
    print("  ok  a proctor reads the queue but may not decide")
    return held


def admin_part(page, base, screens, admin_password, held, expect):
    print("an admin voids the held result with a ban")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{base}/staff")
    check(page.evaluate("() => sessionStorage.getItem('synaq.staff.token') === null"), "signing out forgets the token")
    sign_in(page, base, "admin", admin_password)
    expect(page.get_by_role("heading", name="Staff pages", exact=True)).to_be_visible()
    for name in ["Test centre", "Proctoring", "Item bank"]:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    screens.take(page, "admin-home")
    page.goto(f"{base}/proctor/reviews")
    review = page.locator("#reviews tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(held)))
    review.get_by_role("button", name="Void", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Reason", exact=True).fill("pasted a prepared answer")
    dialog.get_by_role("checkbox", name="Ban the candidate from registering", exact=True).check()
    screens.take(page, "reviews-dialog-void")
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#reviews-empty")).to_be_visible()
    page.get_by_label("Show", exact=True).select_option("closed")
    expect(page.locator("#reviews tbody tr")).to_contain_text("voided: pasted a prepared answer · banned")
    screens.take(page, "reviews-decided")


def every_page_in_kazakh(page, base, screens, sitting_id, expect):
    """Every staff screen once more in Kazakh (signed in as the admin, who may see them all)."""
    print("every screen in Kazakh")
    pages = [("/operator", "operator"), ("/operator/sittings", "operator-sittings"),
             (f"/operator/sittings/{sitting_id}", "operator-sitting"), ("/proctor", "proctor-sittings"),
             (f"/proctor/sittings/{sitting_id}", "roster"), ("/proctor/reviews", "reviews"), ("/author", "author"),
             ("/staff", "admin-home")]
    for path, name in pages:
        page.goto(f"{base}{path}?lang=kk")
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        page.wait_for_load_state("networkidle")
        screens.take(page, f"{name}-kk")
    page.goto(f"{base}/proctor/sittings/{sitting_id}")
    page.locator("#roster tbody a").first.click()
    expect(page.locator("#timeline tbody tr").first).to_be_visible()
    screens.take(page, "timeline-kk")
    response = page.goto(f"{base}/proctor/sittings/not-an-id")
    check(response.status == 404, "an address without an id is a 404 page")


def scenario(base, admin_password, operator, proctor, screens, axe_path):
    from playwright.sync_api import expect, sync_playwright

    api = Api(base)
    admin = api.admin(admin_password)
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())
            sitting_id, first = operator_part(page, base, screens, operator, proctor[0], expect)
            context.close()
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())
            held = proctor_part(page, base, screens, proctor, api, admin, sitting_id, first, expect)
            admin_part(page, base, screens, admin_password, held, expect)
            every_page_in_kazakh(page, base, screens, sitting_id, expect)
            browser.close()
        except Exception:
            screens.failure()
            raise
    print(f"screenshots in {screens.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--operator", type=account, required=True, metavar="NAME:PASSWORD")
    parser.add_argument("--proctor", type=account, required=True, metavar="NAME:PASSWORD")
    parser.add_argument("--out", type=Path, default=Path("target/screenshots/staff"))
    parser.add_argument("--axe", type=Path, default=HERE / "node_modules/axe-core/axe.min.js")
    args = parser.parse_args()
    missing = missing_tools(args.axe)
    if missing:
        print(f"the browser test needs {', '.join(missing)}; {INSTALL}", file=sys.stderr)
        return 3
    args.out.mkdir(parents=True, exist_ok=True)
    screens = Screens(args.out)
    try:
        scenario(args.base.rstrip("/"), args.admin_password, args.operator, args.proctor, screens, args.axe)
    except Exception as e:  # a failed check, or a Playwright assertion or time-out
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"screens": screens.count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
