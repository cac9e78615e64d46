"""The prompt library's errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class VoiceError(Exception):
    """Base of every error the prompt library raises."""


class PromptFileError(VoiceError):
    """A prompt file or folder that cannot be used; raised at start-up, before any call."""


class PromptMissing(VoiceError):
    """A prompt that is in no folder: neither the hotel's nor the shipped set."""

    def __init__(self, name: str, searched: Sequence[Path]) -> None:
        self.name = name
        self.searched = tuple(searched)
        folders = ", ".join(str(folder) for folder in self.searched)
        super().__init__(f"prompt {name!r} ({name}.wav) is in none of: {folders}")
