"""The fault matrix (issue 14, item 2): every emulator fault on every live screen.

For each fault x screen (see `fault_matrix_kit` for the run): no crash and no traceback; keys
answered while the fault is on (within KEY_BOUND; bench/faults.py prints how fast); the
affected pane marked failed within one interval; a permanent error stops its loop, says what
to do and makes no more calls; recovery by the loop's next try once the fault ends (`r` for
a permanent one); errors in one line with the AWS code; no duplicate toasts.
`app.survive_errors` stays None: a bug raises here.
"""

from __future__ import annotations

from typing import Any

import pytest

from .fault_matrix_kit import (
    FAULTS,
    KEY_BOUND,
    SCREENS,
    Cell,
    Fault,
    Screen,
    app_options,
    open_screen,
    seed,
)

# Cells whose expectation does not hold because of an app bug: (fault, screen) -> reason.
XFAIL: dict[tuple[str, str], str] = {}


def cells() -> list[Any]:
    out = []
    for screen in SCREENS:
        for fault in FAULTS:
            marks = []
            reason = XFAIL.get((fault.name, screen.name))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            out.append(pytest.param(fault, screen, id=f"{screen.name}-{fault.name}", marks=marks))
    return out


@pytest.mark.parametrize(("fault", "screen"), cells())
async def test_fault_cell(
    fault: Fault, screen: Screen, make_app: Any, iot: Any, sim_server: Any
) -> None:
    seed(iot)
    app = make_app(**app_options(screen))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, app, screen)
        cell = Cell(fault, screen, app, sim_server)
        await cell.run(pilot)
        assert cell.slowest_key_ms < KEY_BOUND * 1000, cell.keys_ms
