"""The one choke point for untrusted text: what `clean`/`safe`/`needs_escape` escape, and how."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from rich.cells import cell_len, get_character_cell_size

from iotjobs_tui.ui.text import ESCAPE_STYLE, _escape, clean, needs_escape, safe

# Code points worth checking one by one: the BMP, the SMP/SIP (emoji, astral scripts, format
# characters), and the tag and variation-selector blocks of plane 14.
SCAN = [*range(0x0, 0x30000), *range(0xE0000, 0xE1000)]
SCAN = [code for code in SCAN if not 0xD800 <= code <= 0xDFFF]


def _u(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


FORMAT = [
    0x00AD, 0x061C, 0x180E, 0x200B, 0x200D, 0x200E, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063,
    0x2064, 0x2066, 0x2069, 0x206A, 0x206F, 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB, 0x13430, 0x1BCA0,
    0x1BCA3, 0x1D173, 0x1D17A, 0xE0001, 0xE0020, 0xE0041, 0xE0042, 0xE0043, 0xE007F,
]  # fmt: skip
INVISIBLE_LETTERS = [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5]
VARIATION_SELECTORS = [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
SKIN_TONES = list(range(0x1F3FB, 0x1F400))
REGIONAL_INDICATORS = list(range(0x1F1E6, 0x1F200))
SPACING_MARKS = [0x0903, 0x093E, 0x093F, 0x0940, 0x0BBE, 0x0D3E]  # Mc: Rich 0 cells, tmux 1


@pytest.mark.parametrize(
    "code",
    FORMAT + INVISIBLE_LETTERS + VARIATION_SELECTORS + SKIN_TONES + REGIONAL_INDICATORS
    + SPACING_MARKS,
)  # fmt: skip
def test_each_class_is_escaped_the_same_way(code: int) -> None:
    char = chr(code)
    assert clean(f"a{char}b") == f"a{_u(code)}b"
    assert needs_escape(f"a{char}b")
    text = safe(f"a{char}b")
    assert text.plain == f"a{_u(code)}b"
    assert [(span.start, span.end, span.style) for span in text.spans] == [
        (1, 1 + len(_u(code)), ESCAPE_STYLE)
    ]


def test_escape_spelling() -> None:
    assert clean("\x1b]0;T\x07") == "\\x1b]0;T\\x07"
    assert clean("\x9b2J\x7f") == "\\x9b2J\\x7f"
    assert clean("\u061c") == "\\u061c"
    assert clean("\U000e0041") == "\\U000e0041"
    assert clean("\u2028\u2029") == "\\u2028\\u2029"
    assert clean("\ud800") == "\\ud800"  # a lone surrogate
    assert clean("\ue000\U000f0000") == "\\ue000\\U000f0000"  # private use
    assert clean("\U0003fffe") == "\\U0003fffe"  # unassigned


@pytest.mark.parametrize(
    "text",
    [
        "meter-us-central-aus-00001",
        "[bold]markup[/bold] stays literal text",
        "Gerät-Überwachung · 温度センサー · 한국어 · Ελληνικά · עברית",
        "e\u0301 n\u0303 a\u0308",  # combining marks (Mn) after a base
        "a\u00a0b\u2003c\u3000d",  # spaces are not printable to Python, but harmless
        "🙂 🚀 ✈ ☺",  # emoji without a variation selector
        "नमस्ते",  # Devanagari with only Mn signs
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert clean(text) == text
    assert not needs_escape(text)
    assert safe(text).plain == text and not safe(text).spans


def test_every_format_character_is_escaped() -> None:
    everything = "".join(chr(code) for code in range(sys.maxunicode + 1))
    out = clean(everything)
    left = set(out)
    assert not {char for char in left if unicodedata.category(char) in ("Cc", "Cf", "Cs")}
    assert "\x1b" not in left and "\x07" not in left
    assert not {char for char in left if 0x80 <= ord(char) < 0xA0}
    assert clean(everything, keep_newlines=True).count("\n") == 1


def test_every_zero_width_non_mark_is_escaped() -> None:
    """Where Rich says 0 cells and the character is not a plain combining mark, escape it."""
    missed = [
        hex(code)
        for code in SCAN
        if code
        and get_character_cell_size(chr(code)) == 0
        and unicodedata.category(chr(code)) != "Mn"
        and _escape(chr(code)) is None
    ]
    assert not missed


def test_fast_path_agrees_with_the_per_character_rule() -> None:
    for code in SCAN:
        char = chr(code)
        assert (clean(char) == char) == (_escape(char) is None), hex(code)
        assert needs_escape(char) == (_escape(char) is not None), hex(code)


def test_escapes_are_ascii_one_cell_each() -> None:
    escaped = "".join(chr(code) for code in SCAN if _escape(chr(code)) is not None)
    for start in range(0, len(escaped), 500):
        out = clean(escaped[start : start + 500])
        assert out.isascii()
        assert cell_len(out) == len(out)


def test_width_disagreements_are_gone() -> None:
    """Each case from the tmux probe is now one Rich cell per character on screen."""
    for text in ("☺️", "❤️", "#️⃣", "1️⃣", "👍🏽", "🏿", "🇺", "aㅤb", "aﾠb", "कि"):
        out = clean(text)
        assert out != text
        assert cell_len(out) == sum(get_character_cell_size(char) for char in out)
        assert "\ufe0f" not in out


def test_keep_newlines_keeps_only_newlines_and_tabs() -> None:
    text = "line 1\n\tline\u2028two\r\n\x1b[2J"
    assert clean(text, keep_newlines=True) == "line 1\n\tline\\u2028two\\x0d\n\\x1b[2J"
    assert clean(text) == "line 1\\x0a\\x09line\\u2028two\\x0d\\x0a\\x1b[2J"
    assert safe(text, keep_newlines=True).plain == clean(text, keep_newlines=True)
    assert clean("a\n\nb", keep_newlines=True) == "a\n\nb"


def test_safe_keeps_style_and_handles_none() -> None:
    assert safe(None).plain == ""
    assert safe("").plain == ""
    text = safe("x", style="bold")
    assert text.plain == "x" and text.style == "bold" and text.end == ""
    hostile = safe("a\x1bb\u061cc", style="dim")
    assert hostile.plain == "a\\x1bb\\u061cc" and hostile.style == "dim"
    assert [span.style for span in hostile.spans] == [ESCAPE_STYLE, ESCAPE_STYLE]
