"""The English set the connector ships: one recording per phrase, each one playable."""

from __future__ import annotations

import math
import sys
from array import array
from pathlib import Path

import pytest

from connector.sip.api import Prompt
from connector.voice.library import PromptLibrary
from connector.voice.phrases import PHRASES
from connector.voice.shipped import SHIPPED_DIR, SHIPPED_LANGUAGE

ROOT = Path(__file__).resolve().parents[2]
# Speech peaks near -3 dBFS; an RMS under -40 dBFS over the whole prompt is near silence.
RMS_FLOOR = 32767 * 10 ** (-40 / 20)


def _rms(prompt: Prompt) -> float:
    samples = array("h", prompt.pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@pytest.fixture(scope="module")
def shipped() -> PromptLibrary:
    return PromptLibrary.load(None, SHIPPED_LANGUAGE)


def test_every_phrase_has_a_shipped_recording_and_every_recording_a_phrase() -> None:
    recorded = {path.stem for path in (SHIPPED_DIR / SHIPPED_LANGUAGE).glob("*.wav")}
    assert set(PHRASES) - recorded == set(), "run deploy/prompts/make_prompts.py"
    assert recorded - set(PHRASES) == set(), "run deploy/prompts/make_prompts.py"


@pytest.mark.parametrize("name", sorted(PHRASES))
def test_every_shipped_prompt_is_short_and_audible(shipped: PromptLibrary, name: str) -> None:
    prompt = shipped.get(name)
    assert 0.2 <= prompt.seconds <= 8, f"{name}: {prompt.seconds:.2f} s"
    assert _rms(prompt) > RMS_FLOOR, f"{name} is (nearly) silent"


def test_the_recording_guide_lists_every_prompt_with_its_words() -> None:
    text = (ROOT / "docs" / "prompts.md").read_text()
    missing = [
        name for name, words in PHRASES.items() if f"| `{name}.wav` | {words} |" not in text
    ]
    assert not missing, f"docs/prompts.md does not list {missing}"
