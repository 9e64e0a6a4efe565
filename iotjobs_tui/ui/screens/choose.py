"""A small chooser: numbered choices (1-9, or ↑/↓ and Enter), Esc closes.

Used by copy (`c`) and export (`x`). A choice that cannot be made yet is shown dimmed with
the reason, and its number says the reason in a toast rather than doing nothing. An optional
toggle (`c`) rides along with the choice ("and copy it").
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from iotjobs_tui.ui.text import safe

_DETAIL = 66  # characters of a detail line (the box is 72 wide)


@dataclass(frozen=True)
class Choice:
    key: str
    title: str
    detail: str = ""  # may be untrusted (a preview of what is copied): shown escaped
    note: str = ""  # ours: what it is, or why it cannot be chosen
    enabled: bool = True


@dataclass(frozen=True)
class Chosen:
    key: str
    toggled: bool = False


def _clip(text: str) -> str:
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    more = len(lines) > 1 or len(first) > _DETAIL
    return first[: _DETAIL - 1] + "…" if more else first


class ChoiceScreen(ModalScreen[Chosen | None]):
    DEFAULT_CSS = """
    ChoiceScreen {
        align: center middle;
    }
    #choose-box {
        width: 74;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    #choose-box OptionList {
        height: auto;
        max-height: 20;
        border: none;
        padding: 0;
        background: $surface;
    }
    #choose-toggle {
        height: auto;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="close"),
        *(Binding(str(n), f"pick({n - 1})", f"Choice {n}", show=False) for n in range(1, 10)),
        Binding("c", "toggle_extra", "Also copy it", show=False, id="toggle_extra"),
    ]

    def __init__(self, title: str, choices: list[Choice], toggle: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.toggle_label = toggle
        self.toggled = False

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box"):
            yield OptionList(
                *(
                    Option(self._prompt(n, choice), id=choice.key, disabled=not choice.enabled)
                    for n, choice in enumerate(self.choices, 1)
                ),
                id="choose-list",
            )
            if self.toggle_label is not None:
                yield Static(self._toggle_text(), id="choose-toggle")

    def _prompt(self, number: int, choice: Choice) -> Text:
        text = Text(f"{number}  ", style="bold", end="")
        text.append(choice.title, style="bold" if choice.enabled else "")
        if choice.detail:
            text.append("\n   ")
            text.append_text(safe(_clip(choice.detail), "dim"))
        for line in textwrap.wrap(choice.note, _DETAIL):
            text.append(f"\n   {line}", style="italic dim")
        return text

    def _toggle_text(self) -> Text:
        mark = "[x]" if self.toggled else "[ ]"
        return Text(f"c  {mark} {self.toggle_label}", end="")

    def on_mount(self) -> None:
        box = self.query_one("#choose-box")
        box.border_title = safe(self.title_text)  # untrusted names: never markup
        box.border_subtitle = "1-9 or ↑↓ Enter · Esc closes"
        options = self.query_one(OptionList)
        first = next((i for i, choice in enumerate(self.choices) if choice.enabled), None)
        options.highlighted = first
        options.focus()

    def action_pick(self, index: int) -> None:
        if not 0 <= index < len(self.choices):
            return
        choice = self.choices[index]
        if not choice.enabled:
            self.notify(f"{choice.title}: {choice.note or 'not available'}.", markup=False)
            return
        self.dismiss(Chosen(choice.key, self.toggled))

    def action_toggle_extra(self) -> None:
        if self.toggle_label is None:
            return
        self.toggled = not self.toggled
        self.query_one("#choose-toggle", Static).update(self._toggle_text())

    @on(OptionList.OptionSelected)
    def _on_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index)

    def action_close(self) -> None:
        self.dismiss(None)
