"""Which recording a caller hears: the hotel's own, its default language, or the shipped set."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from connector.voice.errors import PromptFileError, PromptMissing
from connector.voice.library import PromptLibrary
from tests.voice.wav_files import write_tone

# Each folder's recordings have their own length, so a test can tell which one it got.
HOTEL_DE = 0.3
HOTEL_EN = 0.4
SHIPPED_FR = 0.9
SHIPPED_EN = 1.0


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    root = tmp_path / "shipped"
    for name in ("goodbye", "room", "press", "oh"):
        write_tone(root / "en" / f"{name}.wav", SHIPPED_EN)
    for name in ("press", "room"):
        write_tone(root / "fr" / f"{name}.wav", SHIPPED_FR)
    return root


@pytest.fixture
def hotel(tmp_path: Path) -> Path:
    root = tmp_path / "hotel"
    write_tone(root / "de" / "goodbye.wav", HOTEL_DE)
    for name in ("goodbye", "room"):
        write_tone(root / "en" / f"{name}.wav", HOTEL_EN)
    return root


@pytest.fixture
def library(hotel: Path, shipped: Path) -> PromptLibrary:
    return PromptLibrary.load(hotel, "en", shipped_dir=shipped)


def test_the_hotels_recording_in_the_guests_language_comes_first(library: PromptLibrary) -> None:
    assert library.get("goodbye", "de").seconds == pytest.approx(HOTEL_DE)


def test_next_the_hotels_recording_in_its_default_language(library: PromptLibrary) -> None:
    # Before the shipped French one: the hotel's own voice beats the connector's.
    assert library.get("room", "fr").seconds == pytest.approx(HOTEL_EN)
    assert library.get("room", "de").seconds == pytest.approx(HOTEL_EN)


def test_next_the_shipped_set_in_the_guests_language(library: PromptLibrary) -> None:
    assert library.get("press", "fr").seconds == pytest.approx(SHIPPED_FR)


def test_last_the_shipped_english_set(library: PromptLibrary) -> None:
    assert library.get("oh", "de").seconds == pytest.approx(SHIPPED_EN)


def test_the_shipped_set_in_the_default_language_comes_before_english(shipped: Path) -> None:
    library = PromptLibrary.load(None, "fr", shipped_dir=shipped)
    assert library.get("press", "de").seconds == pytest.approx(SHIPPED_FR)
    assert library.get("oh", "de").seconds == pytest.approx(SHIPPED_EN)


def test_no_language_means_the_hotels_default_language(hotel: Path, shipped: Path) -> None:
    library = PromptLibrary.load(hotel, "de", shipped_dir=shipped)
    assert library.get("goodbye").seconds == pytest.approx(HOTEL_DE)


@pytest.mark.parametrize("tag", ["DE", "de-CH", "de_AT", " de "])
def test_regional_and_upper_case_language_tags_find_the_language(
    library: PromptLibrary, tag: str
) -> None:
    assert library.get("goodbye", tag).seconds == pytest.approx(HOTEL_DE)


@pytest.mark.parametrize("tag", ["", "german", "x"])
def test_a_language_tag_that_is_no_language_code_means_the_default(
    library: PromptLibrary, tag: str
) -> None:
    assert library.get("goodbye", tag).seconds == pytest.approx(HOTEL_EN)


def test_say_plays_the_names_in_order_in_one_language(library: PromptLibrary) -> None:
    prompts = library.say(["room", "goodbye"], "de")
    assert [p.name for p in prompts] == ["room", "goodbye"]
    assert [p.seconds for p in prompts] == pytest.approx([HOTEL_EN, HOTEL_DE])


def test_languages_are_those_of_the_hotel_and_the_shipped_set(library: PromptLibrary) -> None:
    assert library.languages == ("de", "en", "fr")


def test_a_hotel_recording_in_any_pcm_format_is_converted_to_8khz_mono(shipped: Path,
                                                                        tmp_path: Path) -> None:
    hotel = tmp_path / "hotel"
    write_tone(hotel / "en" / "goodbye.wav", 0.5, rate=16000, channels=2)
    write_tone(hotel / "en" / "room.wav", 0.5, rate=11025, width=1)
    library = PromptLibrary.load(hotel, "en", shipped_dir=shipped)
    for name in ("goodbye", "room"):
        assert library.get(name).seconds == pytest.approx(0.5, abs=0.01)


def test_a_prompt_in_no_folder_names_itself_and_every_folder_searched(
    library: PromptLibrary, hotel: Path, shipped: Path
) -> None:
    with pytest.raises(PromptMissing) as missing:
        library.get("wakeup_greeting", "de")
    message = str(missing.value)
    assert "wakeup_greeting.wav" in message
    for folder in (hotel / "de", hotel / "en", shipped / "de", shipped / "en"):
        assert str(folder) in message
    assert missing.value.searched == (hotel / "de", hotel / "en", shipped / "de", shipped / "en")


def _start_up_error(hotel: Path, shipped: Path) -> str:
    with pytest.raises(PromptFileError) as error:
        PromptLibrary.load(hotel, "en", shipped_dir=shipped)
    return str(error.value)


def test_a_file_that_is_not_a_wav_stops_start_up_naming_it(hotel: Path, shipped: Path) -> None:
    bad = hotel / "de" / "room.wav"
    bad.write_text("this is not audio")
    message = _start_up_error(hotel, shipped)
    assert str(bad) in message
    assert "not a PCM WAV" in message


def test_an_unsupported_sample_format_stops_start_up_saying_what_is_wrong(
    hotel: Path, shipped: Path
) -> None:
    bad = write_tone(hotel / "de" / "room.wav", 0.5, width=3)
    message = _start_up_error(hotel, shipped)
    assert str(bad) in message
    assert "24-bit" in message


def test_a_wav_without_audio_stops_start_up(hotel: Path, shipped: Path) -> None:
    empty = write_tone(hotel / "de" / "room.wav", 0)
    message = _start_up_error(hotel, shipped)
    assert str(empty) in message
    assert "no audio" in message


def test_a_bad_file_in_the_shipped_set_is_named_too(hotel: Path, shipped: Path) -> None:
    bad = shipped / "en" / "oh.wav"
    bad.write_bytes(b"RIFF")
    assert str(bad) in _start_up_error(hotel, shipped)


def test_a_prompts_folder_that_does_not_exist_stops_start_up_naming_the_setting(
    tmp_path: Path, shipped: Path
) -> None:
    with pytest.raises(PromptFileError, match="CONNECTOR_VOICE__PROMPTS_DIR"):
        PromptLibrary.load(tmp_path / "nowhere", "en", shipped_dir=shipped)


def test_wavs_outside_a_language_folder_stop_start_up_saying_where_they_go(
    hotel: Path, shipped: Path
) -> None:
    write_tone(hotel / "goodbye.wav", 0.5)
    with pytest.raises(PromptFileError, match=f"move them to {hotel / 'en'}"):
        PromptLibrary.load(hotel, "en", shipped_dir=shipped)


def test_a_misspelt_file_name_is_ignored_with_a_warning(
    hotel: Path, shipped: Path, caplog: pytest.LogCaptureFixture
) -> None:
    typo = write_tone(hotel / "de" / "goodby.wav", 0.5)
    with caplog.at_level(logging.WARNING, logger="connector.voice"):
        library = PromptLibrary.load(hotel, "en", shipped_dir=shipped)
    assert f"ignoring {typo}" in caplog.text
    with pytest.raises(PromptMissing):
        library.get("goodby", "de")


def test_a_folder_that_is_not_a_language_is_ignored_with_a_warning(
    hotel: Path, shipped: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_tone(hotel / "german" / "goodbye.wav", 0.5)
    with caplog.at_level(logging.WARNING, logger="connector.voice"):
        library = PromptLibrary.load(hotel, "en", shipped_dir=shipped)
    assert f"ignoring folder {hotel / 'german'}" in caplog.text
    assert "german" not in library.languages


def test_without_sip_lines_a_bad_file_still_stops_start_up(hotel: Path, shipped: Path) -> None:
    bad = hotel / "de" / "room.wav"
    bad.write_text("this is not audio")
    with pytest.raises(PromptFileError, match="not a PCM WAV"):
        PromptLibrary.load(hotel, "en", shipped_dir=shipped, keep_audio=False)


def test_without_sip_lines_no_audio_is_held_yet_every_prompt_still_plays(
    hotel: Path, shipped: Path
) -> None:
    # A connector without lines never calls anyone: it need not hold the recordings.
    library = PromptLibrary.load(hotel, "en", shipped_dir=shipped, keep_audio=False)

    held = [prompt for prompt_set in (library._hotel, library._shipped) if prompt_set
            for by_name in prompt_set.prompts.values() for prompt in by_name.values()]
    assert held and all(isinstance(prompt, Path) for prompt in held)
    assert library.get("goodbye", "de").seconds == pytest.approx(HOTEL_DE)
    assert library.get("press", "fr").seconds == pytest.approx(SHIPPED_FR)
