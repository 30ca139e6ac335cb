#!/usr/bin/env bash
# Regenerate the audio of every listening item from its `transcript`.
#
# Speech: espeak-ng, Kazakh voice (`-v kk`); dialogue turns (transcript lines
# starting with "— ") alternate between a male and a female variant.
# Encoding: Ogg Opus, mono, 20 kbit/s VBR, speech tuning (opusenc).
#
# Debian packages needed (run as root):
#   apt-get update
#   apt-get install -y espeak-ng opus-tools python3
# (python3 >= 3.11 for tomllib.)
#
# Idempotent: every file carries the SHA-256 of its transcript and of the
# synthesis settings in an Opus comment (SYNAQ_SOURCE_SHA256); a file whose
# hash still matches is left untouched, so re-running changes nothing.  Output
# is deterministic (fixed Ogg serial per item), so a forced rebuild with the
# same espeak-ng/opus-tools versions gives byte-identical files.
#
# Usage: tools/synthesize-audio.sh [--force] [--prune] [ITEM-ID...]
#   --force   regenerate even when the stored hash matches
#   --prune   delete audio/*.ogg files that no listening item refers to
#   ITEM-ID   only these items (default: all listening items)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
content="$(dirname "$here")"

for tool in espeak-ng opusenc python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "synthesize-audio: '$tool' not found; install with:" >&2
    echo "  apt-get update && apt-get install -y espeak-ng opus-tools python3" >&2
    exit 2
  fi
done
if ! espeak-ng --voices=kk | grep -q '\bkk\b'; then
  echo "synthesize-audio: espeak-ng has no Kazakh voice (package espeak-ng-data)" >&2
  exit 2
fi

exec python3 - "$content" "$@" <<'PY'
import hashlib, io, os, subprocess, sys, tempfile, tomllib, wave
from pathlib import Path

content = Path(sys.argv[1])
args = sys.argv[2:]
force = "--force" in args
prune = "--prune" in args
only = {a for a in args if not a.startswith("--")}

# Synthesis settings. Changing any of these changes every hash, so the next
# run regenerates all files.
VOICES = ("kk+m3", "kk+f3")   # speaker 1, speaker 2
SPEED = 135                   # words per minute (espeak default is 175)
WORD_GAP = 2                  # extra pause between words, in 10 ms units
TURN_PAUSE = 0.45             # seconds of silence between dialogue turns
LEAD = 0.25                   # seconds of silence at start and end
BITRATE = 20                  # kbit/s
SETTINGS = f"v1|{VOICES}|{SPEED}|{WORD_GAP}|{TURN_PAUSE}|{LEAD}|{BITRATE}"


def turns(transcript: str) -> list[str]:
    """A transcript is one announcement, or dialogue turns each on its own
    line starting with '— '. Returns the spoken text of each turn."""
    out = []
    for line in transcript.splitlines():
        line = line.strip()
        if line.startswith("—"):
            line = line.lstrip("—").strip()
        if line:
            out.append(line)
    return out


def espeak(text: str, voice: str) -> tuple[wave._wave_params, bytes]:
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(SPEED), "-g", str(WORD_GAP),
             "-w", tmp.name, "--", text],
            check=True)
        with wave.open(tmp.name, "rb") as w:
            return w.getparams(), w.readframes(w.getnframes())


def render(item_id: str, transcript: str) -> bytes:
    parts = turns(transcript)
    dialogue = transcript.lstrip().startswith("—")
    frames, params = [], None
    for n, text in enumerate(parts):
        voice = VOICES[n % 2] if dialogue else VOICES[0]
        params, data = espeak(text, voice)
        if n:
            frames.append(b"\0" * (int(params.framerate * TURN_PAUSE) * params.sampwidth))
        frames.append(data)
    lead = b"\0" * (int(params.framerate * LEAD) * params.sampwidth)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(params.sampwidth)
        w.setframerate(params.framerate)
        w.writeframes(lead + b"".join(frames) + lead)
    return buf.getvalue()


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

made = kept = 0
wanted = set()
for it in items:
    iid, transcript = it["id"], it["transcript"]
    out = content / it.get("audio", f"audio/{iid}.ogg")
    wanted.add(out.name)
    if only and iid not in only:
        continue
    digest = hashlib.sha256(f"{SETTINGS}\n{transcript}".encode("utf-8")).hexdigest()
    if not force and stored_hash(out) == digest:
        kept += 1
        continue
    wav = render(iid, transcript)
    serial = int(hashlib.sha256(iid.encode()).hexdigest()[:7], 16)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".ogg.tmp")
    subprocess.run(
        ["opusenc", "--quiet", "--bitrate", str(BITRATE), "--vbr", "--speech",
         "--downmix-mono", "--serial", str(serial),
         "--comment", f"TITLE={iid}", "--comment", "LANGUAGE=kk",
         "--comment", f"SYNAQ_SOURCE_SHA256={digest}",
         "-", str(tmp)],
        input=wav, check=True)
    os.replace(tmp, out)
    made += 1
    print(f"wrote {out.relative_to(content)} ({out.stat().st_size} bytes)")

orphans = sorted(p for p in (content / "audio").glob("*.ogg") if p.name not in wanted)
for p in orphans:
    if prune:
        p.unlink()
        print(f"removed orphan {p.relative_to(content)}")
    else:
        print(f"orphan (not referenced; --prune removes it): {p.relative_to(content)}")
total = sum(p.stat().st_size for p in (content / "audio").glob("*.ogg"))
print(f"{made} written, {kept} up to date; audio total {total / 1024:.0f} KiB")
PY
