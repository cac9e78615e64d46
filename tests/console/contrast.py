"""WCAG 2.x contrast, computed from the colours console.css declares (relative luminance of
sRGB, https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), for the accessibility tests."""

from __future__ import annotations

import re
from importlib.resources import files

NAMED = {"white": "#ffffff", "black": "#000000"}


def stylesheet() -> str:
    return (files("connector.web.console") / "static" / "console.css").read_text("utf-8")


def variables(css: str) -> dict[str, str]:
    """The custom properties (`--ink: #111;`) the stylesheet defines, by name."""
    return {f"--{name}": value.lower()
            for name, value in re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b", css)}


def resolve(colour: str, css_variables: dict[str, str]) -> str:
    return css_variables.get(colour, NAMED.get(colour, colour))


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
