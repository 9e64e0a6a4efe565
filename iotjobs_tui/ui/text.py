"""Safe rendering of untrusted text (descriptions, comments, reasons, documents).

Everything that came from AWS is shown literally: it goes into `rich.text.Text` (never markup),
and control, escape and bidi characters are replaced by visible escapes, so nothing in a job
description can move the cursor, recolour the terminal or reorder the line.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

ESCAPE_STYLE = "reverse"

# Bidi overrides/isolates and zero-width characters can make text read differently from
# what it is; they are shown as escapes too.
_INVISIBLE = frozenset(
    {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF}
    | set(range(0x202A, 0x202F))
    | set(range(0x2066, 0x206A))
)


def _escape(char: str) -> str | None:
    code = ord(char)
    if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
        return f"\\x{code:02x}"
    if code in _INVISIBLE:
        return f"\\u{code:04x}"
    if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and code > 0xA0:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return None


def needs_escape(text: str) -> bool:
    return any(_escape(char) is not None for char in text)


def clean(text: str, *, keep_newlines: bool = False) -> str:
    """A plain string with every unsafe character replaced by its visible escape."""
    out = []
    for char in text:
        if keep_newlines and char in "\n\t":
            out.append(char)
            continue
        escaped = _escape(char)
        out.append(char if escaped is None else escaped)
    return "".join(out)


def safe(text: str | None, style: str = "", *, keep_newlines: bool = False) -> Text:
    """A Text showing `text` literally, with escapes highlighted so they stand out."""
    result = Text(style=style, end="")
    if not text:
        return result
    run: list[str] = []
    for char in text:
        if keep_newlines and char in "\n\t":
            run.append(char)
            continue
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
