"""The log file: untrusted text cannot feed a terminal escape to `cat`; only the app's loggers."""

from __future__ import annotations

import logging
from pathlib import Path

from iotjobs_tui.common import logs


def test_untrusted_text_is_escaped_and_times_are_utc(tmp_path: Path) -> None:
    path = logs.setup(tmp_path / "x.log", "info")
    assert path is not None and logs.current_path() == path
    logs.get("t").warning("thing %s", "a\x1b]0;pwn\x07b\u200bc")
    line = path.read_text(encoding="utf-8").splitlines()[-1]
    assert line.endswith("thing a\\x1b]0;pwn\\x07b\\u200bc")
    assert "\x1b" not in path.read_text(encoding="utf-8")
    assert line.split(" ")[0].endswith("Z")


def test_botocore_never_writes_to_the_file(tmp_path: Path) -> None:
    path = logs.setup(tmp_path / "y.log", "debug")
    assert path is not None
    logging.getLogger("botocore.endpoint").warning("Authorization: AWS4-HMAC-SHA256 secret")
    assert "secret" not in path.read_text(encoding="utf-8")


def test_an_unwritable_log_never_stops_the_app(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert logs.setup(blocker / "sub" / "x.log", "info") is None
    assert logs.current_path() is None
