"""Safe rendering of untrusted text (descriptions, comments, reasons, documents).

Everything that came from AWS is shown literally: it goes into `rich.text.Text` (never markup),
and the characters below are replaced by visible escapes (`\\x1b`, `\\u061c`, `\\U000e0041`),
so nothing in a job description can move the cursor, recolour the terminal, reorder the line,
hide characters, or make a row wider or narrower on screen than Rich measured it:

- C0 and C1 controls and DEL (`\\xNN`);
- everything `str.isprintable()` rejects except spaces: format characters (Cf: bidi marks and
  overrides, zero-width characters, soft hyphen, tag characters...), line and paragraph
  separators, surrogates, private use and unassigned code points;
- invisible letters and marks AWS's `[^\\p{C}]+` patterns accept (Hangul fillers, Khmer
  inherent vowels, the combining grapheme joiner), every variation selector (VS16 after an
  emoji is one cell in tmux and two in Rich), emoji skin-tone modifiers and regional
  indicators (their width depends on what comes before them);
- every other character Rich measures as zero cells that is not a plain combining mark (Mn),
  such as spacing vowel signs (U+093F) that terminals draw one cell wide.

`clean`, `safe` and `needs_escape` check a whole string at C speed first (`str.isascii`,
`str.isprintable` and one precompiled regex), so ordinary names cost well under a microsecond.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rich.text import Text

ESCAPE_STYLE = "reverse"

# Printable (by `str.isprintable`) but still escaped; see the module docstring.
_EXTRA_RANGES: tuple[tuple[int, int], ...] = (
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x115F, 0x1160),  # HANGUL CHOSEONG / JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ / AA
    (0x180B, 0x180D),  # MONGOLIAN FREE VARIATION SELECTORS (0x180E/F are Cf/Mn)
    (0x180F, 0x180F),
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTORS 1-16
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0x1F1E6, 0x1F1FF),  # REGIONAL INDICATOR SYMBOLS (flags are pairs; a lone one varies)
    (0x1F3FB, 0x1F3FF),  # EMOJI MODIFIERS (skin tones)
    (0xE0100, 0xE01EF),  # VARIATION SELECTORS SUPPLEMENT
)


def _zero_width_non_marks() -> Iterable[int]:
    """Code points Rich measures as zero cells that are not Mn (terminals often draw them)."""
    try:
        from rich._unicode_data import load
    except ImportError:  # pragma: no cover - a Rich without per-version tables
        return ()
    table = load("auto").widths  # the table `rich.cells.cell_len` uses
    return (
        code
        for start, end, width in table
        if width == 0
        for code in range(start, end + 1)
        if chr(code).isprintable() and unicodedata.category(chr(code)) != "Mn"
    )


def _extra_code_points() -> frozenset[int]:
    codes = {code for start, end in _EXTRA_RANGES for code in range(start, end + 1)}
    codes.update(_zero_width_non_marks())
    return frozenset(codes)


def _char_class(codes: Iterable[int]) -> str:
    parts: list[str] = []
    ordered = sorted(codes)
    index = 0
    while index < len(ordered):
        start = end = ordered[index]
        while index + 1 < len(ordered) and ordered[index + 1] == end + 1:
            index += 1
            end = ordered[index]
        parts.append(re.escape(chr(start)) + ("" if start == end else "-" + re.escape(chr(end))))
        index += 1
    return "[" + "".join(parts) + "]"


_EXTRA = _extra_code_points()
# Two classes: sre looks a BMP-only class up in a table, but tries a class holding astral code
# points range by range (20x slower on ordinary text), so astral ones are searched for only in
# the rare strings that have an astral character at all.
_BMP_EXTRA_SEARCH = re.compile(_char_class(code for code in _EXTRA if code <= 0xFFFF)).search
_ASTRAL_SEARCH = re.compile("[\U00010000-\U0010ffff]").search
_ASTRAL_EXTRA_SEARCH = re.compile(_char_class(code for code in _EXTRA if code > 0xFFFF)).search
_LINE_BREAKS = re.compile(r"([\n\t])")


def _is_plain(text: str) -> bool:
    """True when nothing in `text` needs an escape (the fast path: C-speed checks only)."""
    if not text.isprintable():
        return False
    if text.isascii():
        return True
    if _BMP_EXTRA_SEARCH(text) is not None:
        return False
    return _ASTRAL_SEARCH(text) is None or _ASTRAL_EXTRA_SEARCH(text) is None


def _escape(char: str) -> str | None:
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return f"\\x{code:02x}"
    if char.isprintable():
        if code not in _EXTRA:
            return None
    elif unicodedata.category(char) == "Zs":  # spaces are not printable, but harmless
        return None
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def needs_escape(text: str) -> bool:
    if _is_plain(text):
        return False
    return any(_escape(char) is not None for char in text)


def _pieces(text: str, keep_newlines: bool) -> list[str]:
    """`text` split so newlines and tabs (kept as is) are pieces of their own."""
    if not keep_newlines:
        return [text]
    return [piece for piece in _LINE_BREAKS.split(text) if piece]


def clean(text: str, *, keep_newlines: bool = False) -> str:
    """A plain string with every unsafe character replaced by its visible escape."""
    if _is_plain(text):
        return text
    out: list[str] = []
    for piece in _pieces(text, keep_newlines):
        if _is_plain(piece) or (keep_newlines and piece in ("\n", "\t")):
            out.append(piece)
            continue
        for char in piece:
            escaped = _escape(char)
            out.append(char if escaped is None else escaped)
    return "".join(out)


def safe(text: str | None, style: str = "", *, keep_newlines: bool = False) -> Text:
    """A Text showing `text` literally, with escapes highlighted so they stand out."""
    if not text or _is_plain(text):
        return Text(text or "", style=style, end="")
    result = Text(style=style, end="")
    run: list[str] = []
    for piece in _pieces(text, keep_newlines):
        if _is_plain(piece) or (keep_newlines and piece in ("\n", "\t")):
            run.append(piece)
            continue
        for char in piece:
            escaped = _escape(char)
            if escaped is None:
                run.append(char)
                continue
            if run:
                result.append("".join(run))
                run = []
            result.append(escaped, style=ESCAPE_STYLE)
    if run:
        result.append("".join(run))
    return result
