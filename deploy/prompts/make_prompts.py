"""Generate the shipped English prompts from the phrase table with espeak-ng and sox.

Run from anywhere with the project's venv: `.venv/bin/python deploy/prompts/make_prompts.py`.
Writes connector/voice/prompts/en/<name>.wav (8 kHz mono 16-bit) for every phrase in
connector/voice/phrases.py, removes WAVs whose phrase is gone, leaves identical files alone,
and prints what it did. Needs `espeak-ng` and `sox` on the PATH (Debian packages of those names).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from connector.voice.phrases import PHRASES
from connector.voice.shipped import SHIPPED_DIR, SHIPPED_LANGUAGE

VOICE = "en-us"
WORDS_PER_MINUTE = "150"
# Trim espeak's lead-in and tail below 0.1 % of full scale (-60 dBFS: under any consonant),
# keep 20 ms of quiet at each end (a cut right at the first sample clicks), and peak at
# -3 dBFS so G.711 never clips.
SOX_EFFECTS = [
    "silence", "1", "0.01", "0.1%", "reverse",
    "silence", "1", "0.01", "0.1%", "reverse",
    "rate", "8000", "channels", "1",
    "norm", "-3",
    "pad", "0.02", "0.02",
]

# Words espeak-ng reads wrongly, and how to make it say them: it reads the "A" of "A M" as the
# article ("uh M"); [[...]] passes phonemes through.
ESPEAK_SPELLINGS = {"A M": "[['eI]] M"}


def _for_espeak(text: str) -> str:
    for written, spoken in ESPEAK_SPELLINGS.items():
        text = text.replace(written, spoken)
    return text


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} is not installed (apt-get install {name})")
    return path


def render(text: str, out: Path, workdir: Path, espeak: str, sox: str) -> None:
    """Speak `text` into `out` as an 8 kHz mono 16-bit WAV."""
    raw = workdir / "espeak.wav"
    # Arguments are a list (no shell): the phrase text is passed verbatim.
    subprocess.run([espeak, "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(raw), _for_espeak(text)],  # noqa: S603
                   check=True)
    # -D: no dither, so the same text gives the same bytes and re-runs change nothing.
    subprocess.run([sox, "-D", str(raw), "-b", "16", str(out), *SOX_EFFECTS], check=True)  # noqa: S603


def main() -> None:
    """Bring the shipped English folder in line with the phrase table."""
    espeak, sox = _tool("espeak-ng"), _tool("sox")
    target = SHIPPED_DIR / SHIPPED_LANGUAGE
    target.mkdir(parents=True, exist_ok=True)
    written = unchanged = 0
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        for name, text in sorted(PHRASES.items()):
            fresh = workdir / f"{name}.wav"
            render(text, fresh, workdir, espeak, sox)
            out = target / f"{name}.wav"
            if out.exists() and out.read_bytes() == fresh.read_bytes():
                unchanged += 1
                continue
            shutil.copyfile(fresh, out)
            written += 1
            print(f"wrote {out} ({out.stat().st_size} bytes): {text}")
    removed = 0
    for stale in sorted(target.glob("*.wav")):
        if stale.stem not in PHRASES:
            stale.unlink()
            removed += 1
            print(f"removed {stale}: no such phrase")
    total = sum(p.stat().st_size for p in target.glob("*.wav"))
    print(f"{written} written, {unchanged} unchanged, {removed} removed; "
          f"{len(PHRASES)} prompts, {total // 1024} KiB in {target}")


if __name__ == "__main__":
    main()
