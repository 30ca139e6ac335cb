#!/usr/bin/env python3
"""Validate the Synaq Kazakh item bank (item-bank/content).

Checks every item file under items/ against the schema documented in
README.md (including the pictures items show), checks that no item gives away
another item's answer (the overlap check), checks the bank-wide counts the
starter bank promises, and checks that every blueprint under blueprints/ can be
assembled from the bank and keep its exposure cap.

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

SECTIONS = ("listening", "reading", "lexico-grammar")
# The id prefix of each section's items (lexico-grammar items keep the rd- ids they had in reading).
ID_PREFIXES = {"listening": ("ls-",), "reading": ("rd-",), "lexico-grammar": ("lg-", "rd-")}
LEVELS = ("A1", "A2")
TOPICS = (
    "greetings", "family", "numbers-time", "food", "shopping", "home",
    "city-transport", "weather-nature", "work-study", "health-body", "leisure",
)
TYPES = ("single_choice", "gap_fill")
POLICIES = ("exact", "standard", "lenient")
OPTION_IDS = ("a", "b", "c", "d")
ID_RE = re.compile(r"^(ls|rd|lg)-[a-z0-9]+(-[a-z0-9]+)*$")
SET_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
GAP = "____"

ALL_KEYS = {
    "id", "version", "section", "level", "topic", "type", "stem", "stimulus",
    "transcript", "audio", "image", "options", "key", "text_key", "irt", "set",
    "enemies", "pretest",
}
REQUIRED = {"id", "version", "section", "level", "topic", "type", "stem", "irt"}

# Provisional IRT ranges (see README.md).
A_RANGE = (0.8, 1.6)
B_RANGE = {"A1": (-2.5, 0.5), "A2": (0.0, 2.0)}

# Minimum counts promised by the starter bank (section, level, type).
MIN_COUNTS = {
    ("listening", "A1", None): 100,
    ("listening", "A2", None): 35,
    ("reading", "A1", None): 200,
    ("reading", "A2", None): 60,
    ("reading", "A1", "gap_fill"): 24,
    ("lexico-grammar", None, None): 30,
}
MIN_PER_TOPIC = {"listening": 9, "reading": 20, "lexico-grammar": 2}

# The share of forms one item may appear on unless a blueprint sets max_exposure
# (the assembler's DEFAULT_MAX_EXPOSURE).
DEFAULT_MAX_EXPOSURE = 0.25
# Pictures: the Rust loader's limits (content::MAX_IMAGE_BYTES, content::MAX_IMAGE_TITLE_CHARS) and
# what check_svg refuses.
MAX_IMAGE_BYTES = 256 * 1024
MAX_IMAGE_TITLE_CHARS = 200
SVG_FORBIDDEN = ("<script", "<!entity", "<!doctype", "<foreignobject", "javascript:",
                 "<iframe", "<use", "@import")

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


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case words and numbers, punctuation dropped: the form the overlap checks compare."""
    return tuple(re.findall(r"[^\W_]+", text.lower()))


def contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether `needle` occurs in `haystack` as whole consecutive tokens."""
    n = len(needle)
    if not n:
        return False
    first = needle[0]
    return any(haystack[k:k + n] == needle
               for k in range(len(haystack) - n + 1) if haystack[k] == first)


def tag_end(tag: str) -> int:
    """The index of the '>' that ends the tag `tag` starts with, skipping quoted values; -1 if none."""
    quote = None
    for at, c in enumerate(tag):
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == ">":
            return at
    return -1


def text_chars(text: str) -> int:
    """How many characters XML text shows: an entity or character reference (&amp;) counts as one."""
    first, *rest = text.split("&")
    count = len(first)
    for piece in rest:
        name, semicolon, after = piece.partition(";")
        count += 1 + len(after if semicolon and name and not any(c.isspace() for c in name) else piece)
    return count


def picture_title(root: str) -> tuple[str | None, str | None]:
    """The Rust loader's picture_title: (title, None) for the text of the <title> that is the root
    <svg>'s first child, or (None, why not)."""
    missing = ("a picture needs a text alternative: a <title> as the first child of the root <svg>, "
               "before anything it draws")
    empty = "the picture's <title> (its text alternative) is empty"
    end = tag_end(root)
    if end < 0:
        return None, "the root <svg> start tag is not closed"
    if root[:end].endswith("/"):
        return None, missing
    child = root[end + 1:].lstrip()
    if child[:6].lower() != "<title" or child[6:7] not in tuple(" \t\n\r\f>/"):
        return None, missing
    title_end = tag_end(child)
    if title_end < 0:
        return None, "the picture's <title> start tag is not closed"
    if child[:title_end].endswith("/"):
        return None, empty
    content, lt, rest = child[title_end + 1:].partition("<")
    if not lt:
        return None, "the picture's <title> is not closed"
    if rest[:6].lower() != "/title":
        return None, "the picture's <title> must be plain text, without markup"
    title = content.strip()
    if not title:
        return None, empty
    if text_chars(title) > MAX_IMAGE_TITLE_CHARS:
        return None, (f"the picture's <title> (its text alternative) has {text_chars(title)} characters, "
                      f"more than {MAX_IMAGE_TITLE_CHARS}")
    return title, None


def check_svg(data: bytes) -> str | None:
    """The Rust loader's content::check_svg: None when the picture may be shown, else why not."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "a picture must be UTF-8 SVG"
    body = text.lstrip("\ufeff").lstrip()
    if body[:5].lower() == "<?xml":
        body = body.split("?>", 1)[1].lstrip() if "?>" in body else ""
    if body[:4].lower() != "<svg" or body[4:5] not in tuple(" \t\n\r\f>/"):
        return "a picture must be an SVG document (root element <svg>)"
    lower = text.lower()
    for bad in SVG_FORBIDDEN:
        if bad in lower:
            return f"a picture may not contain {bad}"
    if any(w.startswith("on") and "=" in w for w in lower.split()):
        return "a picture may not carry event handlers (on…=)"
    if "href=\"http" in lower or "href='http" in lower or "url(http" in lower:
        return "a picture may not load anything from elsewhere"
    return picture_title(body)[1]


def check_media(rep: Report, where: str, item: dict, content: Path) -> None:
    """audio (listening) and image (any section): the path each must have, and the file itself. An item
    of a set may name the set's shared file instead of its own (audio/<set>.ogg, images/<set>.svg)."""
    iid = item["id"]
    names = [iid] + ([item["set"]] if isinstance(item.get("set"), str) else [])
    if "audio" in item:
        wants = [f"audio/{n}.ogg" for n in names]
        if item["audio"] not in wants:
            rep.error(where, f"audio must be {' or '.join(map(repr, wants))}")
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
    if "image" in item:
        wants = [f"images/{n}.svg" for n in names]
        if item["image"] not in wants:
            rep.error(where, f"image must be {' or '.join(map(repr, wants))}")
        f = content / str(item["image"])
        if not f.is_file():
            rep.error(where, f"image file {item['image']} is missing (run tools/draw-images.py)")
        elif f.stat().st_size > MAX_IMAGE_BYTES:
            rep.error(where, f"{item['image']} is larger than {MAX_IMAGE_BYTES} bytes")
        else:
            problem = check_svg(f.read_bytes())
            if problem:
                rep.error(where, f"{item['image']}: {problem}")


def check_irt(rep: Report, where: str, item: dict) -> None:
    """Choice items: 3PL with c = 1/options (a random answer's chance); text items: 2PL."""
    irt, level = item["irt"], item["level"]
    choice = item["type"] == "single_choice"
    want = {"model", "a", "b", "c", "status"} if choice else {"model", "a", "b", "status"}
    if not isinstance(irt, dict) or set(irt) != want:
        rep.error(where, "irt must be { model = \"3pl\", a, b, c, status } for a choice item"
                  if choice else "irt must be { model = \"2pl\", a, b, status } for a text item")
        return
    if irt["model"] != ("3pl" if choice else "2pl"):
        rep.error(where, f"irt.model must be {'3pl' if choice else '2pl'!r}")
    a, b = irt["a"], irt["b"]
    if not isinstance(a, (int, float)) or not A_RANGE[0] <= a <= A_RANGE[1]:
        rep.error(where, f"irt.a must be in {A_RANGE}")
    rng = B_RANGE.get(level)
    if rng and (not isinstance(b, (int, float)) or not rng[0] <= b <= rng[1]):
        rep.error(where, f"irt.b for {level} must be in {rng}")
    if choice:
        n = len(item.get("options") or []) or len(OPTION_IDS)
        c = irt["c"]
        if not isinstance(c, (int, float)) or abs(c - 1 / n) > 1e-9:
            rep.error(where, f"irt.c must be 1/{n} = {1 / n:g} (the chance of a random answer)")
    if irt["status"] not in ("provisional", "calibrated"):
        rep.error(where, "irt.status must be 'provisional' or 'calibrated'")


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
        rep.error(where, "id must match [a-z0-9-] with prefix ls-, rd- or lg-")
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
        return
    prefixes = ID_PREFIXES.get(section)
    if prefixes and isinstance(iid, str) and not iid.startswith(prefixes):
        rep.error(where, f"{section} item ids start with {' or '.join(prefixes)}")
    # File placement: items/<section>/<topic>.toml
    rel = path.relative_to(content / "items")
    if rel.parts[0] != section or path.stem != topic:
        rep.error(where, f"item belongs in items/{section}/{topic}.toml")

    check_kazakh_text(rep, where, "stem", item["stem"])
    if "stimulus" in item:
        check_kazakh_text(rep, where, "stimulus", item["stimulus"])
    if "set" in item and (not isinstance(item["set"], str) or not SET_RE.match(item["set"])):
        rep.error(where, "set must be an id of a-z, 0-9 and '-'")
    enemies = item.get("enemies", [])
    if not isinstance(enemies, list) or not all(isinstance(e, str) for e in enemies):
        rep.error(where, "enemies must be a list of item ids")
    elif iid in enemies:
        rep.error(where, "an item is not its own enemy")
    if not isinstance(item.get("pretest", False), bool):
        rep.error(where, "pretest must be true or false")

    # Section-specific fields.
    if section == "listening":
        for k in ("transcript", "audio"):
            if k not in item:
                rep.error(where, f"listening items need {k!r}")
        if "transcript" in item:
            check_kazakh_text(rep, where, "transcript", item["transcript"])
        if typ != "single_choice":
            rep.error(where, "listening items are single_choice")
    else:
        for k in ("transcript", "audio"):
            if k in item:
                rep.error(where, f"{section} items must not have {k!r}")
    check_media(rep, where, item, content)

    if typ == "single_choice":
        for k in ("text_key",):
            if k in item:
                rep.error(where, f"single_choice items must not have {k!r}")
        opts = item.get("options")
        if not isinstance(opts, list) or len(opts) != len(OPTION_IDS):
            rep.error(where, f"single_choice needs {len(OPTION_IDS)} options")
            return
        ids = [o.get("id") for o in opts]
        if ids != list(OPTION_IDS):
            rep.error(where, f"option ids must be {OPTION_IDS} in order, got {ids}")
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
                if any(len(a.split()) != 1 for a in acc):
                    rep.warn(where, "accepted answers should be single words")
            if tk.get("policy") not in POLICIES:
                rep.error(where, f"text_key.policy must be one of {POLICIES}")
        if section == "listening":
            rep.error(where, "gap_fill items belong to the reading or lexico-grammar section")

    check_irt(rep, where, item)


def check_sets_and_enemies(rep: Report, items: list[dict]) -> None:
    """Enemies name existing items; the items of a set share section, topic and text."""
    ids = {i.get("id") for i in items}
    for i in items:
        for e in i.get("enemies", []) if isinstance(i.get("enemies"), list) else []:
            if e not in ids:
                rep.error(str(i.get("id")), f"enemy {e!r} is not an item of the bank")
    sets: dict[str, list[dict]] = collections.defaultdict(list)
    for i in items:
        if isinstance(i.get("set"), str):
            sets[i["set"]].append(i)
    for s, members in sorted(sets.items()):
        names = ", ".join(m["id"] for m in members)
        if len(members) < 2:
            rep.error(f"set {s}", f"a set has at least 2 items, it has only {names}")
        for field in ("section", "topic", "stimulus", "transcript"):
            if len({repr(m.get(field)) for m in members}) > 1:
                rep.error(f"set {s}", f"the items of a set share one {field} ({names})")
        if all("stimulus" not in m and "transcript" not in m for m in members):
            rep.error(f"set {s}", "a set's items are questions on one text: give them its stimulus "
                                  "or transcript")


def answers(item: dict) -> list[str]:
    """What an item counts as right: the key option's text, or every accepted answer."""
    if item.get("type") == "single_choice":
        return [o.get("text", "") for o in item.get("options", []) if o.get("id") == item.get("key")]
    acc = (item.get("text_key") or {}).get("accept", [])
    return [a for a in acc if isinstance(a, str)]


def shown_texts(item: dict) -> list[tuple[str, str]]:
    """(field, text) of everything a candidate reads or hears in an item."""
    out = [(f, item[f]) for f in ("stem", "stimulus", "transcript") if isinstance(item.get(f), str)]
    out += [(f"option {o.get('id')}", o.get("text", "")) for o in item.get("options", [])
            if isinstance(o, dict)]
    return out


# Question words and task words: a stem's other words of four letters or more are its content words.
QUESTION_WORDS = frozenset("""
кім кімге кімді кімнің кіммен не неге неден немен нені ненің неше нешеде нешеге нешінші нешесі
қанша қай қайда қайдан қайсысы қашан қандай қалай қалайша неліктен мәтін мәтіннен мәтінде
бойынша хабарландыру хабарландыруда хабарламада жазу жазуда жазуды сөзді сөз табыңыз айтамыз
айтасыз дейміз дейсіз жауап бересіз береді білдіреді орын болады
""".split())


def sentences(text: str) -> list[tuple[str, ...]]:
    """The text's sentences, lines and dialogue turns, each as tokens."""
    return [t for t in (tokens(part) for part in re.split(r"[.!?;\n]+", text)) if t]


def trigrams(toks: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {toks[k:k + 3] for k in range(len(toks) - 2)}


def check_overlaps(rep: Report, items: list[dict]) -> int:
    """No item may show another item's answer, unless the two are enemies or in one set.

    An answer is a key option's text or an accepted answer, compared as whole lower-case words without
    punctuation; it shows up in a sentence (or line, or option) of another item's stem, stimulus,
    transcript or options. What counts as giving it away:

    * an accepted answer of a gap fill, anywhere: the other item shows the very form asked for;
    * a choice item's key, where the other item's sentence also says what the question asks: it
      contains every content word of the question (its words of four letters or more that are not
      question words, compared on their first four letters, as Kazakh adds endings), or it repeats
      three consecutive words, not all of them the key's, of the item's stimulus or transcript.
      A common word elsewhere («екі», «үйде») does not give a choice item away; the same fact does.

    Every pair is reported once. Returns the number of pairs.
    """
    enemy_pairs = set()
    for i in items:
        for e in i.get("enemies", []) if isinstance(i.get("enemies"), list) else []:
            enemy_pairs.add(frozenset((i.get("id"), e)))
    # Index every shown sentence by its words, so each answer is looked up only where its first word is.
    by_word: dict[str, list[tuple[int, str, tuple[str, ...]]]] = collections.defaultdict(list)
    for n, it in enumerate(items):
        for field, text in shown_texts(it):
            for sent in sentences(text):
                for w in set(sent):
                    by_word[w].append((n, field, sent))
    # pair -> (answer, answering id, other id) -> fields of the other item it shows up in
    found: dict[frozenset, dict[tuple[str, str, str], list[str]]] = {}
    for n, it in enumerate(items):
        choice = it.get("type") == "single_choice"
        own = trigrams(tokens(" ".join(it.get(f, "") for f in ("stimulus", "transcript")
                                       if isinstance(it.get(f), str))))
        for ans in answers(it):
            needle = tokens(ans)
            if not needle:
                continue
            content = [w[:4] for w in tokens(it.get("stem", ""))
                       if len(w) >= 4 and w not in QUESTION_WORDS and w not in needle]
            for m, field, sent in by_word.get(needle[0], []):
                other = items[m]
                if m == n or not contains(sent, needle):
                    continue
                pair = frozenset((it.get("id"), other.get("id")))
                if pair in enemy_pairs or (it.get("set") is not None and it.get("set") == other.get("set")):
                    continue
                if choice:
                    says_it = bool(content) and all(any(t.startswith(w) for t in sent) for w in content)
                    repeats = any(set(g) - set(needle) for g in trigrams(sent) & own)
                    if not (says_it or repeats):
                        continue
                where = found.setdefault(pair, {}).setdefault((ans, it.get("id"), other.get("id")), [])
                if field not in where:
                    where.append(field)
    for pair, hits in sorted(found.items(), key=lambda kv: sorted(kv[0])):
        a, b = sorted(pair)
        why = "; ".join(f"«{ans}» (answer of {src}) is in {dst}'s {', '.join(fields)}"
                        for (ans, src, dst), fields in hits.items())
        rep.error(f"overlap {a} / {b}", f"{why} (rewrite one, or declare them enemies)")
    return len(found)


def key_copy_rate(items: list[dict], section: str) -> tuple[int, int]:
    """(copied, of): how many of a section's choice items with a text have their key option's words,
    consecutive and whole, in that text; the key should need understanding, not string matching."""
    copied = total = 0
    for i in items:
        src = i.get("stimulus") or i.get("transcript")
        if i.get("section") != section or i.get("type") != "single_choice" or not isinstance(src, str):
            continue
        total += 1
        if any(contains(tokens(src), tokens(a)) for a in answers(i)):
            copied += 1
    return copied, total


def check_blueprint(rep: Report, path: Path, items: list[dict]) -> None:
    where = path.name
    bp = tomllib.loads(path.read_text(encoding="utf-8"))
    for k in ("id", "version", "title", "sections", "rules"):
        if k not in bp:
            rep.error(where, f"missing {k!r}")
    cap = bp.get("max_exposure", DEFAULT_MAX_EXPOSURE)

    def exposure(sid: str, what: str, need: int, have: int) -> None:
        if need > cap * have:
            rep.error(where, f"section {sid}: {what}: {need} per form from {have} items exceeds the "
                             f"{cap:.0%} exposure cap; the bank needs at least {-(-need // cap):.0f}")

    for sec in bp.get("sections", []):
        sid = sec.get("id")
        pool = [i for i in items if i.get("section") == sid and not i.get("pretest")]
        if not pool:
            rep.error(where, f"section {sid!r} has no items in the bank")
            continue
        n, mpt = sec.get("items", 0), sec.get("max_per_topic", 10**9)
        topics = collections.Counter(i["topic"] for i in pool)
        if sum(min(c, mpt) for c in topics.values()) < n:
            rep.error(where, f"section {sid}: cannot pick {n} items with max_per_topic={mpt}")
        exposure(sid, "all items", n, len(pool))
        sets = collections.Counter(i["set"] for i in pool if isinstance(i.get("set"), str))
        for s, size in sets.items():
            if size > mpt:
                rep.error(where, f"section {sid}: set {s} has {size} items, more than max_per_topic={mpt}")
        level_total = 0
        for c in sec.get("constraints", []):
            kind = [i for i in pool
                    if ("level" not in c or i["level"] == c["level"])
                    and ("type" not in c or i["type"] == c["type"])
                    and ("topic" not in c or i["topic"] == c["topic"])]
            need = c.get("count", c.get("min", 0))
            what = ", ".join(f"{k} {c[k]}" for k in ("level", "type", "topic") if k in c)
            by_t = collections.Counter(i["topic"] for i in kind)
            if sum(min(v, mpt) for v in by_t.values()) < need:
                rep.error(where, f"section {sid}: not enough {what} items for {need}")
            if need:
                exposure(sid, what, need, len(kind))
            if "level" in c and set(c) == {"level", "count"}:
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
        sig = (norm(i.get("stem", "")), norm(i.get("stimulus", "")), norm(i.get("transcript", "")),
               i.get("image"))
        if sig in seen:
            rep.error(str(i.get("id")), f"duplicates item {seen[sig]}")
        seen[sig] = i.get("id")
    for field in ("transcript", "stimulus"):
        by: dict[str, list[dict]] = collections.defaultdict(list)
        for i in items:
            if isinstance(i.get(field), str):
                by[norm(i[field])].append(i)
        for group in by.values():
            one_set = len({i.get("set") for i in group}) == 1 and group[0].get("set") is not None
            if len(group) > 1 and not one_set:
                rep.warn(",".join(i["id"] for i in group), f"items share the same {field} outside one set")
    check_sets_and_enemies(rep, items)
    overlaps = check_overlaps(rep, items)

    # Orphan media.
    used = {i.get("audio") for i in items} | {i.get("image") for i in items}
    for sub in ("audio", "images"):
        for f in sorted((content / sub).glob("*")) if (content / sub).is_dir() else []:
            if f"{sub}/{f.name}" not in used:
                rep.warn(f"{sub}/{f.name}", "file is not referenced by any item")

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
        if share < 0.15 or share > 0.35:
            rep.warn("bank", f"key {k!r} is used for {share:.0%} of single_choice items")

    for bp in sorted((content / "blueprints").glob("*.toml")):
        check_blueprint(rep, bp, items)

    if not args.quiet:
        print(f"{len(items)} items in {len(files)} files")
        for sec in SECTIONS:
            print(f"  {sec}: " + ", ".join(
                f"{lvl}/{typ}={count(sec, lvl, typ)}" for lvl in LEVELS for typ in TYPES
                if count(sec, lvl, typ)))
        for sec in SECTIONS:
            print(f"  {sec} per topic (A1/A2): " + ", ".join(
                f"{t}={count(sec, 'A1', topic=t)}/{count(sec, 'A2', topic=t)}" for t in TOPICS))
        print(f"  item sets: {len({i['set'] for i in items if isinstance(i.get('set'), str)})}, "
              f"pictures: {sum(1 for i in items if 'image' in i)}, "
              f"enemy pairs declared: {sum(len(i.get('enemies', [])) for i in items)}")
        for sec in ("listening", "reading"):
            copied, of = key_copy_rate(items, sec)
            print(f"  {sec}: key copied word for word from the text in {copied} of {of} "
                  f"text-based choice items ({copied / max(of, 1):.0%})")
        print("  single_choice keys: " + ", ".join(f"{k}={keys.get(k, 0)}" for k in OPTION_IDS))
        print(f"  overlapping pairs: {overlaps}")
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
