"""Name translation: a room's guest (or its vacancy) rendered into the names Zoom shows.

Templates
    `${var}` and `$<var>` mean the same and may be mixed (`$<vip> ${first}`). Variable names are
    case-insensitive and may be padded with spaces (`${ First }`). A `$` not followed by `{` or
    `<` is plain text. An unknown variable, an unclosed placeholder or a blank template is a
    `TemplateError` when the template is parsed, so settings refuse it at start-up.

Empty variables
    Literal text is kept, except that whitespace runs collapse to one space and the result is
    trimmed. The literal text around an empty variable is merged into one "gap"; when that gap
    is only spaces and punctuation (a separator) it is tidied:

    - brackets that enclosed the empty variable go with it: `${first} (${vip}) ${last}` with no
      VIP is "Ann Lee";
    - at the start or end of the name the separator goes too: `${last}, ${first}` with no first
      name is "Lee", not "Lee,";
    - between two values the separator with the least punctuation stays:
      `${last}, ${first} ${extension}` with no first name is "Lee 2101", not "Lee, 2101".

    A gap that holds letters or digits (`VIP ${vip} ...`) is kept as written.

Zoom's limits
    first_name and last_name hold at most 64 characters, display_name 128 (code points, after
    NFC). A name that is too long loses characters from its guest-derived values first (first,
    last, title, vip, language: the longest is shortened until all are equally long), then
    from room and reservation. The extension is never shortened; when the template's own text
    and the extension alone are too long, the name is just the extension. Cuts avoid splitting
    a combining accent, an emoji sequence or a flag from its base.

First and last name (Zoom users; a common area uses display_name only)
    The template splits at its first `${last}`: first_name is rendered from the text before it,
    last_name from `${last}` to the end. Without `${last}` it splits at `${extension}`; without
    either, first_name is the whole name and last_name is "". Each part is tidied and fitted on
    its own, keeping the extension in whichever part holds it. display_name is the whole
    template. first_name may come out "" (a guest known only by a last name); the caller
    decides what Zoom should get then.

Text from the PMS may be in any script. It is normalised to NFC; tabs and line breaks become
spaces; other control characters, and bidi embeddings/overrides/isolates (an unclosed override
would reorder the extension after an Arabic or Hebrew name), are removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from connector.rooms.state import RoomState

VARIABLES = ("vip", "title", "first", "last", "extension", "room", "language", "reservation")
# Shortened first when a name is too long, then the rest; the extension never.
_GUEST_VARIABLES = frozenset({"first", "last", "title", "vip", "language"})
_OTHER_VARIABLES = frozenset({"room", "reservation"})

DEFAULT_OCCUPIED = "${vip} ${first} ${last} ${extension}"
DEFAULT_VACANT = "Room ${room} ${extension}"

FIRST_NAME_MAX = 64
LAST_NAME_MAX = 64
DISPLAY_NAME_MAX = 128

_PLACEHOLDER = re.compile(r"\$(?:\{([^{}<>$]*)\}|<([^{}<>$]*)>)")
_OPENERS = "([{<«\uff08【「"  # with fullwidth and CJK brackets
_CLOSERS = ")]}>»\uff09】」"
_TRAILING_OPENERS = re.compile(rf"(?:[{re.escape(_OPENERS)}]\s*)+$")
_LEADING_CLOSERS = re.compile(rf"^(?:\s*[{re.escape(_CLOSERS)}])+")
# Bidi embeddings, overrides and isolates, and the BOM. LRM/RLM and ZWJ/ZWNJ stay: scripts
# and emoji need them.
_DROPPED_FORMAT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
_ZWJ = "\u200d"


class TemplateError(ValueError):
    """A name template that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Template:
    """A parsed name template. `Template(source)` parses (and may raise `TemplateError`).

    `literals` has one more item than `names`: the text before, between and after the
    variables, so the template is literals[0] names[0] literals[1] ... names[-1] literals[-1].
    """

    source: str
    literals: tuple[str, ...] = field(init=False, repr=False, compare=False)
    names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        literals, names = _parse(self.source)
        object.__setattr__(self, "literals", literals)
        object.__setattr__(self, "names", names)

    def split_index(self) -> int | None:
        """Which variable starts last_name: the first `last`, else the first `extension`."""
        for wanted in ("last", "extension"):
            if wanted in self.names:
                return self.names.index(wanted)
        return None


@dataclass(frozen=True)
class RoomNames:
    """What Zoom shows for a room. A common area takes only `display_name`."""

    first_name: str
    last_name: str
    display_name: str


def parse_template(source: str) -> Template:
    """Parse a name template, raising `TemplateError` for anything that cannot render."""
    return Template(source)


def render(template: Template, variables: Mapping[str, str]) -> RoomNames:
    """Render a template with raw variable values (missing ones are empty) within Zoom's limits."""
    unknown = sorted(set(variables) - set(VARIABLES))
    if unknown:
        raise ValueError(f"unknown name variables {unknown}; known: {list(VARIABLES)}")
    values = {name: clean_text(variables.get(name, "")) for name in VARIABLES}
    lits, names = template.literals, template.names
    split = template.split_index()
    if split is None:
        first = _fit(lits, names, values, FIRST_NAME_MAX)
        last = ""
    else:
        first = _fit(lits[: split + 1], names[:split], values, FIRST_NAME_MAX)
        last = _fit(("", *lits[split + 1 :]), names[split:], values, LAST_NAME_MAX)
    display = _fit(lits, names, values, DISPLAY_NAME_MAX)
    return RoomNames(first_name=first, last_name=last, display_name=display)


def room_names(
    state: RoomState, extension: str, *, occupied: Template, vacant: Template
) -> RoomNames:
    """The names of a room's phone: its primary guest's when occupied, else the vacant name."""
    variables = {"room": state.room, "extension": extension}
    stay = state.primary
    if stay is None:
        return render(vacant, variables)
    guest = stay.primary
    variables |= {
        "vip": guest.vip,
        "title": guest.title,
        "first": guest.first_name,
        "last": guest.last_name,
        "language": guest.language,
        "reservation": stay.reservation or "",
    }
    return render(occupied, variables)


def clean_text(text: str) -> str:
    """PMS text made safe for Zoom: NFC, single spaces, no control or bidi-override characters."""
    kept: list[str] = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif char in _DROPPED_FORMAT or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, not inside a character cluster, trimmed."""
    if len(text) <= limit:
        return text
    end = limit
    while end > 0 and _joins_previous(text, end):
        end -= 1
    return text[:end].rstrip()


def _joins_previous(text: str, index: int) -> bool:
    """Whether text[index] belongs to the same visible character as text[index - 1]."""
    char, previous = text[index], text[index - 1]
    if previous == _ZWJ or char == _ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # variation selectors, skin tones, tag sequences (subdivision flags)
    if _is_regional_indicator(char) and _is_regional_indicator(previous):
        # Flags are pairs: count the indicators before `index` to know if we are mid-pair.
        run = 0
        while index - run - 1 >= 0 and _is_regional_indicator(text[index - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _parse(source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not source.strip():
        raise TemplateError("a name template must not be blank")
    literals: list[str] = []
    names: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(source):
        literals.append(_literal(source, source[position : match.start()]))
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        name = raw.strip().lower()
        if name not in VARIABLES:
            known = ", ".join(f"${{{known}}}" for known in VARIABLES)
            raise TemplateError(
                f"unknown variable {match.group(0)!r} in name template {source!r}; "
                f"known variables: {known}"
            )
        names.append(name)
        position = match.end()
    literals.append(_literal(source, source[position:]))
    return tuple(literals), tuple(names)


def _literal(source: str, text: str) -> str:
    # Whatever survived the placeholder scan must hold no placeholder start at all.
    opening = re.search(r"\$[{<]", text)
    if opening:
        raise TemplateError(
            f"unclosed or malformed placeholder {text[opening.start():]!r} in name template "
            f"{source!r}; write ${{name}} or $<name>"
        )
    return unicodedata.normalize("NFC", text)


def _fit(
    literals: Sequence[str], names: Sequence[str], values: Mapping[str, str], limit: int
) -> str:
    """Render, shortening values tier by tier until the text fits in `limit`."""
    text = _render(literals, names, values)
    if len(text) <= limit:
        return text
    shortened = dict(values)
    for tier in (_GUEST_VARIABLES, _OTHER_VARIABLES):
        _shorten(shortened, [name for name in names if name in tier], len(text) - limit)
        text = _render(literals, names, shortened)
        if len(text) <= limit:
            return text
    if "extension" in names and values["extension"]:
        return truncate(values["extension"], limit)
    return truncate(text, limit)


def _shorten(values: dict[str, str], occurrences: Sequence[str], excess: int) -> None:
    """Cut the longest values down to a common length that removes `excess` characters.

    `occurrences` lists a variable once per place it appears, so a name used twice counts
    twice. If the values together are shorter than `excess`, they all become empty.
    """
    lengths = {name: len(values[name]) for name in occurrences}

    def removed(cap: int) -> int:
        return sum(max(0, lengths[name] - cap) for name in occurrences)

    cap = max(lengths.values(), default=0)
    while cap > 0 and removed(cap) < excess:
        cap -= 1
    for name in set(occurrences):
        values[name] = truncate(values[name], cap)


def _render(literals: Sequence[str], names: Sequence[str], values: Mapping[str, str]) -> str:
    pieces: list[str] = []
    gap = [literals[0]]
    skipped = False  # the gap has grown around an empty variable
    for name, after in zip(names, literals[1:], strict=True):
        value = values[name]
        if not value:
            gap.append(after)
            skipped = True
            continue
        pieces += [_tidy_gap(gap, skipped, edge=not pieces), value]
        gap, skipped = [after], False
    pieces.append(_tidy_gap(gap, skipped, edge=True))
    return " ".join("".join(pieces).split())


def _tidy_gap(gap: list[str], skipped: bool, *, edge: bool) -> str:
    """The text that stands where one or more empty variables were (see the module doc)."""
    if not skipped:
        return gap[0]
    if any(char.isalnum() for part in gap for char in part):
        return "".join(gap)
    if edge:
        return ""
    # Each inner boundary of the gap touches an empty variable: its brackets go with it.
    tidied = list(gap)
    for i in range(len(gap) - 1):  # an empty variable stands between gap[i] and gap[i + 1]
        tidied[i] = _TRAILING_OPENERS.sub("", tidied[i])
        tidied[i + 1] = _LEADING_CLOSERS.sub("", tidied[i + 1])
    candidates = [part for part in tidied if part]
    if not candidates:
        return ""
    return min(candidates, key=lambda part: len(part.strip()))


__all__ = [
    "DEFAULT_OCCUPIED", "DEFAULT_VACANT", "DISPLAY_NAME_MAX", "FIRST_NAME_MAX", "LAST_NAME_MAX",
    "VARIABLES", "RoomNames", "Template", "TemplateError", "clean_text", "parse_template",
    "render", "room_names", "truncate",
]
