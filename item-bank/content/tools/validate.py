#!/usr/bin/env python3
"""Validate the Synaq Kazakh item bank (item-bank/content).

Checks every item file under items/ against the schema documented in
README.md, checks the bank-wide counts the starter bank promises, and checks
that every blueprint under blueprints/ can be assembled from the bank.

Usage:  python3 tools/validate.py [--content DIR] [--quiet]
Exit status: 0 when the bank is valid, 1 when any error was found.
Warnings (printed, but not failing) flag things a reviewer should look at.
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

SECTIONS = ("listening", "reading")
LEVELS = ("A1", "A2")
TOPICS = (
    "greetings", "family", "numbers-time", "food", "shopping", "home",
    "city-transport", "weather-nature", "work-study", "health-body", "leisure",
)
TYPES = ("single_choice", "gap_fill")
POLICIES = ("exact", "standard", "lenient")
OPTION_IDS = ("a", "b", "c", "d")
ID_RE = re.compile(r"^(ls|rd)-[a-z0-9]+(-[a-z0-9]+)*$")
GAP = "____"

ALL_KEYS = {
    "id", "version", "section", "level", "topic", "type", "stem", "stimulus",
    "transcript", "audio", "options", "key", "text_key", "irt",
}
REQUIRED = {"id", "version", "section", "level", "topic", "type", "stem", "irt"}

# Provisional IRT ranges (see README.md).
A_RANGE = (0.8, 1.6)
B_RANGE = {"A1": (-2.5, 0.5), "A2": (0.0, 2.0)}

# Minimum counts promised by the starter bank.
MIN_COUNTS = {
    ("listening", None, None): 62,
    ("listening", "A1", None): 46,
    ("listening", "A2", None): 16,
    ("reading", None, "single_choice"): 125,
    ("reading", "A1", "single_choice"): 94,
    ("reading", "A2", "single_choice"): 31,
    ("reading", None, "gap_fill"): 24,
}
MIN_PER_TOPIC = {"listening": 4, "reading": 8}

CYRILLIC_KK = set(
    "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
    "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
)
# Latin 2021 Kazakh alphabet letters (allowed only in text_key.accept variants).
LATIN_KK = set("AÄBDEFGĞHIİJKLMNÑOÖPQRSŞTUŪÜVYZaäbdefgğhıijklmnñoöpqrsştuūüvyz")


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warning {where}: {msg}")


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def check_kazakh_text(rep: Report, where: str, field: str, text: str) -> None:
    """Kazakh text must be NFC Cyrillic; no Latin look-alikes inside words."""
    if not isinstance(text, str) or not text.strip():
        rep.error(where, f"{field} must be a non-empty string")
        return
    if unicodedata.normalize("NFC", text) != text:
        rep.error(where, f"{field} is not in Unicode NFC")
    if text != text.strip():
        rep.error(where, f"{field} has leading/trailing whitespace")
    for w in words(text):
        bad = [c for c in w if c not in CYRILLIC_KK]
        if bad:
            rep.error(where, f"{field}: word {w!r} contains non-Kazakh-Cyrillic "
                             f"letters {''.join(sorted(set(bad)))!r} "
                             f"({', '.join(f'U+{ord(c):04X}' for c in sorted(set(bad)))})")


def norm(text: str) -> str:
    return " ".join(words(text.lower()))


def check_item(rep: Report, item: dict, path: Path, content: Path) -> None:
    iid = item.get("id", "?")
    where = f"{path.relative_to(content)}:{iid}"
    keys = set(item)
    for k in sorted(keys - ALL_KEYS):
        rep.error(where, f"unknown key {k!r}")
    for k in sorted(REQUIRED - keys):
        rep.error(where, f"missing required key {k!r}")
    if REQUIRED - keys:
        return

    if not isinstance(iid, str) or not ID_RE.match(iid):
        rep.error(where, "id must match [a-z0-9-] with prefix ls- or rd-")
    if not isinstance(item["version"], int) or isinstance(item["version"], bool) or item["version"] < 1:
        rep.error(where, "version must be a positive integer")
    section, level, topic, typ = item["section"], item["level"], item["topic"], item["type"]
    if section not in SECTIONS:
        rep.error(where, f"section must be one of {SECTIONS}")
    if level not in LEVELS:
        rep.error(where, f"level must be one of {LEVELS}")
    if topic not in TOPICS:
        rep.error(where, f"topic must be one of {TOPICS}")
    if typ not in TYPES:
        rep.error(where, f"type must be one of {TYPES}")
    prefix = {"listening": "ls-", "reading": "rd-"}.get(section)
    if prefix and isinstance(iid, str) and not iid.startswith(prefix):
        rep.error(where, f"{section} item ids start with {prefix!r}")
    # File placement: items/<section>/<topic>.toml
    rel = path.relative_to(content / "items")
    if rel.parts[0] != section or path.stem != topic:
        rep.error(where, f"item belongs in items/{section}/{topic}.toml")

    check_kazakh_text(rep, where, "stem", item["stem"])
    if "stimulus" in item:
        check_kazakh_text(rep, where, "stimulus", item["stimulus"])

    # Section-specific fields.
    if section == "listening":
        for k in ("transcript", "audio"):
            if k not in item:
                rep.error(where, f"listening items need {k!r}")
        if "transcript" in item:
            check_kazakh_text(rep, where, "transcript", item["transcript"])
        if "audio" in item:
            want = f"audio/{iid}.ogg"
            if item["audio"] != want:
                rep.error(where, f"audio must be {want!r}")
            f = content / item["audio"]
            if not f.is_file():
                rep.error(where, f"audio file {item['audio']} is missing "
                                 "(run tools/synthesize-audio.sh)")
            else:
                head = f.read_bytes()[:64]
                if not head.startswith(b"OggS"):
                    rep.error(where, f"{item['audio']} is not an Ogg file")
                elif b"OpusHead" not in head and b"\x01vorbis" not in head:
                    rep.error(where, f"{item['audio']} is neither Ogg Opus nor Ogg Vorbis")
        if typ != "single_choice":
            rep.error(where, "listening items are single_choice")
    elif section == "reading":
        for k in ("transcript", "audio"):
            if k in item:
                rep.error(where, f"reading items must not have {k!r}")

    if typ == "single_choice":
        for k in ("text_key",):
            if k in item:
                rep.error(where, f"single_choice items must not have {k!r}")
        opts = item.get("options")
        if not isinstance(opts, list) or not 3 <= len(opts) <= 4:
            rep.error(where, "single_choice needs 3 or 4 options")
            return
        ids = [o.get("id") for o in opts]
        if ids != list(OPTION_IDS[: len(opts)]):
            rep.error(where, f"option ids must be {OPTION_IDS[:len(opts)]} in order, got {ids}")
        for o in opts:
            if set(o) != {"id", "text"}:
                rep.error(where, f"option {o.get('id')!r} must have exactly id and text")
            check_kazakh_text(rep, where, f"option {o.get('id')}", o.get("text", ""))
        texts = [" ".join(o.get("text", "").lower().split()) for o in opts]
        if len(set(texts)) != len(texts):
            rep.error(where, "options are not all different")
        key = item.get("key")
        if key not in ids:
            rep.error(where, f"key {key!r} is not one of the option ids")
        else:
            lens = {o["id"]: len(o.get("text", "")) for o in opts}
            others = [v for k, v in lens.items() if k != key]
            if lens[key] > max(others) and lens[key] > 1.6 * (sum(others) / len(others)):
                rep.warn(where, "key is much longer than every distractor")
    elif typ == "gap_fill":
        for k in ("options", "key"):
            if k in item:
                rep.error(where, f"gap_fill items must not have {k!r}")
        if item["stem"].count(GAP) != 1:
            rep.error(where, f"gap_fill stem must contain exactly one blank {GAP!r}")
        tk = item.get("text_key")
        if not isinstance(tk, dict) or set(tk) != {"accept", "policy"}:
            rep.error(where, "text_key must be { accept = [...], policy = ... }")
        else:
            acc = tk["accept"]
            if not isinstance(acc, list) or not acc or not all(isinstance(a, str) and a.strip() for a in acc):
                rep.error(where, "text_key.accept must be a non-empty list of strings")
            else:
                check_kazakh_text(rep, where, "text_key.accept[0]", acc[0])
                for a in acc[1:]:
                    if all(c in CYRILLIC_KK for c in a if c.isalpha()):
                        check_kazakh_text(rep, where, "text_key.accept", a)
                    elif not all(c in LATIN_KK for c in a if c.isalpha()):
                        rep.error(where, f"accepted answer {a!r} is neither Kazakh Cyrillic "
                                         "nor the 2021 Latin alphabet")
                    if unicodedata.normalize("NFC", a) != a:
                        rep.error(where, f"accepted answer {a!r} is not NFC")
                if len(set(acc)) != len(acc):
                    rep.error(where, "text_key.accept has duplicates")
                if any(len(words(a)) != 1 for a in acc):
                    rep.warn(where, "accepted answers should be single words")
            if tk.get("policy") not in POLICIES:
                rep.error(where, f"text_key.policy must be one of {POLICIES}")
        if section != "reading":
            rep.error(where, "gap_fill items belong to the reading section")

    irt = item["irt"]
    if not isinstance(irt, dict) or set(irt) != {"model", "a", "b", "status"}:
        rep.error(where, "irt must be { model, a, b, status }")
    else:
        if irt["model"] != "2pl":
            rep.error(where, "irt.model must be '2pl'")
        a, b = irt["a"], irt["b"]
        if not isinstance(a, (int, float)) or not A_RANGE[0] <= a <= A_RANGE[1]:
            rep.error(where, f"irt.a must be in {A_RANGE}")
        rng = B_RANGE.get(level)
        if rng and (not isinstance(b, (int, float)) or not rng[0] <= b <= rng[1]):
            rep.error(where, f"irt.b for {level} must be in {rng}")
        if irt["status"] not in ("provisional", "calibrated"):
            rep.error(where, "irt.status must be 'provisional' or 'calibrated'")


def check_blueprint(rep: Report, path: Path, items: list[dict]) -> None:
    where = path.name
    bp = tomllib.loads(path.read_text(encoding="utf-8"))
    for k in ("id", "version", "title", "sections", "rules"):
        if k not in bp:
            rep.error(where, f"missing {k!r}")
    for sec in bp.get("sections", []):
        sid = sec.get("id")
        pool = [i for i in items if i.get("section") == sid]
        if not pool:
            rep.error(where, f"section {sid!r} has no items in the bank")
            continue
        n, mpt = sec.get("items", 0), sec.get("max_per_topic", 10**9)
        topics = collections.Counter(i["topic"] for i in pool)
        if sum(min(c, mpt) for c in topics.values()) < n:
            rep.error(where, f"section {sid}: cannot pick {n} items with max_per_topic={mpt}")
        level_total = 0
        for c in sec.get("constraints", []):
            if "level" in c:
                lv = [i for i in pool if i["level"] == c["level"]]
                by_t = collections.Counter(i["topic"] for i in lv)
                if sum(min(v, mpt) for v in by_t.values()) < c["count"]:
                    rep.error(where, f"section {sid}: not enough {c['level']} items for count={c['count']}")
                level_total += c["count"]
        if level_total and level_total != n:
            rep.error(where, f"section {sid}: level counts sum to {level_total}, not {n}")
    rules = bp.get("rules", {})
    lv = [l.get("min_percent") for l in rules.get("levels", [])]
    if lv != sorted(lv, reverse=True):
        rep.error(where, "rules.levels must be ordered highest first")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--quiet", action="store_true", help="print only problems")
    args = ap.parse_args()
    content: Path = args.content
    rep = Report()

    items: list[dict] = []
    files = sorted((content / "items").glob("*/*.toml"))
    if not files:
        rep.error("items", "no item files found")
    for f in files:
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            rep.error(str(f.relative_to(content)), f"cannot parse: {e}")
            continue
        if set(data) != {"items"} or not isinstance(data["items"], list):
            rep.error(str(f.relative_to(content)), "file must contain only [[items]] tables")
            continue
        for it in data["items"]:
            check_item(rep, it, f, content)
            items.append(it)

    # Uniqueness.
    ids = collections.Counter(i.get("id") for i in items)
    for iid, c in ids.items():
        if c > 1:
            rep.error(str(iid), f"id used {c} times")
    seen: dict[tuple, str] = {}
    for i in items:
        sig = (norm(i.get("stem", "")), norm(i.get("stimulus", "")), norm(i.get("transcript", "")))
        if sig in seen:
            rep.error(str(i.get("id")), f"duplicates item {seen[sig]}")
        seen[sig] = i.get("id")
    for field in ("transcript", "stimulus"):
        by: dict[str, list[str]] = collections.defaultdict(list)
        for i in items:
            if field in i:
                by[norm(i[field])].append(i["id"])
        for ids_ in by.values():
            if len(ids_) > 1:
                rep.warn(",".join(ids_), f"items share the same {field}")

    # Orphan audio.
    used = {i.get("audio") for i in items}
    for f in sorted((content / "audio").glob("*")):
        if f"audio/{f.name}" not in used:
            rep.warn(f"audio/{f.name}", "file is not referenced by any item")

    # Counts.
    def count(section=None, level=None, typ=None, topic=None):
        return sum(1 for i in items
                   if (section is None or i.get("section") == section)
                   and (level is None or i.get("level") == level)
                   and (typ is None or i.get("type") == typ)
                   and (topic is None or i.get("topic") == topic))

    for (sec, lvl, typ), need in MIN_COUNTS.items():
        got = count(sec, lvl, typ)
        if got < need:
            rep.error("bank", f"{sec} {lvl or 'all levels'} {typ or 'all types'}: {got} < {need}")
    if count("reading", "A2", "gap_fill"):
        rep.warn("bank", "gap_fill items are meant to be A1")
    for t in TOPICS:
        for sec, need in MIN_PER_TOPIC.items():
            got = count(sec, topic=t)
            if got < need:
                rep.error("bank", f"topic {t}: {got} {sec} items < {need}")
        if not count(level="A2", topic=t):
            rep.warn("bank", f"topic {t} has no A2 item")

    # Key balance.
    keys = collections.Counter(i.get("key") for i in items if i.get("type") == "single_choice")
    total = sum(keys.values()) or 1
    for k in OPTION_IDS:
        share = keys.get(k, 0) / total
        if share < 0.12 or share > 0.38:
            rep.warn("bank", f"key {k!r} is used for {share:.0%} of single_choice items")

    for bp in sorted((content / "blueprints").glob("*.toml")):
        check_blueprint(rep, bp, items)

    if not args.quiet:
        print(f"{len(items)} items in {len(files)} files")
        for sec in SECTIONS:
            print(f"  {sec}: " + ", ".join(
                f"{lvl}/{typ}={count(sec, lvl, typ)}" for lvl in LEVELS for typ in TYPES
                if count(sec, lvl, typ)))
        print("  per topic (listening/reading): " + ", ".join(
            f"{t}={count('listening', topic=t)}/{count('reading', topic=t)}" for t in TOPICS))
        print("  single_choice keys: " + ", ".join(f"{k}={keys.get(k, 0)}" for k in OPTION_IDS))
    for w in rep.warnings:
        print(w)
    for e in rep.errors:
        print(e)
    if rep.errors:
        print(f"{len(rep.errors)} error(s), {len(rep.warnings)} warning(s)")
        return 1
    if not args.quiet:
        print(f"OK ({len(rep.warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
