"""Room names as Zoom shows them: templates, empty fields, any script, Zoom's lengths."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector.events.models import Guest
from connector.rooms.naming import (
    DEFAULT_OCCUPIED,
    DEFAULT_VACANT,
    DISPLAY_NAME_MAX,
    FIRST_NAME_MAX,
    LAST_NAME_MAX,
    RoomNames,
    Template,
    TemplateError,
    parse_template,
    render,
    room_names,
)
from connector.rooms.state import RoomState, Stay

OCCUPIED = parse_template(DEFAULT_OCCUPIED)
VACANT = parse_template(DEFAULT_VACANT)
ARRIVED = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _room(room: str = "101", *guests: Guest, reservation: str = "R-1001") -> RoomState:
    stays = (Stay(reservation=reservation, guests=guests, checked_in_at=ARRIVED),) if guests else ()
    return RoomState(room=room, stays=stays)


def _names(template: str = DEFAULT_OCCUPIED, **variables: str) -> RoomNames:
    return render(parse_template(template), variables)


def _assert_fits(names: RoomNames) -> None:
    assert len(names.first_name) <= FIRST_NAME_MAX
    assert len(names.last_name) <= LAST_NAME_MAX
    assert len(names.display_name) <= DISPLAY_NAME_MAX


# Templates


def test_both_template_syntaxes_render_alike() -> None:
    guest = {"vip": "Gold", "first": "Ann", "last": "Lee", "extension": "2101"}
    curly = _names("${vip} ${first} ${last} ${extension}", **guest)
    angled = _names("$<vip> $<first> $<last> $<extension>", **guest)
    mixed = _names("$<vip> ${first} $<last> ${extension}", **guest)
    assert curly == angled == mixed == RoomNames("Gold Ann", "Lee 2101", "Gold Ann Lee 2101")


def test_variable_names_ignore_case_and_padding() -> None:
    assert _names("${ First } $<LAST>", first="Ann", last="Lee").display_name == "Ann Lee"


def test_every_variable_renders() -> None:
    names = _names(
        "${title} ${first} ${last} [${vip}] ${language} ${reservation} ${room} ${extension}",
        title="Dr", first="Ann", last="Lee", vip="Gold", language="EN",
        reservation="R-7", room="101", extension="2101",
    )
    assert names.display_name == "Dr Ann Lee [Gold] EN R-7 101 2101"


def test_a_dollar_sign_alone_is_plain_text() -> None:
    assert _names("${first} $ ${extension}", first="Ann", extension="2101").display_name == (
        "Ann $ 2101"
    )


def test_an_unknown_variable_is_refused_at_start_up() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template("${vip} ${firstname} ${last}")
    message = str(caught.value)
    assert "${firstname}" in message
    assert "${vip} ${firstname} ${last}" in message
    assert "${first}" in message and "${reservation}" in message


def test_an_unknown_angled_variable_is_refused_in_the_customers_spelling() -> None:
    with pytest.raises(TemplateError, match=r"\$<surname>"):
        parse_template("$<first> $<surname>")


@pytest.mark.parametrize("source", ["${first", "$<first} ${last}", "${first> x", "${}", "  "])
def test_a_malformed_or_blank_template_is_refused(source: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(source)


def test_a_template_error_is_a_value_error_for_settings_validation() -> None:
    with pytest.raises(ValueError, match="known variables"):
        Template("${guest}")


def test_parsed_templates_compare_by_their_source() -> None:
    assert parse_template(DEFAULT_OCCUPIED) == Template(DEFAULT_OCCUPIED)


def test_render_refuses_variables_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="surname"):
        render(OCCUPIED, {"surname": "Lee"})


# Empty variables


def test_empty_vip_leaves_no_double_space() -> None:
    names = _names(first="Ann", last="Lee", extension="2101")
    assert names == RoomNames("Ann", "Lee 2101", "Ann Lee 2101")


def test_a_guest_with_only_a_last_name_has_an_empty_first_name() -> None:
    assert _names(last="Lee", extension="2101") == RoomNames("", "Lee 2101", "Lee 2101")


def test_a_last_name_first_template_leaves_no_dangling_comma() -> None:
    assert _names("${last}, ${first}", last="Lee").display_name == "Lee"
    assert _names("${last}, ${first}", first="Ann").display_name == "Ann"
    assert _names("${last}, ${first}", last="Lee", first="Ann").display_name == "Lee, Ann"


def test_the_lighter_separator_stays_between_two_names() -> None:
    names = _names("${last}, ${first} ${extension}", last="Lee", extension="2101")
    assert names.display_name == "Lee 2101"


def test_brackets_around_an_empty_vip_go_with_it() -> None:
    template = "${first} (${vip}) ${last}"
    assert _names(template, first="Ann", last="Lee").display_name == "Ann Lee"
    assert _names(template, first="Ann", vip="Gold", last="Lee").display_name == (
        "Ann (Gold) Lee"
    )
    assert _names("[${vip}] ${first}", first="Ann").display_name == "Ann"


def test_literal_words_around_an_empty_variable_are_kept() -> None:
    assert _names("${first} VIP ${vip}", first="Ann").display_name == "Ann VIP"


def test_spaces_and_line_breaks_from_the_pms_collapse() -> None:
    names = _names(first="  Ann\tMarie ", last="Lee\r\n", extension=" 2101 ")
    assert names.display_name == "Ann Marie Lee 2101"


# Scripts


def test_chinese_and_arabic_names_are_kept_whole() -> None:
    chinese = room_names(
        _room("101", Guest(first_name="小明", last_name="王")), "2101",
        occupied=OCCUPIED, vacant=VACANT,
    )
    arabic = room_names(
        _room("102", Guest(first_name="محمد", last_name="العربي")), "2102",
        occupied=OCCUPIED, vacant=VACANT,
    )
    assert chinese == RoomNames("小明", "王 2101", "小明 王 2101")
    assert arabic == RoomNames("محمد", "العربي 2102", "محمد العربي 2102")


def test_accents_are_normalised_to_composed_form() -> None:
    names = _names(first="Jose\u0301", last="Mu\u0308ller", extension="2101")
    assert names.display_name == "Jos\u00e9 M\u00fcller 2101"


def test_a_bidi_override_cannot_reorder_the_extension() -> None:
    names = _names(first="\u202eevil", last="Lee\x00\x07", extension="2101")
    assert names.display_name == "evil Lee 2101"


def test_an_emoji_in_a_name_survives() -> None:
    assert _names(first="Ann 👩‍👩‍👧", extension="2101").display_name == "Ann 👩‍👩‍👧 2101"


# Zoom's lengths


def test_a_vip_guest_name_fits_zoom_and_keeps_the_extension() -> None:
    names = _names(vip="Platinum Elite", first="Maximilian Alexander " * 4,
                   last="Lee", extension="2101")
    _assert_fits(names)
    assert names.first_name.startswith("Platinum Elite Maximilian")
    assert names.last_name == "Lee 2101"
    assert names.display_name.endswith(" Lee 2101")


def test_a_very_long_last_name_is_cut_before_the_extension() -> None:
    names = _names(first="Ann", last="Wolfeschlegelsteinhausenbergerdorff" * 4, extension="2101")
    _assert_fits(names)
    assert len(names.last_name) == LAST_NAME_MAX
    assert names.last_name.startswith("Wolfeschlegel")
    assert names.last_name.endswith(" 2101")
    assert names.display_name.startswith("Ann Wolfeschlegel")
    assert names.display_name.endswith(" 2101")


def test_the_longest_name_is_shortened_first() -> None:
    names = _names("${first} ${last} ${extension}",
                   first="Ann", last="B" * 150, extension="2101")
    assert names.display_name == "Ann " + "B" * (128 - len("Ann  2101")) + " 2101"


def test_two_long_names_are_shortened_evenly() -> None:
    names = _names(first="A" * 100, last="B" * 100, extension="2101")
    first, last, extension = names.display_name.split(" ")
    assert (len(first), len(last), extension) == (61, 61, "2101")


def test_the_room_is_shortened_only_once_the_guest_names_are_gone() -> None:
    names = _names("${first} ${room} ${extension}", first="Ann", room="R" * 200, extension="2101")
    assert names.display_name == "R" * (128 - len(" 2101")) + " 2101"


def test_when_the_template_text_itself_is_too_long_only_the_extension_remains() -> None:
    names = _names("Welcome to the Grand Harbour View " * 5 + "${extension}", extension="2101")
    _assert_fits(names)
    assert names.display_name == "2101"
    assert names.last_name == "2101"
    assert names.first_name.startswith("Welcome to the Grand")  # no extension to keep there


def test_a_cut_never_splits_an_accent_or_an_emoji() -> None:
    family = "👩‍👩‍👧"
    names = _names("${first} ${extension}", first="a" * 121 + family, extension="2101")
    assert names.display_name == "a" * 121 + " 2101"
    names = _names("${first} ${extension}", first="a" * 122 + "\u1100\u1161\u11a8",
                   extension="2101")  # a Hangul syllable in jamo that NFC composes to one
    _assert_fits(names)
    assert names.display_name.endswith(" 2101")


# How the template splits into first and last name


def test_without_a_last_name_variable_the_split_is_before_the_extension() -> None:
    names = _names("${title} ${first} ${extension}", title="Mr", first="Bo", extension="2101")
    assert names == RoomNames("Mr Bo", "2101", "Mr Bo 2101")


def test_without_last_name_or_extension_everything_is_the_first_name() -> None:
    names = _names("${title} ${first}", title="Mr", first="Bo")
    assert names == RoomNames("Mr Bo", "", "Mr Bo")


def test_an_extension_before_the_last_name_stays_in_the_first_name() -> None:
    names = _names("${extension} ${first} ${last}", first="A" * 80, last="Lee", extension="2101")
    _assert_fits(names)
    assert names.first_name.startswith("2101 AAAA")
    assert names.last_name == "Lee"


# Rooms


def test_an_occupied_room_is_named_after_its_first_guest() -> None:
    room = _room("101", Guest(title="Dr", first_name="Ann", last_name="Lee", vip="Gold"),
                 Guest(first_name="Bob", last_name="Lee"))
    names = room_names(room, "2101", occupied=OCCUPIED, vacant=VACANT)
    assert names == RoomNames("Gold Ann", "Lee 2101", "Gold Ann Lee 2101")


def test_a_sharer_who_arrived_later_does_not_rename_the_room() -> None:
    first_in = Stay(reservation="R-1", guests=(Guest(first_name="Ann", last_name="Lee"),),
                    checked_in_at=ARRIVED)
    sharer = Stay(reservation="R-2", guests=(Guest(first_name="Bob", last_name="Kim"),),
                  checked_in_at=ARRIVED)
    room = RoomState(room="101", stays=(first_in, sharer))
    names = room_names(room, "2101", occupied=OCCUPIED, vacant=VACANT)
    assert names.display_name == "Ann Lee 2101"


def test_the_reservation_comes_from_the_primary_stay() -> None:
    room = _room("101", Guest(last_name="Lee"), reservation="R-77")
    template = parse_template("${last} ${reservation} ${extension}")
    names = room_names(room, "2101", occupied=template, vacant=VACANT)
    assert names.display_name == "Lee R-77 2101"


def test_a_vacant_room_shows_its_number_and_extension() -> None:
    names = room_names(_room("101"), "2101", occupied=OCCUPIED, vacant=VACANT)
    assert names == RoomNames("Room 101", "2101", "Room 101 2101")


def test_a_vacant_template_cannot_leak_the_last_guest() -> None:
    template = parse_template("${first} ${last} Room ${room} ${extension}")
    names = room_names(_room("101"), "2101", occupied=OCCUPIED, vacant=template)
    assert names.display_name == "Room 101 2101"


def test_a_common_area_phone_shows_the_whole_name_as_its_display_name() -> None:
    lobby = _room("LOBBY", Guest(first_name="Ann", last_name="Lee", vip="Gold"))
    names = room_names(lobby, "2900", occupied=OCCUPIED, vacant=VACANT)
    assert names.display_name == "Gold Ann Lee 2900"
    vacant = room_names(_room("POOL"), "2901", occupied=OCCUPIED, vacant=VACANT)
    assert vacant.display_name == "Room POOL 2901"


# Properties

_guest_text = st.text(max_size=200)
_extension = st.from_regex(r"[0-9]{3,6}", fullmatch=True)
_templates = st.sampled_from([
    DEFAULT_OCCUPIED,
    "$<vip> $<first> $<last> $<extension>",
    "${last}, ${first} (${vip}) ${extension}",
    "${title} ${first} ${extension}",
    "${language} ${title} ${first} ${last} ${reservation} ${room} ${extension}",
])


@given(template=_templates, vip=_guest_text, title=_guest_text, first=_guest_text,
       last=_guest_text, language=_guest_text, reservation=_guest_text, room=_guest_text,
       extension=_extension)
def test_any_guest_fits_zoom_and_keeps_the_extension(
    template: str, vip: str, title: str, first: str, last: str, language: str,
    reservation: str, room: str, extension: str,
) -> None:
    names = _names(template, vip=vip, title=title, first=first, last=last, language=language,
                   reservation=reservation, room=room, extension=extension)
    _assert_fits(names)
    assert names.display_name.endswith(extension)
    assert names.last_name.endswith(extension)
    for name in (names.first_name, names.last_name, names.display_name):
        assert name == name.strip()
        assert "  " not in name
