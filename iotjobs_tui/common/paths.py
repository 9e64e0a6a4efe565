"""Where the app keeps its files, in the platform's user directories (platformdirs).

One place, so the config file, user themes, the audit log, exports and logs are found the
same way by the TUI, `watch` and the tests (which point `IOTJOBS_TUI_HOME` at a temporary
directory so nothing touches the real home).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "iotjobs-tui"
# Tests and sandboxes: every directory below goes under this one instead.
HOME_VARIABLE = "IOTJOBS_TUI_HOME"


def _override(kind: str) -> Path | None:
    home = os.environ.get(HOME_VARIABLE)
    return Path(home) / kind if home else None


def config_dir() -> Path:
    """Config file (config.toml) and user themes (themes/*.toml)."""
    import platformdirs

    return _override("config") or platformdirs.user_config_path(APP)


def state_dir() -> Path:
    """The audit log, exports and remembered choices (the last theme)."""
    import platformdirs

    return _override("state") or platformdirs.user_state_path(APP)


def log_dir() -> Path:
    import platformdirs

    return _override("log") or platformdirs.user_log_path(APP)


def cache_dir() -> Path:
    import platformdirs

    return _override("cache") or platformdirs.user_cache_path(APP)
