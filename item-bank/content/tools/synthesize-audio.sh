#!/usr/bin/env bash
# Regenerate the audio of every listening item from its `transcript`.
#
# Speech: espeak-ng's Kazakh voice. Dialogue turns (transcript lines starting
# with "— ") alternate between a male voice (odd turns) and a female voice
# (even turns); a monologue or announcement is spoken by the male voice.
# Word stress: Kazakh stresses the last syllable, except before unstressed
# endings (personal endings of present-tense verbs and of nominal predicates,
# the negative -ма/-ме/-ба/-бе/-па/-пе, 1st-person and polite imperatives,
# question and emphatic particles). espeak-ng never stresses ы (its [@]) and
# so misplaces the stress of words such as атым, пойыз, сосын; the script asks
# espeak-ng how it would stress each word (`-x`), and where that differs from
# the rules above, or from tools/stress-overrides.tsv (words the rules cannot
# tell apart), it passes the word as phonemes ([[...]]) with the stress moved.
# `--stress-report` prints every word whose stress is corrected.
# Audio: a lead-in silence, a pause between turns, each turn normalized to
# the same peak level (sox), encoded by opusenc as mono Ogg Opus.
#
# Debian packages needed (run as root):
#   apt-get update
#   apt-get install -y espeak-ng opus-tools sox python3
# (python3 >= 3.11 for tomllib.)
#
# Idempotent: every file carries, in an Opus comment (SYNAQ_SOURCE_SHA256),
# the SHA-256 of the synthesis settings and of exactly what espeak-ng is given
# for each turn (so a changed transcript, voice setting or stress correction
# regenerates exactly the affected files); a file whose hash still matches is
# left untouched. Output is deterministic (fixed Ogg serial per file): a forced
# rebuild with the same espeak-ng/sox/opus-tools versions gives byte-identical
# files. Items of a set share one transcript and one audio file.
#
# Usage: tools/synthesize-audio.sh [--force] [--prune] [--stress-report] [ITEM-ID...]
#   --force          regenerate even when the stored hash matches
#   --prune          delete audio/*.ogg files that no listening item refers to
#   --stress-report  print the stress corrections and exit
#   ITEM-ID          only these items (default: all listening items)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
content="$(dirname "$here")"

for tool in espeak-ng opusenc sox python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "synthesize-audio: '$tool' not found; install with:" >&2
    echo "  apt-get update && apt-get install -y espeak-ng opus-tools sox python3" >&2
    exit 2
  fi
done
if ! espeak-ng --voices=kk | grep -q '\bkk\b'; then
  echo "synthesize-audio: espeak-ng has no Kazakh voice (package espeak-ng-data)" >&2
  exit 2
fi

exec python3 - "$content" "$@" <<'PY'
import functools, hashlib, os, re, subprocess, sys, tempfile, tomllib
from pathlib import Path

content = Path(sys.argv[1])
args = sys.argv[2:]
force = "--force" in args
prune = "--prune" in args
report = "--stress-report" in args
only = {a for a in args if not a.startswith("--")}

# Synthesis settings. Changing any of these changes every hash, so the next
# run regenerates all files.
VOICES = (("kk+m3", 40), ("kk+f1", 60))  # (variant, pitch 0-99): speaker 1 male, speaker 2 female
SPEED = 150          # espeak-ng words per minute (about 115 Kazakh words a minute)
LEAD = 0.6           # seconds of silence before the first word
TAIL = 0.4           # seconds of silence after the last word
TURN_PAUSE = 0.7     # seconds of silence between dialogue turns
PEAK_DB = -3         # each turn normalized to this peak level
BITRATE = 16         # kbit/s
SETTINGS = f"v2|{VOICES}|{SPEED}|{LEAD}|{TAIL}|{TURN_PAUSE}|{PEAK_DB}|{BITRATE}|stress-rules-1"

# ---- word stress -------------------------------------------------------------
VOWEL_LETTERS = set("аәеёиоөұүыіэюяу")
LOAN_LETTERS = set("вфцчщъьэё")
PARTICLES = {"ба", "бе", "па", "пе", "ма", "ме", "ғой", "қой", "ше", "да", "де", "та", "те"}
NEGATIVE = re.compile(
    r"(ма|ме|ба|бе|па|пе)(й(мын|мін|сың|сің|сыз|сіз|мыз|міз|ды|ді|сыңдар|сіңдер)|ды|ді|дым|дім|дың|дің|"
    r"дыңыз|діңіз|дық|дік|ңыз|ңіз|ған|ген|сын|сін|ңдар|ңдер)$")
PRESENT_ENDING = re.compile(r"(?:[аея]|[ае]й)(мын|мін|сың|сің|сыз|сіз|мыз|міз|ды|ді|сыңдар|сіңдер|сыздар|сіздер)$")
IMPERATIVE_1ST = re.compile(r"[аея](йын|йін|йық|йік)$")
PREDICATE_ENDING = re.compile(
    r"(мын|мін|бын|бін|пын|пін|сың|сің|(?<=[бгғджзйклмнңпрстхш])(?:мыз|міз|быз|біз|пыз|піз))$")
PHONEME_VOWELS = ("u#", "A", "&", "e", "o", "8", "U", "I", "@", "i", "u", "E", "O", "a", "y")


def load_overrides() -> tuple[dict, dict]:
    """tools/stress-overrides.tsv: `word<TAB>n` (stress on syllable n, 0 = unstressed); a key of several
    words is a phrase, and n applies to its last word there."""
    words, phrases = {}, {}
    path = content / "tools" / "stress-overrides.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, n = line.rsplit("\t", 1)
        key = " ".join(key.lower().split())
        (phrases if " " in key else words)[key] = int(n)
    return words, phrases


OVERRIDES, PHRASES = load_overrides()


def nuclei(word: str) -> list[int]:
    """Positions of the syllable nuclei of a Cyrillic word: vowel letters, where у counts only between
    consonants (after a vowel it is the glide [w])."""
    out = []
    for i, c in enumerate(word):
        if c not in VOWEL_LETTERS:
            continue
        if c == "у" and ((i > 0 and word[i - 1] in VOWEL_LETTERS - {"у"})
                         or (i + 1 < len(word) and word[i + 1] in VOWEL_LETTERS - {"у"})):
            continue
        out.append(i)
    return out


def wanted_stress(word: str) -> int | None:
    """The syllable (1-based) that should carry the stress, 0 for none, None to keep espeak-ng's."""
    w = word.lower()
    if w in OVERRIDES:
        return OVERRIDES[w]
    if w in PARTICLES:
        return 0
    if set(w) & LOAN_LETTERS:
        return None
    pos = nuclei(w)
    if len(pos) < 2:
        return None
    # An unstressed ending: the stress falls on the last syllable before it.
    for rule in (NEGATIVE, PRESENT_ENDING, IMPERATIVE_1ST, PREDICATE_ENDING):
        m = rule.search(w)
        if m:
            start = m.start() if rule is NEGATIVE else m.start(1)
            before = sum(1 for p in pos if p < start)
            if before >= 1:
                return before
    return len(pos)


def tokens(phonemes: str) -> list[str]:
    out, i = [], 0
    while i < len(phonemes):
        if phonemes.startswith("u#", i):
            out.append("u#"); i += 2
        else:
            out.append(phonemes[i]); i += 1
    return out


def phoneme_nuclei(toks: list[str]) -> list[int]:
    vowel = lambda t: t in PHONEME_VOWELS
    out = []
    for k, t in enumerate(toks):
        if vowel(t):
            out.append(k)
        elif t == "w":
            prev = next((x for x in reversed(toks[:k]) if x not in "'," ), None)
            nxt = next((x for x in toks[k + 1:] if x not in "',"), None)
            if not (prev and vowel(prev)) and not (nxt and vowel(nxt)):
                out.append(k)
    return out


@functools.cache
def espeak_phonemes(word: str) -> str:
    return subprocess.run(["espeak-ng", "-v", "kk", "-q", "-x", "--", word],
                          capture_output=True, text=True, check=True).stdout.strip()


def stressed(word: str, n: int | None) -> str | None:
    """The phoneme string of `word` with the stress on syllable n (none for 0), or None when espeak-ng
    already stresses it so, or when its syllables cannot be matched to the spelling."""
    if n is None:
        return None
    ph = espeak_phonemes(word)
    if " " in ph or "_" in ph:
        return None
    toks = tokens(ph)
    plain = [t for t in toks if t not in "',"]
    nuc = phoneme_nuclei(plain)
    if len(nuc) != len(nuclei(word.lower())) or n > len(nuc):
        return None
    want = nuc[n - 1] if n else None
    have = None
    if "'" in toks:  # espeak-ng's primary stress: the first nucleus after its mark
        after = sum(1 for t in toks[:toks.index("'")] if t not in "',")
        have = next((k for k in nuc if k >= after), None)
    if have == want:
        return None
    return "".join(("'" + t) if k == want else t for k, t in enumerate(plain))


WORD = re.compile(r"[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіЁё]+(?:-[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІіЁё]+)*")


def mark_stress(text: str, log: dict) -> str:
    """The text with every misstressed word replaced by its phonemes, [[...]]."""
    words = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
    out, last = [], 0
    for k, (s, e, w) in enumerate(words):
        n = wanted_stress(w) if "-" not in w else None
        for phrase, pn in PHRASES.items():
            parts = phrase.split()
            seq = [x[2].lower() for x in words[max(0, k - len(parts) + 1): k + 1]]
            if seq == parts:
                n = pn
        ph = stressed(w, n)
        out.append(text[last:s])
        if ph is None:
            out.append(w)
        else:
            out.append(f"[[{ph}]]")
            log.setdefault(w.lower(), (espeak_phonemes(w), ph))
        last = e
    out.append(text[last:])
    return "".join(out)


# ---- rendering ---------------------------------------------------------------
def turns(transcript: str) -> list[str]:
    """A transcript is one announcement, or dialogue turns each on its own line starting with '— '."""
    out = []
    for line in transcript.splitlines():
        line = line.strip()
        if line.startswith("—"):
            line = line.lstrip("—").strip()
        if line:
            out.append(line)
    return out


def speak(text: str, voice: tuple[str, int], path: str) -> None:
    raw = path + ".raw.wav"
    subprocess.run(["espeak-ng", "-v", voice[0], "-p", str(voice[1]), "-s", str(SPEED), "-w", raw, "--", text],
                   check=True)
    subprocess.run(["sox", "-D", raw, "-r", "22050", "-c", "1", "-b", "16", path, "norm", str(PEAK_DB)], check=True)
    os.unlink(raw)


def render(parts: list[str], dialogue: bool, tmp: str) -> bytes:
    files = []
    for n, text in enumerate(parts):
        f = f"{tmp}/turn{n}.wav"
        speak(text, VOICES[n % 2] if dialogue else VOICES[0], f)
        files.append(f)
    joined = []
    for n, f in enumerate(files):
        if n:
            joined += [f"{tmp}/pause.wav"]
        joined.append(f)
    subprocess.run(["sox", "-D", "-n", "-r", "22050", "-c", "1", "-b", "16", f"{tmp}/pause.wav", "trim", "0",
                    str(TURN_PAUSE)], check=True)
    out = f"{tmp}/all.wav"
    subprocess.run(["sox", "-D", *joined, out, "pad", str(LEAD), str(TAIL)], check=True)
    return Path(out).read_bytes()


def stored_hash(path: Path) -> str | None:
    if not path.is_file():
        return None
    head = path.read_bytes()[:4096]
    tag = b"SYNAQ_SOURCE_SHA256="
    i = head.find(tag)
    return head[i + len(tag): i + len(tag) + 64].decode("ascii", "replace") if i >= 0 else None


items = []
for f in sorted((content / "items" / "listening").glob("*.toml")):
    items += tomllib.loads(f.read_text(encoding="utf-8")).get("items", [])

# One audio file per path: the items of a set name the same file and must have the same transcript.
clips: dict[str, tuple[str, list[str]]] = {}
for it in items:
    rel = it.get("audio", f"audio/{it['id']}.ogg")
    if rel in clips and clips[rel][0] != it["transcript"]:
        sys.exit(f"synthesize-audio: {it['id']} names {rel} with another item's audio but a different transcript")
    clips.setdefault(rel, (it["transcript"], []))[1].append(it["id"])

log: dict = {}
made = kept = 0
for rel, (transcript, ids) in sorted(clips.items()):
    parts = [mark_stress(t, log) for t in turns(transcript)]
    if report or (only and not (only & set(ids))):
        continue
    out = content / rel
    dialogue = transcript.lstrip().startswith("—")
    digest = hashlib.sha256("\n".join([SETTINGS, str(dialogue), *parts]).encode("utf-8")).hexdigest()
    if not force and stored_hash(out) == digest:
        kept += 1
        continue
    with tempfile.TemporaryDirectory() as tmp:
        wav = render(parts, dialogue, tmp)
    serial = int(hashlib.sha256(rel.encode()).hexdigest()[:7], 16)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_suffix(".ogg.tmp")
    subprocess.run(
        ["opusenc", "--quiet", "--bitrate", str(BITRATE), "--vbr", "--speech",
         "--downmix-mono", "--serial", str(serial),
         "--comment", f"TITLE={Path(rel).stem}", "--comment", "LANGUAGE=kk",
         "--comment", f"SYNAQ_SOURCE_SHA256={digest}",
         "-", str(tmp_out)],
        input=wav, check=True)
    os.replace(tmp_out, out)
    made += 1
    print(f"wrote {rel} ({out.stat().st_size} bytes)")

if report:
    for w, (before, after) in sorted(log.items()):
        print(f"{w}\t{before}\t{after}")
    print(f"{len(log)} words restressed")
    sys.exit(0)

orphans = sorted(p for p in (content / "audio").glob("*.ogg") if f"audio/{p.name}" not in clips)
for p in orphans:
    if prune:
        p.unlink()
        print(f"removed orphan {p.relative_to(content)}")
    else:
        print(f"orphan (not referenced; --prune removes it): {p.relative_to(content)}")
total = sum(p.stat().st_size for p in (content / "audio").glob("*.ogg"))
print(f"{made} written, {kept} up to date; audio total {total / 1024:.0f} KiB")
PY
