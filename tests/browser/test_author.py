#!/usr/bin/env python3
"""The authors' pages in a real browser (Debian's Chromium, headless, driven by Playwright).

Against a running server (`--base`) with two author accounts (`--writer NAME:PASSWORD`, `--reviewer
NAME:PASSWORD`, created by the caller), finished sessions to calibrate from, and the admin's password:

- the writer signs in and lands on the item bank; filters, searches in another alphabet and pages it;
  writes a new item in the draft editor (the editor's and the server's validation messages shown by it),
  uploads its recording, and sees it previewed exactly as a candidate's page draws it, with its
  characteristic curve; edits the draft and sends it to review with a comment; may not approve it;
- the reviewer approves it and puts it in operation; a blueprint that needs it is saved, and a candidate
  of a sitting of that blueprint gets it on their drawn form; the blueprint's page reports it feasible
  and draws the simulation picture (forms' curves against the target, exposure), as does the A1 test's;
  its next version is saved from the page (one the bank cannot carry is refused with the reason);
- a QTI package is imported from the page (a dry run, then for real) with its report, and items are
  exported from it and from an item's page;
- a calibration run is started from the page, its before-and-after picture drawn, and it is applied;
- every screen is checked with axe-core (no serious or critical violation), for Content-Security-Policy
  violations, script errors and untranslated texts, in English and Kazakh; a screenshot of each goes
  to `--out`.

Exit status: 0 all passed, 1 a check failed, 3 something needed is not installed.
"""

import argparse
import json
import re
import sys
import uuid
import zipfile
from pathlib import Path

from test_candidate import (CHROMIUM, CHROMIUM_FLAGS, HERE, INSTALL, Api, Failed, Screens, check, iso,
                            missing_tools, new_context)
from test_staff import account, sign_in

ROOT = HERE.parent.parent
RECORDING = ROOT / "item-bank/content/audio/ls-a1-family-001.ogg"
PACKAGE = ROOT / "qti/tests/fixtures/package"
ITEM = "pl-a1-pilot-" + uuid.uuid4().hex[:6]
STEM = "Айгүл жұмысқа немен барады?"
EDITED_STEM = "Айгүл жұмысқа қалай барады?"
ESSAY = "wr-a2-family-" + uuid.uuid4().hex[:6]
ESSAY_STEM = "Отбасыңыз туралы бес-алты сөйлем жазыңыз."


def zipped(directory, dest):
    """The fixture package as an authoring tool ships it: a zip of the directory."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(directory).as_posix())
    return dest


def bank_part(page, base, screens, expect):
    print("the item bank: filters, search, paging")
    expect(page.get_by_role("heading", name="Item bank", exact=True)).to_be_visible()
    rows = page.locator("#items tbody tr")
    expect(rows).to_have_count(20)
    screens.take(page, "author-items")
    page.get_by_role("button", name="Next page", exact=True).click()
    expect(page.locator("#page-number")).to_have_text("Page 2")
    first_of_second = rows.first.get_by_role("rowheader").inner_text()
    page.get_by_role("button", name="First page", exact=True).click()
    expect(page.locator("#page-number")).to_have_text("Page 1")
    check(rows.first.get_by_role("rowheader").inner_text() < first_of_second, "pages follow the ids")
    form = page.locator("#item-filter")
    form.get_by_label("Search the text (any alphabet)", exact=True).fill("avtobus")
    form.get_by_label("Section", exact=True).fill("reading")
    form.get_by_role("button", name="Search", exact=True).click()
    expect(rows.first).to_contain_text("автобус")
    count = rows.count()
    check(0 < count < 20, f"a Latin spelling finds the Cyrillic text ({count} items)")
    for k in range(count):
        check(rows.nth(k).locator("td").nth(1).inner_text() == "reading", "and the section filter holds")
    form.get_by_label("Status", exact=True).select_option("draft")
    form.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#items-empty")).to_be_visible()
    screens.take(page, "author-items-filtered")
    form.get_by_label("Status", exact=True).select_option("")
    form.get_by_label("Search the text (any alphabet)", exact=True).fill("")
    form.get_by_label("Section", exact=True).fill("")


def writer_part(page, base, screens, expect):
    print("a new item in the draft editor, with its recording")
    page.get_by_role("link", name="New item", exact=True).click()
    page.wait_for_url(f"{base}/author/items/new")
    form = page.locator("#item-form")
    form.get_by_label("Item ID", exact=True).fill(ITEM)
    form.get_by_label("Section", exact=True).fill("pilot")
    form.get_by_label("Topic", exact=True).fill("pilot")
    form.get_by_label("Text to read", exact=True).fill("Бүгін Айгүл автобуспен жұмысқа барады.")
    form.get_by_label("Options", exact=True).fill("автобуспен\nтаксимен\nметромен\nжаяу")
    form.get_by_role("button", name="Create the draft", exact=True).click()
    expect(page.locator("#item-message")).to_have_text("Fill in: Question, Key.")
    check(form.get_by_label("Question", exact=True).get_attribute("aria-invalid") == "true", "the field is marked")
    screens.take(page, "author-new-item-missing")
    form.get_by_label("Question", exact=True).fill(STEM)
    form.get_by_label("Key", exact=True).fill("z")
    form.get_by_label("Recording (Ogg)", exact=True).set_input_files(str(RECORDING))
    form.get_by_label("Transcript", exact=True).fill("Айгүл жұмысқа автобуспен барады.")
    expect(page.locator("#item-audio")).to_have_text(re.compile(r"^Recording: audio/[0-9a-f]{32}\.ogg$"))
    form.get_by_role("button", name="Create the draft", exact=True).click()
    expect(page.locator("#item-message")).to_contain_text("key")
    screens.take(page, "author-new-item-refused")
    print("  ok  the server's validation message is shown by the editor")
    form.get_by_label("Key", exact=True).fill("a")
    form.get_by_role("button", name="Create the draft", exact=True).click()
    page.wait_for_url(f"{base}/author/items/{ITEM}")

    print("the item's page: preview as a candidate sees it, curve, draft editing, review")
    expect(page.locator("#item-summary")).to_have_text("Version 1, draft; pilot, A1, single choice")
    preview = page.locator("#preview")
    expect(preview.get_by_role("group", name=STEM)).to_be_visible()
    for option in ["автобуспен", "таксимен", "метромен", "жаяу"]:
        expect(preview.get_by_role("radio", name=option, exact=True)).to_be_visible()
    expect(preview.get_by_role("button", name="Play", exact=True)).to_be_visible()
    expect(preview.locator(".stimulus")).to_have_text("Бүгін Айгүл автобуспен жұмысқа барады.")
    curves = page.locator("#curves")
    expect(curves).to_be_visible()
    expect(curves).to_have_attribute("alt", re.compile(ITEM))
    check(curves.evaluate("img => img.complete && img.naturalWidth > 300"), "the curve is drawn")
    screens.take(page, "author-item-draft")
    draft = page.locator("#item-form")
    expect(draft.get_by_label("Question", exact=True)).to_have_value(STEM)
    draft.get_by_label("Question", exact=True).fill(EDITED_STEM)
    draft.get_by_role("button", name="Save the draft", exact=True).click()
    expect(page.locator("#item-message")).to_have_text("Saved")
    expect(preview.get_by_role("group", name=EDITED_STEM)).to_be_visible()

    lifecycle = page.locator("#lifecycle-form")
    lifecycle.get_by_role("button", name="Send to review", exact=True).click()
    expect(page.locator("#lifecycle-message")).to_have_text("Write a comment.")
    lifecycle.get_by_role("textbox", name="Comment", exact=True).fill("ready: checked against the A1 word list")
    lifecycle.get_by_role("button", name="Send to review", exact=True).click()
    expect(page.locator("#item-summary")).to_contain_text("in review")
    expect(page.locator("#draft")).to_be_hidden()
    lifecycle.get_by_role("textbox", name="Comment", exact=True).fill("approving my own")
    lifecycle.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#lifecycle-message")).not_to_be_empty()
    expect(page.locator("#item-summary")).to_contain_text("in review")
    screens.take(page, "author-item-review")
    print("  ok  the writer may not approve their own item")


def writing_part(page, base, screens, expect):
    print("a writing task in the draft editor")
    page.goto(f"{base}/author/items/new")
    form = page.locator("#item-form")
    form.get_by_label("Item ID", exact=True).fill(ESSAY)
    form.get_by_label("Section", exact=True).fill("writing")
    form.get_by_label("Topic", exact=True).fill("family")
    form.get_by_label("Level", exact=True).select_option("A2")
    form.get_by_label("Type", exact=True).select_option("writing")
    expect(form.get_by_label("Options", exact=True)).to_be_hidden()
    expect(form.get_by_label("Accepted answers", exact=True)).to_be_hidden()
    form.get_by_label("Question", exact=True).fill(ESSAY_STEM)
    form.get_by_label("Lines of the answer box", exact=True).fill("8")
    screens.take(page, "author-new-writing-item")
    form.get_by_role("button", name="Create the draft", exact=True).click()
    page.wait_for_url(f"{base}/author/items/{ESSAY}")
    expect(page.locator("#item-summary")).to_contain_text("writing")
    answer = page.locator("#preview").get_by_role("textbox", name="Answer", exact=True)
    expect(answer).to_be_visible()
    check(answer.evaluate("box => box.tagName") == "TEXTAREA", "a writing task is answered in a box of lines")
    expect(page.locator("#item-form").get_by_label("Lines of the answer box", exact=True)).to_have_value("8")
    lifecycle = page.locator("#lifecycle-form")
    lifecycle.get_by_role("textbox", name="Comment", exact=True).fill("ready for review")
    lifecycle.get_by_role("button", name="Send to review", exact=True).click()
    expect(page.locator("#item-summary")).to_contain_text("in review")
    print("  ok  a writing task is written with its answer box and sent to review")


def writing_review(page, base, screens, expect):
    print("a writing task is approved but goes on no form")
    page.goto(f"{base}/author/items/{ESSAY}")
    lifecycle = page.locator("#lifecycle-form")
    comment = lifecycle.get_by_role("textbox", name="Comment", exact=True)
    comment.fill("reviewed: a fair A2 task")
    lifecycle.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#item-summary")).to_contain_text("approved")
    comment.fill("into operation")
    lifecycle.get_by_role("button", name="Operational", exact=True).click()
    expect(page.locator("#lifecycle-message")).to_contain_text("writing cannot be rated")
    expect(page.locator("#item-summary")).to_contain_text("approved")
    screens.take(page, "author-writing-not-live")
    print("  ok  the page says why a writing task stays off forms")


def reviewer_part(page, base, screens, api, admin, expect):
    print("a second author approves it and puts it in operation")
    page.goto(f"{base}/author/items/{ITEM}")
    lifecycle = page.locator("#lifecycle-form")
    comment = lifecycle.get_by_role("textbox", name="Comment", exact=True)
    comment.fill("reviewed: the key and the recording are right")
    lifecycle.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#item-summary")).to_contain_text("approved")
    for name in ["Operational", "Pretest", "Retire"]:
        expect(lifecycle.get_by_role("button", name=name, exact=True)).to_be_visible()
    comment.fill("into operation for the pilot")
    lifecycle.get_by_role("button", name="Operational", exact=True).click()
    expect(page.locator("#item-summary")).to_contain_text("operational")
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(4)
    expect(history.nth(3)).to_contain_text("into operation for the pilot")
    screens.take(page, "author-item-operational")

    print("it appears on a drawn form")
    blueprint = {
        "id": "pilot-check", "version": 1, "title": "Пилот", "max_exposure": 1.0,
        "sections": [{"id": "pilot", "title": "Пилот", "time_limit_seconds": 600, "items": 1}],
        "rules": {"pass_min_percent": 30.0, "levels": [{"level": "A1", "min_percent": 30.0}]},
    }
    api.ok("POST", "/api/v1/blueprints", blueprint, admin)
    sitting = api.ok("POST", "/api/v1/sittings", {"blueprint": "pilot-check", "mode": "centre",
                                                  "opens_at": iso(-60), "closes_at": iso(120)}, admin)
    candidate = api.ok("POST", "/api/v1/candidates", {"full_name": "Ерлан Жақсыбеков",
                                                      "document_number": "N" + uuid.uuid4().hex[:8].upper()}, admin)
    reg = api.ok("POST", f"/api/v1/sittings/{sitting['id']}/registrations", {"candidate_id": candidate["id"]}, admin)
    token = api.ok("POST", "/api/v1/auth/token", {"grant_type": "access_code", "registration_id": reg["registration_id"],
                                                  "access_code": reg["access_code"]})["access_token"]
    session = api.ok("POST", "/api/v1/sessions", {}, token)
    drawn = [i["stem"] for s in session["sections"] for i in s.get("items", [])]
    check(drawn == [EDITED_STEM], f"the candidate's form holds the item ({drawn})")

    print("blueprints: feasibility and the simulation picture")
    page.get_by_role("link", name="Blueprints", exact=True).click()
    expect(page.get_by_role("heading", name="Blueprints", exact=True)).to_be_visible()
    expect(page.locator("#blueprints tbody tr").get_by_role("link", name="kaztest-a1-preselection")).to_be_visible()
    screens.take(page, "author-blueprints")
    page.get_by_role("link", name="pilot-check", exact=True).click()
    page.wait_for_url(f"{base}/author/blueprints/pilot-check")
    expect(page.locator("#feasibility-verdict")).to_have_text("Yes: there are enough items for every constraint.")
    expect(page.locator("#supply tbody tr").locator("td").nth(2)).to_have_text("1")
    page.get_by_label("Forms", exact=True).fill("0")
    page.get_by_role("button", name="Run the simulation", exact=True).click()
    expect(page.locator("#simulation-message")).to_have_text("Enter a number from 1 to 500.")
    page.get_by_label("Forms", exact=True).fill("20")
    page.get_by_role("button", name="Run the simulation", exact=True).click()
    expect(page.locator("#simulation-status")).to_have_text("20 forms drawn.", timeout=60_000)
    picture = page.locator("#simulation")
    expect(picture).to_have_attribute("alt", re.compile("20 forms of blueprint pilot-check"))
    screens.take(page, "author-blueprint-pilot")
    edit = page.get_by_label("Blueprint (JSON)", exact=True)
    expect(edit).to_have_value(re.compile(r'"version": 2'))
    edit.fill("{ not json")
    page.get_by_role("button", name="Save the next version", exact=True).click()
    expect(page.locator("#edit-message")).to_contain_text("This is not JSON")
    next_version = dict(blueprint, version=2, title="Пилот 2")
    next_version["sections"] = [dict(blueprint["sections"][0], items=2)]
    edit.fill(json.dumps(next_version, ensure_ascii=False))
    page.get_by_role("button", name="Save the next version", exact=True).click()
    expect(page.locator("#edit-message")).to_contain_text("needs")
    screens.take(page, "author-blueprint-refused")
    edit.fill(json.dumps(dict(blueprint, version=2, title="Пилот 2"), ensure_ascii=False))
    page.get_by_role("button", name="Save the next version", exact=True).click()
    expect(page.locator("#edit-message")).to_have_text("Version 2 is saved.")
    expect(page.locator("#blueprint-summary")).to_have_text("Пилот 2, version 2, 10 min in all")
    print("  ok  a blueprint's next version is saved from the page, and one the bank cannot carry is refused")
    page.goto(f"{base}/author/blueprints/kaztest-a1-preselection")
    expect(page.locator("#feasibility-verdict")).to_have_text("Yes: there are enough items for every constraint.")
    expect(page.locator("#supply tbody tr")).to_have_count(2)
    page.get_by_label("Forms", exact=True).fill("30")
    page.get_by_role("button", name="Run the simulation", exact=True).click()
    expect(page.locator("#simulation-status")).to_have_text("30 forms drawn.", timeout=120_000)
    check(page.locator("#simulation").evaluate("img => img.complete && img.naturalWidth >= 1260"),
          "a panel per section and one for exposure")
    screens.take(page, "author-blueprint-a1")


def qti_part(page, base, screens, out, expect):
    print("QTI: a package imported from the page, with its report; items exported")
    package = zipped(PACKAGE, out / "qti-package.zip")
    page.get_by_role("link", name="QTI", exact=True).click()
    expect(page.get_by_role("heading", name="QTI import and export", exact=True)).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-message")).to_have_text("Choose a file.")
    page.get_by_label("Package (zip) or item (XML)", exact=True).set_input_files(str(package))
    page.get_by_label("Check only, store nothing", exact=True).check()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#report-heading")).to_contain_text("Check:")
    imported = page.locator("#imported tbody tr")
    would = imported.count()
    check(would > 0, f"the dry run reports what would be imported ({would})")
    check(page.locator("#imported tbody a").count() == 0, "and stores nothing to link to")
    screens.take(page, "author-qti-dry-run")
    page.get_by_label("Check only, store nothing", exact=True).uncheck()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#report-heading")).to_contain_text("Imported:")
    expect(page.locator("#imported tbody a")).to_have_count(would)
    skipped = page.locator("#skipped tbody tr")
    check(skipped.count() > 0 and all(skipped.nth(k).locator("td").inner_text().strip() for k in range(skipped.count())),
          "what was left out is listed with its reason")
    first = page.locator("#imported tbody a").first.inner_text()
    screens.take(page, "author-qti-imported")
    page.get_by_label("Item IDs", exact=True).fill(f"{first}, {ITEM}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export", exact=True).click()
    exported = Path(download.value.path()).read_bytes()
    check(exported.startswith(b"PK"), "the export is a zip")
    names = zipfile.ZipFile(download.value.path()).namelist()
    check("imsmanifest.xml" in names and len([n for n in names if n.endswith(".xml")]) >= 3,
          f"with its manifest and both items ({names})")
    expect(page.locator("#export-message")).to_have_text("The package of 2 items is downloaded.")
    page.locator("#imported tbody a").first.click()
    page.wait_for_url(f"{base}/author/items/{first}")
    expect(page.locator("#item-summary")).to_contain_text("draft")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export as QTI", exact=True).click()
    check(Path(download.value.path()).read_bytes().startswith(b"PK"), "an item's page exports it")
    screens.take(page, "author-item-imported")


def calibration_part(page, base, screens, expect):
    print("calibration: a run started from the page, its before-and-after picture, applied")
    page.get_by_role("link", name="Calibration", exact=True).click()
    expect(page.get_by_role("heading", name="Calibration runs", exact=True)).to_be_visible()
    expect(page.locator("#runs-empty")).to_be_visible()
    form = page.locator("#run-form")
    form.get_by_label("Model", exact=True).select_option("rasch")
    form.get_by_label("Fewest responses per item", exact=True).fill("3")
    screens.take(page, "author-runs")
    form.get_by_role("button", name="Start the run", exact=True).click()
    page.wait_for_url(re.compile(r"/author/calibration/[0-9a-f-]{36}$"), timeout=60_000)
    expect(page.locator("#run-summary")).to_contain_text("converged")
    picture = page.locator("#run-picture")
    expect(picture).to_have_attribute("alt", re.compile(r"Calibration: the parameters of \d+ items"))
    check(picture.evaluate("img => img.complete && img.naturalWidth >= 840"), "two panels: difficulty and discrimination")
    check(page.locator("#estimates tbody tr").count() == 50, "the first 50 estimates are listed")
    page.get_by_role("button", name=re.compile(r"^Show all \d+$")).click()
    check(page.locator("#estimates tbody tr").count() > 50, "and the rest on request")
    check(page.locator("#estimates tbody tr").first.locator("td").nth(2).inner_text() != "—", "with their parameters before")
    screens.take(page, "author-run")
    page.get_by_role("button", name="Apply to the bank", exact=True).click()
    expect(page.locator("#apply-message")).to_have_text("Applied to the bank.")
    expect(page.get_by_role("button", name="Apply to the bank", exact=True)).to_be_hidden()
    expect(page.locator("#run-summary")).to_contain_text("applied to the bank")
    run_path = page.url.replace(base, "")
    page.get_by_role("link", name="Calibration", exact=True).click()
    expect(page.locator("#runs tbody tr")).to_have_count(1)
    expect(page.locator("#runs tbody tr td").nth(4)).not_to_have_text("no")
    screens.take(page, "author-runs-applied")
    return run_path


def every_page_in_kazakh(page, base, screens, run_path, expect):
    print("every screen in Kazakh")
    pages = [("/author", "author-items"), ("/author/items/new", "author-new-item"),
             (f"/author/items/{ITEM}", "author-item"), ("/author/qti", "author-qti"),
             ("/author/blueprints", "author-blueprints"), ("/author/blueprints/pilot-check", "author-blueprint"),
             ("/author/calibration", "author-runs"), (run_path, "author-run")]
    for path, name in pages:
        page.goto(f"{base}{path}?lang=kk")
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        page.wait_for_load_state("networkidle")
        screens.take(page, f"{name}-kk")
    page.goto(f"{base}/author/items/{ITEM}?lang=kk")
    expect(page.locator("#curves")).to_have_attribute("alt", re.compile("сипаттамалық қисығы"))
    response = page.goto(f"{base}/author/items/Not-An-Id")
    check(response.status == 404, "an address without an item id is a 404 page")


def scenario(base, admin_password, writer, reviewer, screens, axe_path):
    from playwright.sync_api import expect, sync_playwright

    api = Api(base)
    admin = api.admin(admin_password)
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())
            sign_in(page, base, *writer)
            page.wait_for_url(f"{base}/author")
            bank_part(page, base, screens, expect)
            writer_part(page, base, screens, expect)
            writing_part(page, base, screens, expect)
            context.close()
            context = new_context(browser, axe_path)
            page = screens.watch(context.new_page())
            sign_in(page, base, *reviewer)
            page.wait_for_url(f"{base}/author")
            reviewer_part(page, base, screens, api, admin, expect)
            writing_review(page, base, screens, expect)
            qti_part(page, base, screens, screens.out, expect)
            run_path = calibration_part(page, base, screens, expect)
            every_page_in_kazakh(page, base, screens, run_path, expect)
            check(not screens.problems, f"no CSP violation or script error: {screens.problems}")
            browser.close()
        except Exception:
            screens.failure()
            raise
    print(f"screenshots in {screens.out}")
    print("an item went from a draft to a drawn form")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--writer", type=account, required=True, metavar="NAME:PASSWORD")
    parser.add_argument("--reviewer", type=account, required=True, metavar="NAME:PASSWORD")
    parser.add_argument("--out", type=Path, default=Path("target/tmp/browser-screens/author"))
    parser.add_argument("--axe", type=Path, default=HERE / "node_modules/axe-core/axe.min.js")
    args = parser.parse_args()
    missing = missing_tools(args.axe)
    if missing:
        print(f"the browser test needs {', '.join(missing)}; {INSTALL}", file=sys.stderr)
        return 3
    args.out.mkdir(parents=True, exist_ok=True)
    screens = Screens(args.out)
    try:
        scenario(args.base.rstrip("/"), args.admin_password, args.writer, args.reviewer, screens, args.axe)
    except Exception as e:  # a failed check, or a Playwright assertion or time-out
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"screens": screens.count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
