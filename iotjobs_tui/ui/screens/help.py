"""`?`: every key binding, generated from the bindings themselves so it cannot drift."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

EXTRA = [
    ("↑ ↓ j k", "Move in the list, scroll the detail"),
    ("Tab / Shift+Tab", "Move between panes"),
    ("click a header", "Sort by that column (again: reverse)"),
]


def _keys(binding: Binding) -> str:
    names = {
        "slash": "/",
        "question_mark": "?",
        "plus": "+",
        "minus": "-",
        "equals_sign": "=",
        "escape": "Esc",
        "enter": "Enter",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "home": "Home",
        "end": "End",
        "up": "↑",
        "down": "↓",
        "left": "←",
        "right": "→",
    }
    return " ".join(names.get(key, key) for key in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, groups: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for title, bindings in self.groups:
            table.add_row(Text(title, style="underline"), "")
            seen: set[str] = set()
            for item in bindings:
                if not isinstance(item, Binding) or item.action in seen:
                    continue
                seen.add(item.action)
                table.add_row(_keys(item), item.description or item.action)
        table.add_row(Text("Navigation", style="underline"), "")
        for keys, description in EXTRA:
            table.add_row(keys, description)
        with VerticalScroll(id="help-box"):
            yield Static(table)

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.border_subtitle = "Esc to close"

    def action_close(self) -> None:
        self.dismiss(None)
