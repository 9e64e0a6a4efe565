"""Copy over SSH: OSC 52 written to the terminal, which puts the text in the local clipboard.

Modes (ViewOptions.clipboard, `--clipboard`, the config's `clipboard`):
- `auto`, `osc52`: plain OSC 52, as Textual's `App.copy_to_clipboard` writes it. Inside tmux
  with `set-clipboard on`, tmux takes it into its paste buffer and passes it on to the outer
  terminal (tmux's default, `external`, ignores it from applications);
- `tmux`: the same sequence wrapped in tmux's DCS passthrough (`ESC P tmux; … ESC \\`, every
  ESC inside doubled), straight to the outer terminal; tmux needs `allow-passthrough on`;
- `off`: nothing is sent; a toast says so.

Terminals cap what they accept: hterm (ChromeOS, the Secure Shell app) and the usual OSC 52
helpers refuse more than 74,994 base64 bytes, and some terminals silently drop a longer
sequence, so anything larger is refused here with a toast that gives the size.

The encoding is pure (no Textual import) so it is tested byte for byte.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from iotjobs_tui.ui.text import clean

if TYPE_CHECKING:
    from textual.app import App

MODES = ("auto", "osc52", "tmux", "off")
# The base64 payload cap: hterm's limit, the smallest of the common terminals that have one.
MAX_BASE64 = 74_994
# The largest text (UTF-8 bytes) whose base64 fits: 4 base64 bytes for every 3.
MAX_TEXT_BYTES = MAX_BASE64 // 4 * 3
_PREVIEW = 60  # characters of the copied text a toast shows


def base64_size(size: int) -> int:
    return 4 * ((size + 2) // 3)


def osc52(text: str) -> str:
    """OSC 52 for the clipboard selection, terminated by BEL (as Textual writes it)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def tmux_passthrough(sequence: str) -> str:
    """tmux's DCS passthrough: tmux unwraps it and hands the inner sequence to the terminal."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def encode(text: str, mode: str) -> str | None:
    """What to write to the terminal for `mode`; None for `off` or text over the cap."""
    if mode == "off" or base64_size(len(text.encode("utf-8"))) > MAX_BASE64:
        return None
    sequence = osc52(text)
    return tmux_passthrough(sequence) if mode == "tmux" else sequence


def write_raw(app: App[Any], sequence: str) -> None:
    """Write an escape sequence straight to the terminal (the alerts' bell and OSC too)."""
    driver = app._driver  # Textual has no public way to write raw bytes to the terminal
    if driver is not None:
        driver.write(sequence)


def _preview(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    more = len(first) > _PREVIEW or "\n" in text.strip()
    return clean(first[:_PREVIEW]) + ("…" if more else "")


def copy_text(app: App[Any], text: str, what: str, mode: str) -> bool:
    """Send `text` to the clipboard as `mode` says, and say what happened in a toast.

    `what` names the content ("job ARN"); it is ours, never untrusted. The preview in the
    toast is the untrusted text, escaped and shown without markup."""
    size = len(text.encode("utf-8"))
    if mode == "off":
        app.notify(
            f"Copying is off (clipboard = off): the {what} was not copied.",
            title="Copy",
            markup=False,
        )
        return False
    sequence = encode(text, mode)
    if sequence is None:
        app.notify(
            f"Not copied: the {what} is {size:,} bytes; terminals take at most "
            f"{MAX_TEXT_BYTES:,} bytes over OSC 52.",
            title="Copy",
            severity="warning",
            markup=False,
        )
        return False
    if mode == "tmux":
        write_raw(app, sequence)
    else:
        app.copy_to_clipboard(text)  # the same OSC 52, and the app's own clipboard for paste
    app.notify(
        f"Copied {what} ({size:,} bytes)\n{_preview(text)}",
        title="Copy",
        markup=False,
    )
    return True
