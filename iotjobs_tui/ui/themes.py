"""Colour themes from TOML files: the built-in ones in `themes/`, and the user's own.

A theme file holds the fields of `textual.theme.Theme` (name, primary, secondary, accent,
foreground, background, surface, panel, boost, warning, error, success, dark, ansi,
luminosity_spread, text_alpha and a `[variables]` table), plus an optional `[ansi-colors]`
table: how the 16 colour names the app's Rich text uses for statuses ("yellow" for CANCELED,
"red" for FAILED, ...) are drawn under this theme. Without it Textual draws them with one
palette for every dark theme and one for every light theme, where yellow on white is hard to
read.

Built-in themes ship as the package `iotjobs_tui.themes` (the top-level `themes/` folder, see
pyproject), read with importlib.resources; user themes are `<config dir>/themes/*.toml` and
win over a built-in theme of the same name. A bad file is one `ThemeProblem` line naming the
file and what is wrong: the app skips it with a notification, `--theme NAME` naming it exits 2.

The palette's choice is remembered in `<state dir>/theme` and applied at the next launch.
Only stdlib (tomllib) and what Textual has already imported: this runs before the first paint.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from rich.terminal_theme import TerminalTheme
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from iotjobs_tui.common import paths

DEFAULT_THEME = "iotjobs-dark"  # for a launch with nothing remembered and no --theme
BUILTIN_PACKAGE = "iotjobs_tui.themes"
REMEMBERED_FILE = "theme"
# A name the palette lists and `--theme` takes as one word. No commas: Textual's get_theme
# reads "a,b" as "a, else b".
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_COLOR_KEYS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel", "boost",
    "warning", "error", "success",
)  # fmt: skip
_FLOAT_KEYS = ("luminosity_spread", "text_alpha")
_BOOL_KEYS = ("dark", "ansi")
_KEYS = ("name", *_COLOR_KEYS, *_FLOAT_KEYS, *_BOOL_KEYS, "variables", "ansi-colors")
# Rich's colour numbers 0-15, the order of TerminalTheme.ansi_colors.
ANSI_NAMES = (
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright_black", "bright_red", "bright_green", "bright_yellow",
    "bright_blue", "bright_magenta", "bright_cyan", "bright_white",
)  # fmt: skip


class ThemeError(Exception):
    """One line for the command line (exit 2)."""


@dataclass(frozen=True)
class ThemeProblem:
    """A theme file that was skipped: `line` names the file and the problem."""

    path: str
    problem: str
    stem: str  # the file's name without .toml: `--theme STEM` reports this problem

    @property
    def line(self) -> str:
        return f"{self.path}: {self.problem}"


class _Invalid(Exception):
    pass


@dataclass
class FileTheme(Theme):
    """A Theme read from a file; `ansi_colors` draws Rich's 16 colour names (None: Textual's)."""

    source: str = ""
    ansi_colors: dict[int, tuple[int, int, int]] = field(default_factory=dict)


@dataclass
class Loaded:
    themes: dict[str, FileTheme] = field(default_factory=dict)
    problems: list[ThemeProblem] = field(default_factory=list)


# --- reading files ---------------------------------------------------------------------------


def _color(key: str, value: Any, *, allow_ansi: bool = True) -> Color:
    if not isinstance(value, str):
        raise _Invalid(f"{key}: expected a colour in quotes, got {value!r}")
    try:
        color = Color.parse(value.strip())
    except ColorParseError as exc:
        raise _Invalid(f"{key}: {exc}") from None
    if color.ansi is not None and not allow_ansi:
        raise _Invalid(f"{key}: {value!r}: use a #rrggbb colour here, not an ANSI name")
    return color


def _variable(key: str, value: Any) -> str:
    """Check a `[variables]` value the way Textual will use it: a text style for `*-style`
    names, else a colour with an optional alpha ("#81a1c1 35%"). Checked here because a bad
    value would otherwise fail in Textual's stylesheet parser when the theme is applied."""
    where = f"variables.{key}"
    if not isinstance(value, str):
        raise _Invalid(f"{where}: expected a string in quotes, got {value!r}")
    words = value.split()
    if key.endswith("style"):
        unknown = [word for word in words if word not in VALID_STYLE_FLAGS]
        if unknown or not words:
            flags = ", ".join(sorted(VALID_STYLE_FLAGS))
            raise _Invalid(f"{where}: {value!r} is not a text style (use: {flags})")
        return value
    if len(words) == 2 and re.fullmatch(r"\d{1,3}(\.\d+)?%", words[1]):
        words = words[:1]
    if len(words) != 1:
        raise _Invalid(f"{where}: {value!r} is not a colour (or 'colour NN%')")
    if words[0] != "auto":
        _color(where, words[0])
    return value


def _ansi_colors(table: Any) -> dict[int, tuple[int, int, int]]:
    if not isinstance(table, dict):
        raise _Invalid("ansi-colors: expected a table ([ansi-colors])")
    colors: dict[int, tuple[int, int, int]] = {}
    for key, value in table.items():
        if key not in ANSI_NAMES:
            raise _Invalid(f"ansi-colors: unknown colour {key!r} (use: {', '.join(ANSI_NAMES)})")
        color = _color(f"ansi-colors.{key}", value, allow_ansi=False)
        colors[ANSI_NAMES.index(key)] = color.rgb
    return colors


def _unknown_key(key: str) -> _Invalid:
    from difflib import get_close_matches

    close = get_close_matches(key, _KEYS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return _Invalid(f"unknown key {key!r}{hint}")


def parse_theme(text: str, stem: str, source: str) -> FileTheme:
    """A theme from a file's text; raises `_Invalid` with the problem (not the file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Invalid(f"not valid TOML: {exc}") from None
    for key in data:
        if key not in _KEYS:
            raise _unknown_key(key)
    name = data.get("name", stem)
    if not isinstance(name, str) or not _NAME.match(name):
        raise _Invalid(f"name: {name!r} is not a theme name (letters, digits, '-', '_', '.')")
    if "primary" not in data:
        raise _Invalid("primary: missing (the one colour every theme needs)")
    kwargs: dict[str, Any] = {}
    for key in _COLOR_KEYS:
        if key in data:
            _color(key, data[key])
            kwargs[key] = data[key].strip()
    for key in _BOOL_KEYS:
        if key in data:
            if not isinstance(data[key], bool):
                raise _Invalid(f"{key}: expected true or false, got {data[key]!r}")
            kwargs[key] = data[key]
    for key in _FLOAT_KEYS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _Invalid(f"{key}: expected a number, got {value!r}")
            if not 0 <= value <= 1:
                raise _Invalid(f"{key}: {value!r} is not between 0 and 1")
            kwargs[key] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise _Invalid("variables: expected a table ([variables])")
    kwargs["variables"] = {str(key): _variable(key, value) for key, value in variables.items()}
    ansi_colors = _ansi_colors(data.get("ansi-colors", {}))
    theme = FileTheme(name=name, source=source, ansi_colors=ansi_colors, **kwargs)
    try:
        defined = theme.to_color_system().generate()  # what Textual does when applying it
    except Exception as exc:  # whatever it is, the file is at fault
        raise _Invalid(f"Textual cannot use this theme: {exc}") from None
    _fill_missing_variables(theme, defined)
    return theme


def _fill_missing_variables(theme: Theme, defined: dict[str, str]) -> None:
    """Give `theme` every variable Textual's own theme of its kind defines. An ANSI theme
    (`ansi = true`) must set `ansi-background` and `ansi-foreground`, which its colour system
    does not derive: Textual's stylesheet refers to them, and without them applying the theme
    fails in the stylesheet parser, taking the app down."""
    from textual.theme import BUILTIN_THEMES

    kind = ("ansi-dark" if theme.dark else "ansi-light") if theme.ansi else "textual-dark"
    reference = BUILTIN_THEMES[kind]
    for key, value in {**reference.to_color_system().generate(), **reference.variables}.items():
        if key not in defined and key not in theme.variables:
            theme.variables[key] = value


def _builtin_files() -> Iterator[tuple[str, str, str]]:
    """(stem, label, text) of each built-in theme file."""
    try:
        folder: Any = resources.files(BUILTIN_PACKAGE)
    except ModuleNotFoundError:
        # An editable install made before the themes package was mapped in pyproject: read the
        # checkout's folder (a wheel always has the package).
        folder = Path(__file__).resolve().parents[2] / "themes"
        if not folder.is_dir():
            return
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            yield entry.name[: -len(".toml")], f"themes/{entry.name}", entry.read_text("utf-8")


def user_theme_dir() -> Path:
    return paths.config_dir() / "themes"


def _user_files(folder: Path) -> Iterator[tuple[str, str, str | OSError]]:
    try:
        entries = sorted(folder.glob("*.toml"))
    except OSError:
        return
    for path in entries:
        try:
            text: str | OSError = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            text = OSError(f"cannot read it ({exc})")
        yield path.stem, str(path), text


def load_themes(user_dir: Path | None = None) -> Loaded:
    """Built-in themes, then the user's (which win on a shared name)."""
    loaded = Loaded()
    files: list[tuple[str, str, str | OSError]] = list(_builtin_files())
    files += _user_files(user_theme_dir() if user_dir is None else user_dir)
    for stem, label, text in files:
        try:
            if isinstance(text, OSError):
                raise _Invalid(str(text))
            theme = parse_theme(text, stem, label)
        except _Invalid as exc:
            loaded.problems.append(ThemeProblem(label, str(exc), stem))
            continue
        loaded.themes[theme.name] = theme
    return loaded


# --- the app's side --------------------------------------------------------------------------


class _ThemedApp(Protocol):
    """What launch_theme uses of the App (launch's tests stand in a stub for it)."""

    @property
    def available_themes(self) -> dict[str, Theme]: ...


def register(app: Any, loaded: Loaded | None = None) -> list[ThemeProblem]:
    """Register every theme file on `app`; the problems of the files that were skipped."""
    loaded = load_themes() if loaded is None else loaded
    for theme in loaded.themes.values():
        app.register_theme(theme)
    return loaded.problems


def remembered() -> str | None:
    """The theme picked in the palette last time, if any."""
    try:
        name = (paths.state_dir() / REMEMBERED_FILE).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if _NAME.match(name) else None


def remember(name: str) -> None:
    """Raises OSError when the state directory is not writable."""
    folder = paths.state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{REMEMBERED_FILE}.tmp"
    temporary.write_text(name + "\n", "utf-8")
    temporary.replace(folder / REMEMBERED_FILE)  # never a half-written name


def launch_theme(
    app: _ThemedApp, requested: str | None, problems: Iterable[ThemeProblem] = ()
) -> str | None:
    """The theme a launch starts with: `requested` (--theme), else the remembered one, else
    DEFAULT_THEME; None when none of them is registered (the app keeps its default).

    Raises ThemeError for a `requested` name that is not a theme, naming the file when it is
    a theme file that was skipped."""
    available = app.available_themes
    if requested:
        if requested in available:
            return requested
        for problem in problems:
            if problem.stem == requested:
                raise ThemeError(f"theme {requested!r}: {problem.line}")
        names = ", ".join(sorted(available))
        raise ThemeError(f"unknown theme {requested!r} (choose from: {names})")
    for name in (remembered(), DEFAULT_THEME):
        if name and name in available:
            return name
    return None


def terminal_theme(theme: Theme) -> TerminalTheme | None:
    """The palette Textual should draw Rich's colour names with under `theme`; None: its own."""
    if not isinstance(theme, FileTheme) or not theme.ansi_colors or theme.ansi:
        return None
    base = _default_terminal_theme(theme.dark)
    colors = [theme.ansi_colors.get(i) or _triplet(base.ansi_colors[i]) for i in range(16)]
    background = _rgb(theme.background) or _triplet(base.background_color)
    foreground = _rgb(theme.foreground) or _triplet(base.foreground_color)
    return TerminalTheme(background, foreground, colors[:8], colors[8:])


def _triplet(color: Any) -> tuple[int, int, int]:
    return (color.red, color.green, color.blue)


def _rgb(value: str | None) -> tuple[int, int, int] | None:
    if value is None:
        return None
    color = Color.parse(value)
    return None if color.ansi is not None else color.rgb


def _default_terminal_theme(dark: bool) -> TerminalTheme:
    # Textual's own defaults for App.ansi_theme_dark / ansi_theme_light (Textual is pinned).
    from textual._ansi_theme import ALABASTER, MONOKAI

    return MONOKAI if dark else ALABASTER


def apply_ansi_colors(app: Any) -> None:
    """After a theme change: draw Rich's colour names with the theme's palette (or put
    Textual's back when the theme has none)."""
    theme = app.current_theme
    palette = terminal_theme(theme) or _default_terminal_theme(theme.dark)
    if theme.dark:
        app.ansi_theme_dark = palette
    else:
        app.ansi_theme_light = palette
