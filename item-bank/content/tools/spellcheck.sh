#!/usr/bin/env bash
# Spell-check all Kazakh text in the item bank with hunspell's Kazakh
# dictionary (kk_KZ, Debian package hunspell-kk).
#
# Extracts stems, stimuli, transcripts, option texts and the Cyrillic accepted
# answers of every item, the text alternative (<title>) of every picture, plus
# blueprint titles, runs `hunspell -d kk_KZ -l`,
# and prints every flagged word that is not in tools/spelling-allowlist.txt,
# with the items it occurs in.
#
# Debian packages needed: apt-get update && apt-get install -y hunspell hunspell-kk python3
#
# Usage: tools/spellcheck.sh [--all]
#   --all  also list flagged words that the allowlist accepts
# Exit status: 0 if nothing unreviewed was flagged, 1 otherwise, 2 on setup errors.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
content="$(dirname "$here")"
dict="kk_KZ"

if ! command -v hunspell >/dev/null 2>&1; then
  echo "spellcheck: hunspell not found; apt-get install -y hunspell hunspell-kk" >&2
  exit 2
fi
if [ ! -e "/usr/share/hunspell/$dict.dic" ]; then
  echo "spellcheck: dictionary $dict missing; apt-get install -y hunspell-kk" >&2
  exit 2
fi

exec python3 - "$content" "$dict" "$@" <<'PY'
import collections, html, re, subprocess, sys, tomllib
from pathlib import Path

content, dict_name = Path(sys.argv[1]), sys.argv[2]
show_all = "--all" in sys.argv[3:]
CYR = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+(?:-[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+)*")

texts: list[tuple[str, str]] = []   # (where, text)
for f in sorted((content / "items").glob("*/*.toml")):
    for it in tomllib.loads(f.read_text(encoding="utf-8")).get("items", []):
        iid = it.get("id", f.name)
        for k in ("stem", "stimulus", "transcript"):
            if k in it:
                texts.append((iid, it[k]))
        for o in it.get("options", []):
            texts.append((iid, o.get("text", "")))
        for a in it.get("text_key", {}).get("accept", []):
            texts.append((iid, a))
for f in sorted((content / "images").glob("*.svg")):
    title = re.search(r"<title[^>]*>(.*?)</title>", f.read_text(encoding="utf-8"), re.S)
    if title:
        texts.append((f.stem, html.unescape(title.group(1))))
for f in sorted((content / "blueprints").glob("*.toml")):
    bp = tomllib.loads(f.read_text(encoding="utf-8"))
    texts.append((f.name, bp.get("title", "")))
    for s in bp.get("sections", []):
        texts.append((f.name, s.get("title", "")))

where = collections.defaultdict(set)
for w, t in texts:
    for m in CYR.finditer(t):
        # hunspell checks hyphenated compounds part by part
        for part in m.group(0).split("-"):
            where[part].add(w)

words = sorted(where)
res = subprocess.run(["hunspell", "-d", dict_name, "-l", "-i", "utf-8"],
                     input="\n".join(words) + "\n", capture_output=True, text=True, check=True)
flagged = sorted(set(res.stdout.split()))

allow = set()
allow_file = content / "tools" / "spelling-allowlist.txt"
if allow_file.exists():
    for line in allow_file.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            allow.add(line)

unreviewed = [w for w in flagged if w not in allow and w.lower() not in allow]
accepted = [w for w in flagged if w not in unreviewed]
stale = sorted(a for a in allow if a not in where and a.lower() not in {w.lower() for w in where})

print(f"{len(words)} distinct words checked; hunspell flagged {len(flagged)}; "
      f"{len(accepted)} reviewed in the allowlist; {len(unreviewed)} unreviewed")
if show_all:
    for w in accepted:
        print(f"  allowlisted: {w}")
for w in unreviewed:
    ids = sorted(where[w])
    print(f"  FLAGGED: {w}  ({', '.join(ids[:4])}{' …' if len(ids) > 4 else ''})")
for w in stale:
    print(f"  note: allowlist entry no longer used: {w}")
sys.exit(1 if unreviewed else 0)
PY
