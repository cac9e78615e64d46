"""The prompt library: every WAV read and converted once at start, then looked up by name.

A connector with no SIP lines never plays a prompt: its library still reads and checks every
WAV at start (a bad file fails start-up alike) but keeps only the file's path, and reads it
again should anything ask; 117 shipped prompts are about 3 MB a hotel would hold for nothing.

Lookup order for a prompt in a language (docs/prompts.md): the hotel's folder in that
language, the hotel's folder in the default language, the shipped set in that language,
the shipped set in the default language, the shipped English set. A hotel can therefore
re-record a few prompts, or only part of another language, and the rest still plays.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from connector.sip.api import Prompt
from connector.sip.media.errors import WavError
from connector.sip.media.wav import load_wav
from connector.voice.errors import PromptFileError, PromptMissing
from connector.voice.phrases import PHRASES
from connector.voice.shipped import SHIPPED_DIR, SHIPPED_LANGUAGE

log = logging.getLogger(__name__)

_LANGUAGE = re.compile(r"^[a-z]{2}$")
_SETTING = "CONNECTOR_VOICE__PROMPTS_DIR"


@dataclass(frozen=True, eq=False)  # compared by identity: a folder is one set
class _PromptSet:
    """One folder of language sub-folders, already checked: language → name → the prompt
    (or, when its audio is not kept, its file)."""

    root: Path
    prompts: Mapping[str, Mapping[str, Prompt | Path]]


class PromptLibrary:
    """Prompts by name and language, with the fallback order above. Immutable once loaded."""

    def __init__(self, hotel: _PromptSet | None, shipped: _PromptSet, default_language: str):
        self._hotel = hotel
        self._shipped = shipped
        self._default = default_language

    @classmethod
    def load(
        cls,
        prompts_dir: Path | None,
        default_language: str,
        *,
        shipped_dir: Path = SHIPPED_DIR,
        keep_audio: bool = True,
    ) -> PromptLibrary:
        """Read and convert every prompt of the hotel's folder (if any) and of the shipped set;
        `keep_audio=False` keeps only where each is (see the module's docstring).

        Blocking file work: call it once at start-up (in an executor if a loop is running).
        Raises PromptFileError naming the file for a WAV that cannot be used."""
        hotel = (_read_set(prompts_dir, hint=f" (set by {_SETTING})", keep_audio=keep_audio)
                 if prompts_dir else None)
        shipped = _read_set(shipped_dir, hint=" (the connector's own set)",
                            keep_audio=keep_audio)
        library = cls(hotel, shipped, default_language)
        log.info(
            "prompts loaded: hotel %s, shipped %s; languages %s, default %s",
            _describe(hotel), _describe(shipped), ", ".join(library.languages), default_language,
        )
        return library

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages that have at least one prompt, the hotel's or shipped."""
        sets = [s for s in (self._hotel, self._shipped) if s is not None]
        return tuple(sorted({lang for s in sets for lang, p in s.prompts.items() if p}))

    def get(self, name: str, language: str | None = None) -> Prompt:
        """The prompt `name` in `language` (default: the hotel's default language), falling
        back as the module says. Raises PromptMissing naming every folder searched."""
        searched: list[Path] = []
        for prompt_set, lang in self._search_order(language):
            prompt = prompt_set.prompts.get(lang, {}).get(name)
            if isinstance(prompt, Path):
                return _read_prompt(prompt)  # checked at start; its audio was not kept
            if prompt is not None:
                return prompt
            searched.append(prompt_set.root / lang)
        raise PromptMissing(name, searched)

    def say(self, names: Sequence[str], language: str | None = None) -> list[Prompt]:
        """The prompts for `names` (as `connector.voice.speech` builds them), in order."""
        return [self.get(name, language) for name in names]

    def _search_order(self, language: str | None) -> list[tuple[_PromptSet, str]]:
        wanted = _language_code(language) or self._default
        order: list[tuple[_PromptSet, str]] = []
        if self._hotel is not None:
            order += [(self._hotel, wanted), (self._hotel, self._default)]
        order += [(self._shipped, wanted), (self._shipped, self._default),
                  (self._shipped, SHIPPED_LANGUAGE)]
        return list(dict.fromkeys(order))


def _language_code(language: str | None) -> str | None:
    """The folder a language tag means: `de` for de, DE, de-CH and de_CH; else None."""
    if not language:
        return None
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if _LANGUAGE.match(code) else None


def _read_set(root: Path, *, hint: str, keep_audio: bool) -> _PromptSet:
    if not root.is_dir():
        raise PromptFileError(f"prompts folder {root} does not exist or is not a folder{hint}")
    stray = sorted(p.name for p in root.glob("*.wav"))
    if stray:
        raise PromptFileError(
            f"prompts folder {root} holds WAV files outside a language folder "
            f"({', '.join(stray)}): move them to {root / 'en'} (or de, fr, ...)"
        )
    prompts: dict[str, dict[str, Prompt | Path]] = {}
    for folder in sorted(root.iterdir()):
        if not folder.is_dir():
            continue
        if not _LANGUAGE.match(folder.name):
            log.warning("prompts: ignoring folder %s: its name is not a language code "
                        "like en or de", folder)
            continue
        prompts[folder.name] = {
            path.stem: _checked(path, keep_audio)
            for path in sorted(folder.iterdir())
            if path.suffix.lower() == ".wav" and _is_known(path)
        }
    return _PromptSet(root, prompts)


def _is_known(path: Path) -> bool:
    # A misspelt file name would otherwise never play, silently.
    if path.stem in PHRASES:
        return True
    log.warning("prompts: ignoring %s: no prompt has that name (see docs/prompts.md)", path)
    return False


def _checked(path: Path, keep_audio: bool) -> Prompt | Path:
    prompt = _read_prompt(path)
    return prompt if keep_audio else path


def _read_prompt(path: Path) -> Prompt:
    try:
        return load_wav(path, path.stem)
    except WavError as error:
        # The media layer's message names the file and what is wrong with it.
        raise PromptFileError(f"prompt {path.stem!r} cannot be used: {error}") from error


def _describe(prompt_set: _PromptSet | None) -> str:
    if prompt_set is None:
        return "none"
    counts = ", ".join(f"{lang}: {len(p)}" for lang, p in prompt_set.prompts.items())
    return f"{prompt_set.root} ({counts or 'empty'})"
