"""The config file's [why] table: the bucketing keys and the sample size, checked like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from iotjobs_tui.aws.why import DEFAULT_KEYS
from iotjobs_tui.aws.why_sample import SAMPLE_TARGET
from iotjobs_tui.common.config import ConfigError, decode, load
from iotjobs_tui.ui.protocols import ViewOptions


def test_why_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[why]\nkeys = ["error-code", "reason"]\nsample = 250\n', encoding="utf-8")
    why = load(path).why
    assert (why.keys, why.sample) == (("error-code", "reason"), 250)
    options = ViewOptions(**why.view_options())
    assert (options.why_keys, options.why_sample) == (("error-code", "reason"), 250)


def test_defaults_come_from_the_why_module() -> None:
    assert decode({}).why.view_options() == {}
    options = ViewOptions()
    assert (options.why_keys, options.why_sample) == (DEFAULT_KEYS, SAMPLE_TARGET)
    assert decode({"why": {"sample": 7}}).why.view_options() == {"why_sample": 7}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"keys": []}, "why.keys: must be a non-empty list of strings (got [])"),
        ({"keys": "reason"}, "why.keys: must be a non-empty list of strings (got 'reason')"),
        ({"keys": ["reason", "a b"]}, "why.keys: 'a b' is not a statusDetails key"),
        ({"keys": ["reason", "reason"]}, "why.keys: lists a key twice"),
        ({"sample": 0}, "why.sample: must be a whole number from 1 to 10,000 (got 0)"),
        ({"sample": 1.5}, "why.sample: must be a whole number from 1 to 10,000 (got 1.5)"),
        ({"sample": True}, "why.sample: must be a whole number"),
        ({"smaple": 5}, "why.smaple: is not a setting iotjobs-tui knows"),
    ],
)
def test_mistakes_are_one_line(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        decode({"why": table}, "config.toml")
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"config.toml: {message}")
