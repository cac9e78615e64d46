"""Fixtures for wake-up calls over real SIP (the peers come from tests/sip/conftest.py)."""

from __future__ import annotations

import pytest

from connector.voice.library import PromptLibrary


@pytest.fixture(scope="session")
def prompt_library() -> PromptLibrary:
    """The shipped English prompts (read once: converting them takes a moment)."""
    return PromptLibrary.load(None, "en")
