"""Java regular expressions (as AWS validates `pattern` constraints) compiled for Python's `re`.

AWS checks a member against its pattern with Java's `Matcher.matches()`, i.e. a full match. Java
understands `\\p{...}` classes that `re` does not: POSIX classes (`\\p{Upper}`, `\\p{Graph}`),
which are US-ASCII only in Java, and Unicode general categories (`\\p{C}`, `\\p{L}`), which
we expand into explicit code-point ranges from `unicodedata` the first time a pattern needs them.
Java's `\\w`, `\\d` and `\\s` are ASCII-only too, hence `re.ASCII`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

# Java's POSIX character classes (ASCII only unless UNICODE_CHARACTER_CLASS is set).
_POSIX: dict[str, str] = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}

_CATEGORY_ALIASES: dict[str, str] = {
    "IsL": "L",
    "IsLetter": "L",
    "IsDigit": "Nd",
    "IsAlphabetic": "L",
}


@cache
def _category_runs() -> tuple[tuple[int, str], ...]:
    """(first code point, two-letter category) for each run of equal categories.

    One scan of all code points (a fraction of a second), done the first time a pattern needs a
    Unicode category, then shared by every category.
    """
    runs: list[tuple[int, str]] = []
    previous = ""
    category = unicodedata.category
    for cp in range(sys.maxunicode + 1):
        cat = category(chr(cp))
        if cat != previous:
            runs.append((cp, cat))
            previous = cat
    return tuple(runs)


@cache
def _category_ranges(name: str) -> str:
    """A character-class body (no brackets) for Unicode general category `name`.

    A one-letter category (`C`) covers all its subcategories (`Cc`, `Cf`, `Cn`, `Co`, `Cs`).
    """
    runs = _category_runs()
    ranges: list[tuple[int, int]] = []
    for index, (start, cat) in enumerate(runs):
        if not cat.startswith(name):
            continue
        end = runs[index + 1][0] - 1 if index + 1 < len(runs) else sys.maxunicode
        if ranges and ranges[-1][1] == start - 1:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    if not ranges:
        raise ValueError(f"unknown Unicode category {name!r}")
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


def _class_body(name: str) -> str:
    if name in _POSIX:
        return _POSIX[name]
    name = _CATEGORY_ALIASES.get(name, name)
    if name.startswith("Is") and len(name) <= 4:
        name = name[2:]
    if 1 <= len(name) <= 2 and name[0].isupper():
        return _category_ranges(name)
    raise ValueError(f"unsupported Java character class \\p{{{name}}}")


def translate(pattern: str) -> str:
    """Rewrite the Java-only constructs of `pattern` into Python `re` syntax."""
    out: list[str] = []
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "pP":
                if i + 2 < n and pattern[i + 2] == "{":
                    end = pattern.index("}", i + 3)
                    name = pattern[i + 3 : end]
                    i = end + 1
                else:
                    name = pattern[i + 2]
                    i += 3
                body = _class_body(name)
                if nxt == "P":
                    if in_class:
                        raise ValueError(f"\\P inside a character class is unsupported: {pattern}")
                    out.append(f"[^{body}]")
                else:
                    out.append(body if in_class else f"[{body}]")
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


@cache
def compile_java(pattern: str) -> re.Pattern[str]:
    """Compile a Java pattern for use with `fullmatch` (Java `matches()` semantics)."""
    return re.compile(translate(pattern), re.ASCII)
