"""The built-in colour themes, one TOML file each (see iotjobs_tui/ui/themes.py).

This folder installs as the package `iotjobs_tui.themes` (pyproject maps it), so a wheel, pipx
and uv tool installs, and an editable install all find the files with importlib.resources.
"""
