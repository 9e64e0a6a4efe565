"""The log file: API errors, retries, throttles, writes and refresh-loop state changes.

The handler is on the `iotjobs_tui` logger tree, never the root logger: botocore's own debug
logging includes request headers (signatures, session tokens), so it never reaches the file.
What this app logs is ids, operations, error codes and timings, never credentials.
"""

from __future__ import annotations

import logging
import logging.handlers
import time
from pathlib import Path

from iotjobs_tui.common import paths

LOGGER = "iotjobs_tui"
LOG_NAME = "iotjobs-tui.log"
# A rollout watched for hours at info level writes well under this; two old files are kept.
MAX_BYTES = 2_000_000
BACKUPS = 2


class _Printable(logging.Formatter):
    """Untrusted text (thing names, AWS messages) reaches the log: `cat` or `tail -f` of it
    must not feed a terminal escape, so every non-printable character but the newline is
    written as its escape (\\x1b, \\u200b)."""

    converter = staticmethod(time.gmtime)  # UTC, as every time the app shows by default

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if text.isprintable():
            return text
        return "".join(
            c if c.isprintable() or c == "\n" else c.encode("unicode_escape").decode("ascii")
            for c in text
        )


def default_path() -> Path:
    return paths.log_dir() / LOG_NAME


_current: list[Path | None] = [None]


def current_path() -> Path | None:
    """The file `setup` opened (None: not logging to a file)."""
    return _current[0]


def setup(file: str | Path | None, level: str = "info") -> Path | None:
    """Log to `file` (default: the user log directory). Returns the path, or None if it could
    not be opened: a log must never stop the app from starting."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    path = Path(file).expanduser() if file else default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        logger.addHandler(logging.NullHandler())
        _current[0] = None
        return None
    handler.setFormatter(
        _Printable("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    )
    logger.addHandler(handler)
    logger.setLevel(getattr(logging, level.upper(), logging.INFO))
    _current[0] = path
    logger.info("started; logging at %s to %s", level, path)
    return path


def get(name: str) -> logging.Logger:
    """A logger under the app's tree (`iotjobs_tui.<name>`)."""
    return logging.getLogger(f"{LOGGER}.{name}")
