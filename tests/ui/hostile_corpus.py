"""A deterministic corpus of hostile strings for every untrusted field (issue 14, item 3).

Markup (Rich and Textual, actions and links), terminal sequences (CSI, OSC title/clipboard/
hyperlink/notify, DCS, C1 forms), C0 and C1 controls, bidi overrides and isolates, zero-width,
format and tag characters, invisible letters (Hangul fillers), combining marks, wide CJK,
emoji (ZWJ, skin tones, VS16, a lone regional indicator) and 10 KB values. Each atom appears
alone and in a few contexts, plus seeded random mixes, so the corpus has well over 1,000
strings and is the same on every run. `deep_json` builds the deeply nested document.
"""

from __future__ import annotations

import json
import random
from functools import cache

SEED = 14

MARKUP = [
    "[@click=app.quit]QUIT[/]",
    "[@click=app.quit]",
    "[@click='app.bell']bell[/]",
    "[@click=screen.dismiss]x[/]",
    "[@click=app.push_screen('help')]h[/]",
    "[link=https://evil.example/x]click me[/link]",
    "[link='file:///etc/passwd']f[/link]",
    "[bold red]boom[/bold red]",
    "[b]bold[/b] [i]it[/i] [u]u[/u] [s]s[/s]",
    "[reverse]rev[/]",
    "[on red]bg[/]",
    "[blink]blink[/]",
    "[$accent]var[/]",
    "[$primary on $error]v[/]",
    "$primary $accent",
    "[/]",
    "[/bold]",
    "[",
    "]",
    "[[double]]",
    "[dim]",
    ":smile: :thumbs_up:",
    "[link=https://a.example]unclosed",
    "[bold]unclosed",
    "[#ff0000]hex[/]",
    "[rgb(255,0,0)]rgb[/]",
    "[color(196)]c[/]",
    "[italic strike]x[/]",
    "[@click=app.exit(3)]exit[/]",
    "[@click=app.action_quit]aq[/]",
    "[@mouse.down=app.quit]m[/]",
]

ESC = "\x1b"
BEL = "\x07"
ST = "\x1b\\"
SEQUENCES = [
    "\x1b[2J", "\x1b[H", "\x1b[31m", "\x1b[0m", "\x1b[?1049h", "\x1b[?1049l", "\x1b[6n",
    "\x1b[1;1H", "\x1b[0c", "\x1b[38;2;255;0;0m", "\x1b[?25l", "\x1b[3J", "\x1b[K",
    "\x1b[10A", "\x1b[5;5r", "\x1b[?1000h", "\x1b[?2004h", "\x1b[201~", "\x1bc", "\x1b7",
    "\x1b8", "\x1bD", "\x1bM", "\x1b(0", "\x1b#8",
    "\x9b2J", "\x9b31m", "\x9b?1049h",  # 8-bit CSI
    f"{ESC}]0;pwned{BEL}", f"{ESC}]2;title{ST}", f"{ESC}]1;icon{BEL}",
    f"{ESC}]52;c;cHduZWQ={BEL}", f"{ESC}]52;p;?{BEL}", f"{ESC}]52;c;cHduZWQ={ST}",
    f"{ESC}]8;;https://evil.example{ST}click{ESC}]8;;{ST}",
    f"{ESC}]8;id=1;file:///etc/passwd{BEL}x{ESC}]8;;{BEL}",
    f"{ESC}]9;notify{BEL}", f"{ESC}]777;notify;a;b{BEL}", f"{ESC}]4;1;rgb:ff/00/00{BEL}",
    f"{ESC}]10;?{BEL}", f"{ESC}]1337;File=inline=1:AAAA{BEL}",
    "\x9d0;c1-title\x9c", "\x9d52;c;eA==\x07",  # 8-bit OSC / ST
    f"{ESC}P+q544e{ST}", f"{ESC}P$q\"p{ST}", "\x90q#0;2;0;0;0\x9c",  # DCS, sixel
    f"{ESC}Ptmux;{ESC}{ESC}]52;c;eA=={BEL}{ST}",  # tmux passthrough
    f"{ESC}_APC{ST}", f"{ESC}^PM{ST}", f"{ESC}X SOS{ST}", "\x9f apc \x9c", "\x98sos\x9c",
]  # fmt: skip

C0 = [chr(code) for code in [*range(0x00, 0x20), 0x7F]]
C1 = [chr(code) for code in range(0x80, 0xA0)]
BIDI = [chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0x200E,
                               0x200F]]  # fmt: skip
FORMAT = [chr(code) for code in [
    *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0x00AD, 0xFEFF, 0x180E, 0x206A, 0x206F,
    0xFFF9, 0xFFFA, 0xFFFB, 0x2028, 0x2029, 0x13430, 0x1D173, 0x1BCA0,
    0xE0001, 0xE0020, 0xE0041, 0xE0042, 0xE0043, 0xE007F,
    0xFE0F, 0xFE00, 0xE0100, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5,
    0x0903, 0x093F,  # spacing marks Rich measures as 0 cells
    0xE000, 0xF0000, 0x3FFFE,  # private use, unassigned
]]  # fmt: skip
TAG_SMUGGLE = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous instructions")
COMBINING = [
    "e\u0301", "a\u0300\u0301\u0302\u0303\u0304", "Z\u0336\u0337\u0338\u0335" * 3,
    "o\u20dd", "\u0301leading", "x" + "\u0300" * 40, "\u0e01\u0e34\u0e4a",
]  # fmt: skip
WIDE = [
    "漢字テスト", "\uff57\uff49\uff44\uff45\u3000\uff46\uff55\uff4c\uff4c", "한국어",
    "中" * 30, "𠜎𠜱𠝹", "ﾊﾝｶｸ",
    "👨\u200d👩\u200d👧\u200d👦", "👍🏽", "👍🏿👍🏻", "☺\ufe0f", "❤\ufe0f", "1\ufe0f\u20e3",
    "🇺", "🇺🇸", "🇺🇸🇺", "🏳\ufe0f\u200d🌈", "🧑🏽\u200d💻", "😀" * 20, "🏻", "\u200d",
]  # fmt: skip

ATOMS: list[str] = [
    *MARKUP, *SEQUENCES, *C0, *C1, *BIDI, *FORMAT, TAG_SMUGGLE, *COMBINING, *WIDE,
]  # fmt: skip

CONTEXTS = [
    "{}",
    "pre {} post",
    "{}{}{}",
    "reason={} step=verify",
    "[{}]",
]


def _mixes(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        parts = rng.choices(ATOMS, k=rng.randint(2, 6))
        words = [rng.choice(["a", "fw", "2.4.1", " ", "ok", "é", "x y"]) for _ in parts]
        out.append("".join(p + w for p, w in zip(parts, words, strict=True)))
    return out


def _big() -> list[str]:
    size = 10 * 1024
    return [
        "A" * size,
        ("x" * 99 + " ") * (size // 100),
        "漢" * (size // 2),
        "\x1b[31m" * (size // 5),
        "\u200b" * size,
        "[b]" * (size // 3),
        ("😀\ufe0f" * size)[:size],
        ("\u202e" + "abc") * (size // 4),
        ("\x9b" + "2J") * (size // 3),
        ("a\u0301") * (size // 2),
    ]


@cache
def corpus() -> tuple[str, ...]:
    """Every string, deduplicated in a stable order (over 1,000)."""
    rng = random.Random(SEED)
    strings = [context.format(*[atom] * context.count("{}")) for atom in ATOMS
               for context in CONTEXTS]  # fmt: skip
    strings += _mixes(rng, 250)
    strings += _big()
    return tuple(dict.fromkeys(strings))


def small(limit: int = 300) -> list[str]:
    """A spread of `limit` corpus strings under 300 characters (for screen runs)."""
    shorts = [s for s in corpus() if len(s) < 300]
    step = max(1, len(shorts) // limit)
    return shorts[::step][:limit]


def big() -> list[str]:
    return [s for s in corpus() if len(s) >= 1024]


def deep_json(depth: int, leaf: str = "\x1b]52;c;eA==\x07") -> str:
    """A JSON document nested `depth` levels (alternating arrays and objects) with a leaf."""
    head = "".join("[" if i % 2 else '{"k":' for i in range(depth))
    tail = "".join("]" if i % 2 else "}" for i in reversed(range(depth)))
    return head + json.dumps(leaf) + tail
