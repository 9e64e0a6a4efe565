"""Themes: the built-in files in themes/, user theme files, the one-line errors, the palette's
choice remembered across launches, `--theme`, and the packaging that ships themes/.

Every test that writes a user theme or a remembered choice points IOTJOBS_TUI_HOME at its own
temporary directory, so nothing leaks into the other tests (or the real home).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from rich.color import ColorType
from textual.app import App
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from iotjobs_tui.ui import themes
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import seed_showcase, wait_for

ROOT = Path(__file__).resolve().parents[2]
OURS = {"iotjobs-dark", "iotjobs-light", "iotjobs-high-contrast"}
LIGHT_BACKGROUNDS = (
    "background", "surface", "panel",
    "variables.block-cursor-background", "variables.block-cursor-blurred-background",
)  # fmt: skip


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh IOTJOBS_TUI_HOME: no user themes, nothing remembered."""
    monkeypatch.setenv("IOTJOBS_TUI_HOME", str(tmp_path))
    return tmp_path


def user_theme(home: Path, stem: str, text: str) -> Path:
    folder = home / "config" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.toml"
    path.write_text(text, "utf-8")
    return path


# --- the built-in files ----------------------------------------------------------------------


def test_the_three_builtin_files_load_and_register(home: Path) -> None:
    loaded = themes.load_themes()
    assert loaded.problems == []
    assert set(loaded.themes) == OURS
    assert {theme.source for theme in loaded.themes.values()} == {
        f"themes/{name}.toml" for name in OURS
    }
    assert (loaded.themes["iotjobs-dark"].dark, loaded.themes["iotjobs-light"].dark) == (
        True,
        False,
    )
    app: App[None] = App()
    assert themes.register(app) == []
    assert set(app.available_themes) >= OURS
    assert "textual-dark" in app.available_themes  # Textual's own stay on offer


def test_every_package_file_is_in_themes_folder() -> None:
    """The folder the design card names is the one the loader reads (and pyproject ships)."""
    assert {path.stem for path in (ROOT / "themes").glob("*.toml")} == OURS


def test_dark_theme_is_the_look_of_every_other_snapshot() -> None:
    """iotjobs-dark, the launch default, draws exactly as Textual's default theme, which the
    app keeps when built directly (the tests, the README's screenshots)."""
    ours = themes.load_themes().themes["iotjobs-dark"]
    default = BUILTIN_THEMES["textual-dark"]
    assert ours.to_color_system().generate() == default.to_color_system().generate()
    assert themes.terminal_theme(ours) is None  # Rich's colour names drawn as today


def _contrast(one: Color, two: Color) -> float:
    def luminance(color: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = color.rgb
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_light_theme_keeps_the_status_colours_readable() -> None:
    """The app's Rich styles say "yellow", "red", "bright_black"...: under iotjobs-light each
    is drawn at 4.5:1 or more (WCAG AA) on the screen, dialogs, status bar and cursor rows."""
    data = tomllib.loads((ROOT / "themes" / "iotjobs-light.toml").read_text("utf-8"))
    assert set(data["ansi-colors"]) == set(themes.ANSI_NAMES)
    texts = {**data["ansi-colors"], "foreground": data["foreground"]}
    for place in LIGHT_BACKGROUNDS:
        table = data["variables"] if place.startswith("variables.") else data
        background = Color.parse(table[place.removeprefix("variables.")])
        for name, text in texts.items():
            ratio = _contrast(Color.parse(text), background)
            assert ratio >= 4.5, f"{name} on {place}: {ratio:.2f}"


def test_light_theme_redraws_richs_colour_names(home: Path) -> None:
    app: App[None] = App()
    themes.register(app)
    app.theme = "iotjobs-light"
    themes.apply_ansi_colors(app)
    yellow = app.ansi_theme_light.ansi_colors[3]
    assert (yellow.red, yellow.green, yellow.blue) == (0x7D, 0x54, 0x00)
    app.theme = "textual-light"  # a theme without [ansi-colors]: Textual's palette again
    themes.apply_ansi_colors(app)
    assert app.ansi_theme_light is themes._default_terminal_theme(dark=False)


def test_high_contrast_theme_is_made_of_the_16_terminal_colours() -> None:
    data = tomllib.loads((ROOT / "themes" / "iotjobs-high-contrast.toml").read_text("utf-8"))
    assert data["ansi"] is True
    colours = [data[key] for key in themes._COLOR_KEYS if key in data]
    colours += [v for k, v in data["variables"].items() if not k.endswith("style")]
    assert colours and all(Color.parse(value).ansi is not None for value in colours)


async def test_high_contrast_main_screen_sends_only_16_colours(
    make_app: Any, iot: Any, emulator: Any
) -> None:
    """What reaches the terminal: no 256-colour or 24-bit colour anywhere on the main screen."""
    seed_showcase(iot, emulator)
    app = make_app(demo=True, job_id="fw-2-4-1", detail_interval=3600, list_interval=3600)
    app.theme = "iotjobs-high-contrast"
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 4)
        await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job is not None)
        await pilot.pause(0.1)
        kinds = set()
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                style = segment.style
                for color in (style.color, style.bgcolor) if style else ():
                    if color is not None:
                        kinds.add(color.type)
    assert kinds and kinds <= {ColorType.DEFAULT, ColorType.STANDARD}


# --- user themes and broken files --------------------------------------------------------------


def test_user_theme_is_picked_up_and_overrides_a_builtin(home: Path) -> None:
    user_theme(home, "mine", 'primary = "#FF00FF"\ndark = false\n')
    user_theme(home, "light", 'name = "iotjobs-light"\nprimary = "#123456"\ndark = false\n')
    loaded = themes.load_themes()
    assert loaded.problems == []
    assert loaded.themes["mine"].primary == "#FF00FF"  # named after its file
    assert loaded.themes["iotjobs-light"].primary == "#123456"
    assert loaded.themes["iotjobs-light"].source.endswith("light.toml")
    app: App[None] = App()
    themes.register(app)
    assert app.available_themes["iotjobs-light"].primary == "#123456"
    app.theme = "mine"  # Textual accepts it


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('primary = "#fff\n', "not valid TOML: "),
        ('primary = "#fff"\nprimry = "#000"\n', "unknown key 'primry'"),
        ('primary = "blu"\n', "primary: failed to parse 'blu' as a color"),
        ('secondary = "#fff"\n', "primary: missing"),
        ('primary = "#fff"\ndark = "yes"\n', "dark: expected true or false"),
        ('primary = "#fff"\ntext_alpha = 2\n', "text_alpha: 2 is not between 0 and 1"),
        ('name = "a,b"\nprimary = "#fff"\n', "name: 'a,b' is not a theme name"),
        ('primary = "#fff"\n[variables]\nborder = "#zzz"\n', "variables.border: failed"),
        (
            'primary = "#fff"\n[variables]\nblock-cursor-text-style = "blod"\n',
            "'blod' is not a text style",
        ),
        ('primary = "#fff"\n[ansi-colors]\norange = "#f80"\n', "unknown colour 'orange'"),
        ('primary = "#fff"\n[ansi-colors]\nred = "ansi_red"\n', "use a #rrggbb colour"),
    ],
    ids=[
        "toml", "key", "colour", "primary", "bool", "range", "name", "variable", "style",
        "ansi-name", "ansi-value",
    ],
)  # fmt: skip
def test_broken_file_is_one_line_naming_it(home: Path, text: str, says: str) -> None:
    path = user_theme(home, "broken", text)
    loaded = themes.load_themes()
    assert set(loaded.themes) == OURS  # skipped; the others still load
    [problem] = loaded.problems
    assert problem.line.startswith(f"{path}: ")
    assert says in problem.line
    assert "\n" not in problem.line


def test_ansi_theme_gets_the_variables_textual_needs(home: Path) -> None:
    """Without ansi-background, applying an ANSI theme fails in Textual's stylesheet."""
    user_theme(home, "term", 'primary = "ansi_blue"\nansi = true\n')
    theme = themes.load_themes().themes["term"]
    assert theme.variables["ansi-background"] == "ansi_black"


async def test_app_skips_a_broken_user_theme_with_a_notification(
    home: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = user_theme(home, "broken", "primary = \n")
    app = make_app()
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append((message, kw["title"])))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert said == [(f"{path}: not valid TOML: Invalid value (at line 1, column 11)",
                         "Theme file skipped")]  # fmt: skip
        assert "broken" not in app.available_themes


# --- the palette's choice, remembered ------------------------------------------------------------


def test_remembered_choice_round_trips(home: Path) -> None:
    assert themes.remembered() is None
    themes.remember("iotjobs-light")
    assert (home / "state" / "theme").read_text() == "iotjobs-light\n"
    assert themes.remembered() == "iotjobs-light"
    app: App[None] = App()
    themes.register(app)
    assert themes.launch_theme(app, None) == "iotjobs-light"
    assert themes.launch_theme(app, "nord") == "nord"  # --theme wins
    themes.remember("since-deleted")  # a user theme that is gone: the default again
    assert themes.launch_theme(app, None) == themes.DEFAULT_THEME


def shown(app: Any) -> list[str]:
    """The command palette's hits, as text."""
    from textual.command import CommandList

    lists = app.screen.query(CommandList)
    if not lists:
        return []
    options = lists.first()
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_choice_is_remembered(home: Path, make_app: Any) -> None:
    """Textual's own "Theme" command lists our themes; picking one saves it."""
    app = make_app()
    async with app.run_test() as pilot:
        app.remember_theme = True  # as launch sets it once the starting theme is applied
        app.action_change_theme()
        await pilot.pause()
        await pilot.press(*"iotjobs-light")
        await wait_for(pilot, lambda: shown(app) == ["iotjobs-light"])
        await pilot.press("down", "enter")  # highlight the hit, then pick it
        await wait_for(pilot, lambda: app.theme == "iotjobs-light")
    assert themes.remembered() == "iotjobs-light"


async def test_app_built_directly_keeps_the_default_and_saves_nothing(
    home: Path, make_app: Any
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert app.theme == "textual-dark"
        app.theme = "iotjobs-light"  # not a user's choice until launch says so
        await pilot.pause()
    assert themes.remembered() is None


# --- launch and --theme --------------------------------------------------------------------------


def _launch(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """Run the command line in-process; the app's run() only records the theme it got."""
    from iotjobs_tui import cli
    from iotjobs_tui.ui.app import IotJobsApp

    started: list[str] = []
    monkeypatch.setattr(cli, "_not_a_terminal", lambda: None)
    monkeypatch.setattr(IotJobsApp, "run", lambda self: started.append(self.theme))
    base = ["--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]
    code = cli.main([*base, "--no-prefetch", "--no-cache", *argv])
    return code, started


@pytest.fixture
def collections_back_on() -> Any:
    """cli.main freezes the garbage collector for start-up; a test must leave it running."""
    import gc

    yield
    gc.unfreeze()
    gc.enable()


def test_launch_applies_the_remembered_theme_unless_told(
    home: Path, monkeypatch: pytest.MonkeyPatch, collections_back_on: Any
) -> None:
    assert _launch([], monkeypatch) == (0, ["iotjobs-dark"])  # nothing remembered
    themes.remember("iotjobs-light")
    assert _launch([], monkeypatch) == (0, ["iotjobs-light"])
    assert _launch(["--theme", "iotjobs-high-contrast"], monkeypatch) == (
        0,
        ["iotjobs-high-contrast"],
    )
    assert themes.remembered() == "iotjobs-light"  # --theme is for this launch only


@pytest.mark.parametrize(
    ("theme", "says"),
    [
        ("no-such-theme", "unknown theme 'no-such-theme' (choose from: "),
        ("broken", "theme 'broken': {path}: primary: missing"),
    ],
    ids=["unknown", "broken-user-file"],
)
def test_bad_theme_option_is_one_line_and_exit_2(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    collections_back_on: Any,
    theme: str,
    says: str,
) -> None:
    path = user_theme(home, "broken", 'accent = "#fff"\n')
    assert _launch(["--theme", theme], monkeypatch) == (2, [])
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("iotjobs-tui: error: ")
    assert says.format(path=path) in err


# --- packaging -----------------------------------------------------------------------------------


def test_pyproject_ships_every_package_and_the_themes() -> None:
    """The package list is explicit (themes/ is mapped in): a new package must be added."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "iotjobs_tui").rglob("__init__.py")
    }
    assert packages | {"iotjobs_tui.themes"} == set(setuptools["packages"])
    assert setuptools["package-dir"] == {"iotjobs_tui.themes": "themes"}
    assert setuptools["package-data"]["iotjobs_tui.themes"] == ["*.toml"]
