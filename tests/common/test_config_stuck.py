"""The config file's [stuck] table: the stuck triage's thresholds, checked like the rest."""

from __future__ import annotations

import pytest

from iotjobs_tui.common.config import ConfigError, StuckConfig, decode


def test_defaults_and_values() -> None:
    assert decode({}).stuck == StuckConfig(queued_minutes=10.0, in_progress_minutes=30.0)
    config = decode({"stuck": {"queued_minutes": 5, "in_progress_minutes": 45.5}}, "c.toml")
    assert config.stuck == StuckConfig(queued_minutes=5.0, in_progress_minutes=45.5)
    assert config.stuck.view_options() == {
        "stuck_queued_minutes": 5.0,
        "stuck_in_progress_minutes": 45.5,
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"queued_minutes": 0}, "c.toml: stuck.queued_minutes: must be from 1 to 10080 minutes"),
        ({"queued_minutes": "10"}, "c.toml: stuck.queued_minutes: must be a number of minutes"),
        ({"in_progress_minutes": True}, "c.toml: stuck.in_progress_minutes: must be a number"),
        ({"in_progress_minutes": 20_000}, "stuck.in_progress_minutes: must be from 1 to 10080"),
        ({"queued": 10}, "c.toml: stuck.queued: is not a setting iotjobs-tui knows"),
    ],
)
def test_one_line_errors(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        decode({"stuck": table}, "c.toml")
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_stuck_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"stuck: must be a table \(\[stuck\]\)"):
        decode({"stuck": 10}, "c.toml")
