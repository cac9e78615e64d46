"""What the call scripts need of the prompts: audio for prompt names in a language.
`PromptLibrary` is the real one; tests fake it to assert on the names played."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from connector.sip.api import Prompt


class Voice(Protocol):
    def say(self, names: Sequence[str], language: str | None) -> list[Prompt]:
        """The prompts for `names` in `language` (None: the hotel's default), falling back
        to the default language where one is not recorded."""
        ...
